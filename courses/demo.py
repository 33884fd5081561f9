"""Demo courses, instructors with their teaching certificates, enrolments, and a course's evaluations and
update suggestions. Safe to run again."""

import datetime
import io
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from PIL import Image

from accounts.models import Department, User
from qualifications.models import Qualification, QualificationKind, State

from .models import (
    Course,
    CoursePromise,
    DevelopmentRecord,
    DevelopmentRequirement,
    Enrolment,
    Instructor,
    SchoolClass,
    Term,
)

INSTRUCTORS = [
    ("何老师", "高级讲师", "instructor@demo.edu.cn"),
    ("罗老师", "讲师", None),
    ("梁老师", "副教授", None),
]

COURSES = [
    ("PY-101", "Python 编程入门", "零基础学习 Python 编程。", Decimal("1999.00"), ["何老师"]),
    ("DS-201", "数据分析实战", "用 pandas 做真实的数据分析项目。", Decimal("3680.00"), ["罗老师"]),
    ("EN-110", "职场英语口语", "面向职场的英语口语训练。", Decimal("2480.00"), ["梁老师"]),
    (
        "AC-301",
        "初级会计职称备考",
        "系统复习初级会计实务与经济法基础。",
        Decimal("12800.00"),
        ["何老师", "梁老师"],
    ),
]
# course code -> lessons it has
LESSONS = {"PY-101": 24, "DS-201": 30, "EN-110": 20, "AC-301": 36}
# (learner e-mail, course code) -> lessons taken so far; the others have taken a quarter of theirs
LESSONS_TAKEN = {
    ("learner2@demo.edu.cn", "DS-201"): 8,
    ("learner4@demo.edu.cn", "AC-301"): 5,
    ("learner5@demo.edu.cn", "EN-110"): 12,
    ("child@demo.edu.cn", "EN-110"): 6,
}

# learner e-mail -> course codes
ENROLMENTS = {
    "learner@demo.edu.cn": ["PY-101", "AC-301"],
    "learner2@demo.edu.cn": ["PY-101", "DS-201"],
    "learner3@demo.edu.cn": ["DS-201"],
    "learner4@demo.edu.cn": ["EN-110", "AC-301"],
    "learner5@demo.edu.cn": ["EN-110"],
    "learner6@demo.edu.cn": ["AC-301"],
    "child@demo.edu.cn": ["EN-110"],
}

DEMO_TERM = "2026年秋季学期"
# learner e-mail -> administrative class
CLASSES = {
    "learner@demo.edu.cn": "2026级软件1班",
    "learner2@demo.edu.cn": "2026级软件1班",
    "learner3@demo.edu.cn": "2026级软件1班",
    "learner4@demo.edu.cn": "2026级财会1班",
    "learner5@demo.edu.cn": "2026级财会1班",
    "learner6@demo.edu.cn": "2026级财会1班",
    "child@demo.edu.cn": "2026级财会1班",
}


def seed_courses() -> None:
    academic = Department.objects.get(code="academic_affairs")
    instructors = {}
    for name, title, email in INSTRUCTORS:
        user = User.objects.filter(email=email).first() if email else None
        instructors[name], _created = Instructor.objects.update_or_create(
            name=name, defaults={"title": title, "department": academic, "user": user}
        )
    courses = {}
    for code, title, description, price, teacher_names in COURSES:
        course, _created = Course.objects.update_or_create(
            code=code,
            defaults={
                "title": title,
                "description": description,
                "price": price,
                "department": academic,
                "lesson_count": LESSONS[code],
            },
        )
        course.instructors.set([instructors[name] for name in teacher_names])
        courses[code] = course

    start = timezone.localdate() - datetime.timedelta(days=60)
    purchased_at = datetime.datetime.combine(start, datetime.time(10), tzinfo=timezone.get_current_timezone())
    term, _created = Term.objects.get_or_create(
        name=DEMO_TERM,
        defaults={"starts_on": start, "ends_on": start + datetime.timedelta(days=140)},
    )
    classes = {
        name: SchoolClass.objects.get_or_create(name=name, defaults={"department": academic})[0]
        for name in set(CLASSES.values())
    }
    for email, codes in ENROLMENTS.items():
        learner = User.objects.get(email=email)
        for code in codes:
            course = courses[code]
            Enrolment.objects.get_or_create(
                learner=learner,
                course=course,
                defaults={
                    "start_date": start,
                    "valid_until": start + datetime.timedelta(days=365),
                    "amount_paid": course.price,
                    "purchased_at": purchased_at,
                    "lessons_taken": LESSONS_TAKEN.get((email, code), LESSONS[code] // 4),
                    "term": term,
                    "school_class": classes[CLASSES[email]],
                },
            )


def _certificate_scan() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (320, 200), (236, 240, 244)).save(buffer, format="PNG")
    return buffer.getvalue()


def seed_instructor_qualifications() -> None:
    """Every demo instructor holds a verified teaching certificate (so each can be assigned), except: one
    lapses in 45 days (its reminder is due), and one has a renewal waiting for the reviewers."""
    reviewer = User.objects.get(email="manager@demo.edu.cn")
    kind = QualificationKind.objects.get(
        holder_type=ContentType.objects.get_for_model(Instructor), code="teaching_certificate"
    )
    today = timezone.localdate()
    holder_type = ContentType.objects.get_for_model(Instructor)
    for position, instructor in enumerate(Instructor.objects.order_by("pk")):
        if Qualification.objects.filter(holder_type=holder_type, holder_id=instructor.pk).exists():
            continue
        ends = today + datetime.timedelta(days=45 if position == 1 else 900)
        common = {
            "holder_type": holder_type,
            "holder_id": instructor.pk,
            "kind": kind,
            "issuer": "教育部",
            "level": "高级中学教师资格",
            "scan": _certificate_scan(),
            "scan_type": "image/png",
            "scan_name": "教师资格证.png",
            "submitted_by": instructor.user or reviewer,
        }
        Qualification.objects.create(
            **common,
            number=f"2019{instructor.pk:010d}",
            valid_from=today - datetime.timedelta(days=2000),
            valid_until=ends,
            state=State.VERIFIED,
            reviewed_by=reviewer,
            reviewed_at=timezone.now(),
        )
        if position == 2:
            Qualification.objects.create(
                **common,
                number=f"2026{instructor.pk:010d}",
                valid_from=today,
                valid_until=ends.replace(year=ends.year + 5),
            )


SPRING_TERM = "2026年春季学期"
EVALUATED_COURSE = "PY-201"
# Learners who finished PY-201 last spring and evaluated it: (e-mail, overall score, comment, scores).
EVALUATIONS = [
    ("learner2@demo.edu.cn", 5, "案例贴近工作，练习很有帮助。", 5),
    ("learner3@demo.edu.cn", 4, "讲解清楚，但第三章的截图还是旧版本。", 4),
    ("learner4@demo.edu.cn", 4, "", 4),
    ("learner5@demo.edu.cn", 3, "节奏偏快，希望多一些课后答疑。", 3),
    ("learner6@demo.edu.cn", 5, "", 5),
]
SUGGESTIONS = [
    # proposer, kind, chapter, text, supporters, answer (move, argument)
    (
        "learner3@demo.edu.cn",
        "outdated",
        None,
        "第三章开发环境的安装截图还是旧版本，建议更新到当前版本。",
        ["learner2@demo.edu.cn", "learner6@demo.edu.cn"],
        ("done", "2026.2"),
    ),
    (
        "learner5@demo.edu.cn",
        "missing_topic",
        None,
        "希望增加一章数据可视化的内容。",
        ["learner2@demo.edu.cn"],
        ("plan", ""),
    ),
    ("learner2@demo.edu.cn", "chapter_error", 5, "第5章练习2的参考答案与题目不符。", [], None),
    (
        "learner6@demo.edu.cn",
        "missing_topic",
        None,
        "希望增加一节面试题讲解。",
        [],
        ("decline", "面试辅导另有专门课程。"),
    ),
]


def seed_evaluations() -> None:
    """PY-201 (taught by the demo instructor) as last spring's learners left it: five evaluations (so its
    rating shows), two comments published and one answered by its instructor, a free-text answer published;
    four update suggestions, one done in version 2026.2, one planned, one open with support, one declined.
    Runs once."""
    from django.contrib.auth.models import Permission

    from ratings.services import rating_comment_moderate, rating_reply, ratings_refresh

    from .evaluations.models import CourseEvaluation
    from .evaluations.selectors import evaluation_questions, evaluation_template_for
    from .evaluations.services import evaluation_submit, evaluation_text_moderate, question_field
    from .suggestions import services as suggestion_services
    from .suggestions.models import UpdateSuggestion

    course, _created = Course.objects.get_or_create(
        code=EVALUATED_COURSE,
        defaults={
            "title": "Python 进阶与项目实战",
            "description": "面向有基础的学员：面向对象、测试与一个完整的数据项目。",
            "price": Decimal("2680.00"),
            "department": Department.objects.get(code="academic_affairs"),
            "lesson_count": 20,
        },
    )
    course.instructors.add(Instructor.objects.get(name="何老师"))
    if CourseEvaluation.objects.filter(course=course).exists():
        return
    spring_start = timezone.localdate() - datetime.timedelta(days=240)
    spring, _created = Term.objects.get_or_create(
        name=SPRING_TERM,
        defaults={"starts_on": spring_start, "ends_on": spring_start + datetime.timedelta(days=140)},
    )
    manager = User.objects.get(email="manager@demo.edu.cn")
    manager.user_permissions.add(
        Permission.objects.get(content_type__app_label="ratings", codename="moderate_rating")
    )
    manager = User.objects.get(pk=manager.pk)  # permissions are cached on the instance
    teacher = User.objects.get(email="instructor@demo.edu.cn")
    questions = evaluation_questions(evaluation_template_for(course))
    purchased_at = datetime.datetime.combine(
        spring_start, datetime.time(10), tzinfo=timezone.get_current_timezone()
    )
    evaluations = []
    for email, score, comment, answer in EVALUATIONS:
        enrolment, _created = Enrolment.objects.get_or_create(
            learner=User.objects.get(email=email),
            course=course,
            start_date=spring_start,
            defaults={
                "valid_until": spring_start + datetime.timedelta(days=180),
                "amount_paid": course.price,
                "purchased_at": purchased_at,
                "lessons_taken": course.lesson_count,
                "term": spring,
            },
        )
        answers = {question_field(q): answer for q in questions if q.kind == "likert"}
        answers[question_field(questions[-1])] = "希望增加更多实际项目练习。" if score < 5 else ""
        evaluations.append(
            evaluation_submit(
                enrolment=enrolment, actor=enrolment.learner, score=score, comment=comment, answers=answers
            )
        )
    ratings_refresh()
    commented = [evaluation for evaluation in evaluations if evaluation.rating.comment]
    for evaluation in commented[:2]:
        rating_comment_moderate(rating=evaluation.rating, actor=manager, publish=True)
    rating_reply(rating=commented[0].rating, actor=teacher, text="谢谢！下学期会继续补充真实项目案例。")
    first_text = evaluations[1].texts.first()
    if first_text is not None:
        evaluation_text_moderate(text=first_text, actor=manager, publish=True)

    if UpdateSuggestion.objects.filter(course=course).exists():
        return
    for proposer, kind, chapter, text, supporters, answer in SUGGESTIONS:
        suggestion = suggestion_services.suggestion_propose(
            course=course, actor=User.objects.get(email=proposer), kind=kind, chapter=chapter, text=text
        )
        for email in supporters:
            suggestion_services.suggestion_support(suggestion=suggestion, actor=User.objects.get(email=email))
        if answer is None:
            continue
        move, argument = answer
        if move == "done":
            suggestion_services.suggestion_mark_done(suggestion=suggestion, actor=teacher, version=argument)
        elif move == "plan":
            suggestion_services.suggestion_plan(
                suggestion=suggestion, actor=teacher, note="计划在下个版本加入。"
            )
        else:
            suggestion_services.suggestion_decline(suggestion=suggestion, actor=teacher, reason=argument)


def seed_instructor_development() -> None:
    """Trainings and assessments of the demo instructors: most are up to date, the first is due for the
    ethics training within the month, the second has never been assessed."""
    if DevelopmentRecord.objects.exists():
        return
    manager = User.objects.get(email="manager@demo.edu.cn")
    today = timezone.localdate()
    ethics = DevelopmentRequirement.objects.get(name="师德师风培训")
    teaching = DevelopmentRequirement.objects.get(name="教学能力考核")
    for position, instructor in enumerate(Instructor.objects.order_by("pk")):
        trained = today - datetime.timedelta(days=350 if position == 0 else 90)
        DevelopmentRecord.objects.create(
            instructor=instructor,
            requirement=ethics,
            kind=ethics.kind,
            title=f"{trained.year}年师德师风专题培训",
            held_on=trained,
            hours=Decimal("8.0"),
            result=DevelopmentRecord.Result.ATTENDED,
            recorded_by=manager,
        )
        if position != 1:
            DevelopmentRecord.objects.create(
                instructor=instructor,
                requirement=teaching,
                kind=teaching.kind,
                title="教学能力年度考核",
                held_on=today - datetime.timedelta(days=120),
                result=DevelopmentRecord.Result.PASSED,
                score=Decimal("88.5"),
                recorded_by=manager,
            )


def seed_course_promises() -> None:
    """The first course's page promises a named teacher (名师授课), who holds a verified certificate."""
    course = Course.objects.filter(code=COURSES[0][0]).first()
    instructor = course.instructors.order_by("pk").first() if course is not None else None
    if instructor is not None:
        CoursePromise.objects.get_or_create(
            course=course,
            instructor=instructor,
            claim=f"名师授课：{instructor.name}{instructor.title and '，' + instructor.title}",
            defaults={"created_by": User.objects.get(email="manager@demo.edu.cn")},
        )


def demo_seed(*, password: str) -> None:
    """Seed this app's demo data (the ``seed_demo`` command calls it); the people come from accounts."""
    seed_courses()
    seed_instructor_qualifications()
    seed_instructor_development()
    seed_course_promises()
    seed_evaluations()
