"""Demo courses, instructors with their teaching certificates, and enrolments. Safe to run again."""

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
            defaults={"title": title, "description": description, "price": price, "department": academic},
        )
        course.instructors.set([instructors[name] for name in teacher_names])
        courses[code] = course

    start = timezone.localdate() - datetime.timedelta(days=60)
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


def demo_seed(*, password: str) -> None:
    """Seed this app's demo data (the ``seed_demo`` command calls it); the people come from accounts."""
    seed_courses()
    seed_instructor_qualifications()
    seed_instructor_development()
