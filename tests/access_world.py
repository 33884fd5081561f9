"""One learner's records and everyone around them, built once for the access matrix.

The victim files a complaint about a staff member, with a co-learner and a guardian; staff acknowledge it,
write an internal note, propose a remedy and an improvement action. Every record carries a marker that no
one outside the case may ever see in a page or an API answer.
"""

import datetime
from dataclasses import dataclass, field

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice

from accounts.roles import Role
from accounts.tests.factories import (
    DepartmentFactory,
    GuardianshipFactory,
    LearnerFactory,
    StaffFactory,
)
from activities.tests.factories import ActivityFactory, RegistrationFactory
from complaints.models import Appeal, Approval, Attachment, Complaint, Remedy
from complaints.services import (
    complaint_acknowledge,
    complaint_add_internal_note,
    improvement_action_add,
)
from complaints.services.filing import complaint_file
from complaints.tests.api_helpers import PNG
from complaints.tests.factories import CategoryFactory
from conftest import staff_session_verify
from core.tests.testapp.models import Mentor, MentorSession
from courses.models import CoursePromise, DevelopmentRecord, DevelopmentRequirement
from courses.tests.factories import EnrolmentFactory, InstructorFactory, SchoolClassFactory, TermFactory
from dashboard.models import ReportRun
from incentives.models import RewardRule
from incentives.reasons import AwardReason
from incentives.services import points_award
from notifications.models import Notification
from privacy.models import AccessLogEntry, IdentityDocument
from privacy.services import access_log_record, erasure_request_create, policy_accept
from qualifications.models import QualificationKind
from qualifications.services import qualification_submit
from ratings.services import rating_give
from reviews.models import Review, ReviewDecision, ReviewKind, ReviewReminder, ReviewSchedule, RightsMeasure
from sla.models import Clock, Escalation
from surveys.answers import answer_slots
from surveys.models import Answer, Invitation
from surveys.services import response_submit, survey_open
from surveys.tests.factories import QuestionFactory, SurveyFactory

# Strings that exist nowhere but in the victim's records.
TITLE_MARKER = "MATRIX-TITLE-7Q4ZK"
DESCRIPTION_MARKER = "MATRIX-DESCRIPTION-W9X2R"
NOTE_MARKER = "MATRIX-INTERNAL-NOTE-J3V8N"
VICTIM_MOBILE = "13700013579"
VICTIM_NAME = "MATRIX-VICTIM-NAME-H6T1C"

# The people of the matrix, by the part they play towards the victim's complaint.
ROLES = (
    "anonymous",
    "learner",
    "other learner",
    "guardian",
    "co-learner",
    "agent of another department",
    "agent",
    "supervisor",
    "manager",
    "leadership",
    "legal",
    "safety",
    "subject staff member",
)


@dataclass
class World:
    people: dict = field(default_factory=dict)
    clients: dict = field(default_factory=dict)
    objects: dict = field(default_factory=dict)

    @property
    def complaint(self) -> Complaint:
        return self.objects["complaint"]


def _paper_batch(person):
    from feedback.models import PaperBatch

    return PaperBatch.objects.create(kind=PaperBatch.Kind.KEYED, created_by=person)


def _counselling(*, victim, counsellor_user) -> dict:
    from accounts.services import user_add_role
    from counseling.models import (
        AvailabilityException,
        BookingRestriction,
        NoShowKind,
        NoShowPolicy,
        RestrictionAppeal,
        State,
    )
    from counseling.tests.factories import (
        AppointmentFactory,
        CounsellorFactory,
        SpecialityFactory,
        verify_client,
    )

    user_add_role(user=counsellor_user, role=Role.COUNSELLOR)
    counsellor = CounsellorFactory(
        user=counsellor_user, specialities=[SpecialityFactory(code="matrix-anxiety")]
    )
    verify_client(victim)
    appointment = AppointmentFactory(counsellor=counsellor, client=victim)
    missed = AppointmentFactory(
        counsellor=counsellor,
        client=victim,
        starts_at=appointment.starts_at - datetime.timedelta(days=3),
        state=State.NO_SHOW,
        no_show_kind=NoShowKind.NOT_ATTENDED,
        no_show_at=timezone.now(),
    )
    restriction = BookingRestriction.objects.create(
        client=victim,
        ends_at=timezone.now() + datetime.timedelta(days=30),
        no_show_count=3,
        last_no_show=missed,
    )
    appeal = RestrictionAppeal.objects.create(restriction=restriction, text="那几天住院了")
    exception = AvailabilityException.objects.create(
        counsellor=counsellor, day=timezone.localdate() + datetime.timedelta(days=2), kind="day_off"
    )
    return {
        "counsellor": counsellor,
        "appointment": appointment,
        "restriction": restriction,
        "restriction appeal": appeal,
        "availability exception": exception,
        "no-show policy": NoShowPolicy.objects.create(),
    }


def _counselling_records(*, victim, counsellor, people) -> dict:
    """The victim's attended session with its record (flagged at risk, so a safety case is open), their intake
    answers, a spot-check grant of the counsellor's records to the supervisor, a sample with a finding, a
    review, an expert's assessment and a warning on the counsellor."""
    from counseling.models import (
        Appointment,
        CounsellorPenalty,
        CounsellorReview,
        ExpertAssessment,
        RecordGrant,
        RiskFlag,
        SpotCheckFinding,
        SpotCheckSample,
        State,
    )
    from counseling.services import intake_answer, session_record_write
    from counseling.tests.factories import AppointmentFactory

    now = timezone.now()
    session = now.replace(hour=10, minute=0, second=0, microsecond=0) - datetime.timedelta(days=5)
    attended = AppointmentFactory(
        counsellor=counsellor,
        client=victim,
        state=State.COMPLETED,
        starts_at=session,
        ends_at=session + datetime.timedelta(minutes=50),
        blocked_from=session,
        blocked_until=session + datetime.timedelta(hours=1),
        completed_at=session + datetime.timedelta(minutes=50),
    )
    record = session_record_write(
        appointment=attended, notes="来访者的咨询记录", risk_flag=RiskFlag.SELF_HARM, actor=counsellor.user
    )
    upcoming = Appointment.objects.filter(counsellor=counsellor, client=victim, state=State.CONFIRMED).first()
    intake = intake_answer(appointment=upcoming, concern="考试焦虑", actor=victim)
    grant = RecordGrant.objects.create(
        supervisor=people["supervisor"],
        counsellor=counsellor,
        valid_from=now - datetime.timedelta(days=1),
        valid_until=now + datetime.timedelta(days=30),
        purpose="月度督导",
        granted_by=people["manager"],
    )
    from ratings.models import CommentState

    comment = rating_give(subject=counsellor, source=attended, rater=victim, score=4, comment="很耐心")
    comment.comment_state, comment.moderated_at = CommentState.PUBLISHED, now
    comment.save(update_fields=["comment_state", "moderated_at"])
    sample = SpotCheckSample.objects.create(
        counsellor=counsellor,
        month=now.date().replace(day=1),
        seed="x",
        size=1,
        drawn_by=people["supervisor"],
    )
    sample.records.set([record])
    return {
        "attended appointment": attended,
        "session record": record,
        "safety case": record.safety_case,
        "intake": intake,
        "record grant": grant,
        "spot-check sample": sample,
        # By id: the moderators' queue shows waiting comments, and this one is published.
        "counsellor comment id": comment.pk,
        "spot-check finding": SpotCheckFinding.objects.create(
            sample=sample, record=record, outcome="satisfactory", recorded_by=people["supervisor"]
        ),
        "counsellor review": CounsellorReview.objects.create(
            counsellor=counsellor,
            period_start=now.date() - datetime.timedelta(days=90),
            period_end=now.date(),
            decision="continue",
            notes="良好",
            reviewed_by=people["manager"],
        ),
        "expert assessment": ExpertAssessment.objects.create(
            counsellor=counsellor,
            expert_name="王教授",
            assessed_on=now.date(),
            assessment="良好",
            recommendation="continue",
            recorded_by=people["manager"],
        ),
        "penalty": CounsellorPenalty.objects.create(
            counsellor=counsellor,
            kind="warning",
            reason="记录不及时",
            starts_at=now,
            imposed_by=people["manager"],
        ),
    }


def _help_centre(*, victim):
    """A published help article (with its first version) and the victim's vote that it helped."""
    from helpcentre.services import article_vote
    from helpcentre.tests.factories import ArticleFactory

    article = ArticleFactory(published=True, slug="refund-policy", draft_title="退费政策")
    return article, article_vote(article=article, voter=victim, is_helpful=True, reason="solved")


def _community(victim, people) -> dict:
    """The victim's community post (with a picture) and reply, another learner's report of the reply, a
    moderator's warning about the post and the victim's appeal against it, and one sensitive word."""
    from community import services as community
    from community.models import Board, SensitiveWord

    post = community.post_create(
        actor=victim,
        board=Board.objects.get(slug="experience"),
        title="备考心得",
        body="每天复习两小时。",
        images=[SimpleUploadedFile("笔记.png", PNG, content_type="image/png")],
    )
    reply = community.reply_create(actor=victim, post=post, body="补充：周末做真题。")
    report = community.report_create(actor=people["other learner"], reply=reply, reason="spam")
    warning = community.moderation_act(
        actor=people["supervisor"], target=post, decision=community.Decision(kind="warn", reason="标题不规范")
    )
    appeal = community.appeal_file(actor=victim, action=warning, text="标题已经写清楚了。")
    return {
        "community post": post,
        "community image": post.images.get(),
        "community reply": reply,
        "community report": report,
        "community warning": warning,
        "community appeal": appeal,
        "sensitive word": SensitiveWord.objects.create(word="代考"),
    }


def _chat(victim):
    """The victim's chat with the online customer service, left as a message (nobody is on duty)."""
    from livechat import services as livechat

    return livechat.chat_open(actor=victim, first_message=f"{DESCRIPTION_MARKER} 请尽快回复我")


def build_world() -> World:
    world = World()
    department = DepartmentFactory()
    category = CategoryFactory(default_department=department)
    guardianship = GuardianshipFactory(learner__mobile=VICTIM_MOBILE, learner__display_name=VICTIM_NAME)
    victim = guardianship.learner
    co_learner = LearnerFactory()
    subject_staff = StaffFactory(department=department, roles=[Role.AGENT])
    agent = StaffFactory(department=department, roles=[Role.AGENT])
    people = {
        "learner": victim,
        "other learner": LearnerFactory(),
        "guardian": guardianship.guardian,
        "co-learner": co_learner,
        "agent of another department": StaffFactory(roles=[Role.AGENT]),
        "agent": agent,
        "supervisor": StaffFactory(department=department, roles=[Role.SUPERVISOR]),
        "manager": StaffFactory(roles=[Role.MANAGER]),
        "leadership": StaffFactory(roles=[Role.LEADERSHIP]),
        "legal": StaffFactory(roles=[Role.LEGAL]),
        "safety": StaffFactory(roles=[Role.SAFETY_OFFICER]),
        "subject staff member": subject_staff,
    }
    world.people = people

    complaint = complaint_file(
        actor=victim,
        complainant=victim,
        category=category,
        title=f"{TITLE_MARKER} 课程质量",
        description=f"{DESCRIPTION_MARKER} 老师多次迟到。",
        co_learners=[co_learner],
        subject_staff=subject_staff,
        attachments=[SimpleUploadedFile("evidence.png", PNG, content_type="image/png")],
    )
    complaint = complaint_acknowledge(complaint=complaint, actor=agent)
    complaint_add_internal_note(complaint=complaint, body=f"{NOTE_MARKER} 核实中", actor=agent)
    enrolment = EnrolmentFactory(
        learner=victim, term=TermFactory(), school_class=SchoolClassFactory(department=department)
    )
    remedy = Remedy.objects.create(
        complaint=complaint,
        learner=victim,
        kind=Remedy.Kind.VALIDITY_EXTENSION,
        days=30,
        enrolment=enrolment,
        state=Remedy.State.APPROVED,
        proposed_by=agent,
    )
    approval = Approval.objects.create(complaint=complaint, response="拟同意延期并致歉。", requested_by=agent)
    appeal = Appeal.objects.create(complaint=complaint, reason="对处理结果不满意。", filed_by=victim)
    improvement = improvement_action_add(
        complaint=complaint,
        title="排课提醒",
        owner=agent,
        due_date=timezone.localdate() + datetime.timedelta(days=14),
        actor=agent,
    )
    clock = Clock.objects.filter(complaint=complaint).first()
    escalation = Escalation.objects.create(
        subject=complaint, clock=clock, target=clock.target, level=Escalation.Level.values[0]
    )
    access = access_log_record(
        actor=agent,
        subject=victim,
        record=victim,
        fields=["mobile"],
        channel=AccessLogEntry.Channel.values[0],
        screen="matrix",
    )
    identity = IdentityDocument.objects.create(
        user=victim, kind=IdentityDocument.Kind.STUDENT_CARD, content=PNG, content_type="image/png"
    )
    report = ReportRun.objects.create(
        requested_by=people["manager"],
        period_first=timezone.localdate() - datetime.timedelta(days=30),
        period_last=timezone.localdate(),
        language="zh-hans",
        state=ReportRun.State.DONE,
        percent=100,
    )
    report.pdf.save("matrix-report.pdf", ContentFile(b"%PDF-1.4 matrix report"), save=True)
    instructor = InstructorFactory(department=department, user=subject_staff)
    # The victim's points for answering a survey, which reach a reward with a coupon code.
    reward_rule = RewardRule.objects.create(
        kind="coupon", every_points=10, value="50.00", description="感谢券", description_en="Thank-you coupon"
    )
    award = points_award(learner=victim, reason=AwardReason.SURVEY_ANSWERED, source=complaint)
    # An opinion survey that asks the victim by name, open; the review below gathered its opinions with it.
    opinion_survey = SurveyFactory(opinions=True, invitees=[victim])
    QuestionFactory(questionnaire=opinion_survey.questionnaire)
    opinion_survey = survey_open(survey=opinion_survey, actor=people["manager"])
    # A review held by the managers, with a decision the agent owns; an evaluation's schedule and reminder.
    measure = RightsMeasure.objects.create(
        code="matrix-measure", name="退费规则", name_en="Refund rules", responsible=people["manager"]
    )
    schedule = ReviewSchedule.objects.create(
        kind=ReviewKind.MEASURE,
        measure=measure,
        interval_months=12,
        first_due_on=timezone.localdate(),
    )
    review = Review.objects.create(
        kind=ReviewKind.PROCESS,
        responsible=people["manager"],
        held_on=timezone.localdate(),
        period_start=timezone.localdate() - datetime.timedelta(days=180),
        period_end=timezone.localdate(),
        findings="反馈回复偏慢。",
        opinions_survey=opinion_survey,
        created_by=people["manager"],
    )
    decision = ReviewDecision.objects.create(
        review=review,
        change="缩短反馈回复时限。",
        owner=agent,
        due_date=timezone.localdate() + datetime.timedelta(days=30),
        created_by=people["manager"],
    )
    reminder = ReviewReminder.objects.create(
        schedule=schedule, due_on=schedule.first_due_on, level="due_soon"
    )
    # The victim's feedback, a meeting they represented their class at, and a staff member's import.
    from feedback.models import FeedbackCategory, ImportJob
    from feedback.services import Subject, feedback_give, meeting_record

    feedback = feedback_give(
        actor=victim,
        subject=Subject(
            category=FeedbackCategory.objects.get(code="course_content"), course=enrolment.course
        ),
        text=f"{DESCRIPTION_MARKER} 希望增加答疑",
        attachments=[SimpleUploadedFile("feedback.png", PNG, content_type="image/png")],
    ).item
    meeting = meeting_record(
        actor=agent, held_on=timezone.localdate(), classes=[], representatives=[victim], minutes="班会"
    )
    import_job = ImportJob.objects.create(
        file=ContentFile(b"\xe7\xb1\xbb\xe5\x88\xab,\xe5\x86\x85\xe5\xae\xb9\n", name="imports/matrix"),
        file_name="matrix.csv",
        file_kind="csv",
        created_by=people["supervisor"],
    )
    # A term survey of the victim's course, answered by the victim (free text awaiting review).
    survey = SurveyFactory(term=enrolment.term, courses=[enrolment.course])
    free_text = QuestionFactory(questionnaire=survey.questionnaire, free_text=True)
    survey = survey_open(survey=survey, actor=people["manager"])
    invitation = Invitation.objects.get(survey=survey, learner=victim)
    slots = answer_slots(survey=survey, course_id=invitation.course_id)
    invitation = response_submit(invitation=invitation, answers={slots[0].key: "课程安排合理"}, actor=victim)
    # The victim's rating of a mentor (the tests' own rated subject), its comment awaiting moderation; the
    # manager moderates, and never learns who wrote it.
    mentor = Mentor.objects.create(name="王导师", user=subject_staff)
    rating = rating_give(
        subject=mentor,
        source=MentorSession.objects.create(mentor=mentor, learner=victim),
        rater=victim,
        score=2,
        comment="讲解太快",
    )
    people["manager"].user_permissions.add(
        Permission.objects.get(content_type__app_label="ratings", codename="moderate_rating")
    )
    # The victim is a mentor too (the tests' own qualified holder) and has submitted a certificate, which
    # the managers vet.
    licence = QualificationKind.objects.create(
        holder_type=ContentType.objects.get_for_model(Mentor),
        code="matrix-licence",
        name="执业证书",
        required=True,
    )
    qualification = qualification_submit(
        holder=Mentor.objects.create(name="李导师", user=victim),
        kind=licence,
        number="MATRIX-CERT-1",
        issuer="人社部",
        valid_from=datetime.date(2025, 1, 1),
        valid_until=datetime.date(2099, 12, 31),
        scan=SimpleUploadedFile("licence.png", PNG),
        actor=victim,
    )
    # The victim's refund request of their enrolment, after accepting the user agreement.
    from privacy.models import DocumentKind
    from privacy.selectors import policy_version_current
    from refunds.services import refund_request_file

    policy_accept(user=victim, policy_version=policy_version_current(kind=DocumentKind.USER_AGREEMENT))
    refund = refund_request_file(actor=victim, enrolment=enrolment, reason=f"{DESCRIPTION_MARKER} 工作调动")
    # The victim finished a course of the department (the subject staff member teaches it) and evaluated it,
    # with a free-text answer awaiting moderation; and proposed an update of it, with a photo.
    from courses.evaluations.services import evaluation_submit
    from courses.suggestions.services import suggestion_propose
    from courses.tests.evaluation_helpers import full_answers
    from courses.tests.factories import CompletedEnrolmentFactory, CourseFactory

    evaluated_course = CourseFactory(department=department, title="矩阵评估课程")
    evaluated_course.instructors.add(instructor)
    evaluated = CompletedEnrolmentFactory(learner=victim, course=evaluated_course, term=enrolment.term)
    evaluation = evaluation_submit(
        enrolment=evaluated,
        actor=victim,
        score=3,
        comment="案例偏少",
        answers=full_answers(evaluated_course, score=3, text="希望多一些练习"),
    )
    suggestion = suggestion_propose(
        course=evaluated_course,
        actor=victim,
        kind="chapter_error",
        chapter=2,
        text="第2章示例代码无法运行。",
        attachments=[SimpleUploadedFile("screen.png", PNG, content_type="image/png")],
    )
    # The instructor's training record, kept by the managers, and what their course promises about them.
    development = DevelopmentRecord.objects.create(
        instructor=instructor,
        requirement=DevelopmentRequirement.objects.get(name="师德师风培训"),
        kind="training",
        title="师德师风专题培训",
        held_on=datetime.date(2026, 1, 10),
        result="attended",
        recorded_by=people["manager"],
    )
    promise = CoursePromise.objects.create(
        course=enrolment.course, instructor=instructor, claim="名师授课", created_by=people["manager"]
    )
    # The victim's counselling: a verified identity, a session booked with the subject staff member (who is
    # also a counsellor), a missed one that limits their bookings, and a day off in the counsellor's hours.
    counselling = _counselling(victim=victim, counsellor_user=subject_staff)
    counselling.update(
        _counselling_records(victim=victim, counsellor=counselling["counsellor"], people=people)
    )
    # A published rights talk the victim registered for.
    activity = ActivityFactory(title="校园权益知识讲座", organiser=people["agent"])
    activity_registration = RegistrationFactory(activity=activity, person=victim)
    help_article, help_vote = _help_centre(victim=victim)
    world.objects = {
        **counselling,
        "activity": activity,
        "activity registration": activity_registration,
        "help article": help_article,
        "help vote": help_vote,
        "development record": development,
        "course promise": promise,
        "refund": refund,
        "feedback": feedback,
        "feedback attachment": feedback.attachments.get(),
        "meeting": meeting,
        "import": import_job,
        "paper batch": _paper_batch(people["supervisor"]),
        "complaint": complaint,
        "attachment": Attachment.objects.get(complaint=complaint),
        "enrolment": enrolment,
        "course": enrolment.course,
        "term": enrolment.term,
        "school class": enrolment.school_class,
        "instructor": instructor,
        "remedy": remedy,
        "approval": approval,
        "appeal": appeal,
        "improvement": improvement,
        "clock": clock,
        "escalation": escalation,
        "access": access,
        "identity": identity,
        "erasure": erasure_request_create(user=victim, reason="不再使用"),
        "notification": Notification.objects.filter(recipient=victim).first(),
        "guardianship": guardianship,
        "consent": victim.policy_consents.first(),
        "report": report,
        "department": department,
        "category": category,
        "award": award,
        "reward": award.rewards.get(),
        "reward rule": reward_rule,
        "measure": measure,
        "schedule": schedule,
        "review": review,
        "decision": decision,
        "reminder": reminder,
        "survey": survey,
        "opinion survey": opinion_survey,
        "questionnaire": survey.questionnaire,
        "question": free_text,
        "survey invitation": invitation,
        "survey answer": Answer.objects.get(survey=survey),
        "rating": rating,
        "qualification kind": licence,
        "qualification": qualification,
        # After the victim's first enrolment and course, which the other entries look up by type.
        "evaluated enrolment": evaluated,
        "evaluation": evaluation,
        "evaluation text": evaluation.texts.order_by("id").first(),
        "suggestion": suggestion,
        "suggestion attachment": suggestion.attachments.get(),
    }
    world.objects.update(_community(victim, people))
    world.objects["chat"] = _chat(victim)
    # The log-in protection's records of the victim: a failed log-in (lockout counts, their log) and the
    # recovery codes of a member of staff.
    attempt = {
        "username": victim.email,
        "ip_address": "192.0.2.7",
        "user_agent": "matrix",
        "http_accept": "text/html",
        "path_info": "/accounts/log-in/",
        "attempt_time": timezone.now(),
    }
    AccessAttempt.objects.create(**attempt, get_data="", post_data="", failures_since_start=1)
    AccessLog.objects.create(**attempt)
    AccessFailureLog.objects.create(**attempt)
    StaticDevice.objects.create(user=people["supervisor"], name="recovery codes", confirmed=True)
    world.clients = {"anonymous": Client()}
    for role, person in people.items():
        client = Client()
        client.force_login(person)
        if person.is_staff:  # built once for the module, outside the per-test patch of force_login
            staff_session_verify(client, person)
        world.clients[role] = client
    return world
