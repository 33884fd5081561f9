"""Working a complaint: acknowledgement, routing, conflict of interest, conversation, severity and flags."""

import pytest

from accounts.roles import Role
from accounts.tests.factories import DepartmentFactory, GuardianshipFactory, LearnerFactory, StaffFactory
from complaints.errors import (
    ComplaintPermissionDenied,
    ConflictOfInterest,
    RuleViolation,
    TransitionNotAllowed,
)
from complaints.models import Severity
from complaints.services import (
    Flag,
    NoticeKind,
    complaint_acknowledge,
    complaint_add_complainant_reply,
    complaint_add_internal_note,
    complaint_add_public_reply,
    complaint_assign,
    complaint_delegate,
    complaint_request_information,
    complaint_set_flag,
    complaint_set_severity,
    complaint_start_investigation,
)
from complaints.states import State
from courses.tests.factories import InstructorFactory
from notifications.models import Notification
from privacy import policy

from .factories import ComplaintFactory

pytestmark = pytest.mark.django_db


def notices() -> list[tuple[int, str, str, dict]]:
    return sorted(Notification.objects.values_list("recipient_id", "kind", "channel", "context"))


def kinds_for(user) -> set[str]:
    return set(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


@pytest.fixture
def complaint(category):
    return ComplaintFactory(category=category)


# --- acknowledgement ---------------------------------------------------------------------------------------


def test_the_acknowledger_becomes_owner_and_the_complainant_is_told(complaint, dept_agent):
    acknowledged = complaint_acknowledge(complaint=complaint, actor=dept_agent)

    assert acknowledged.state == State.ACKNOWLEDGED
    assert acknowledged.owner == dept_agent
    assert acknowledged.acknowledged_at is not None
    assert notices() == [
        (complaint.complainant_id, NoticeKind.ACKNOWLEDGED, channel, {"reference": complaint.reference})
        for channel in ("email", "in_app")
    ]
    event = acknowledged.events.get()
    assert (event.from_state, event.to_state, event.actor, event.is_public) == (
        "submitted",
        "acknowledged",
        dept_agent,
        True,
    )


def test_every_affected_learner_of_a_group_gets_their_own_notice(category, dept_agent):
    classmates = LearnerFactory.create_batch(2)
    complaint = ComplaintFactory(category=category, affected=classmates)

    complaint_acknowledge(complaint=complaint, actor=dept_agent)

    recipients = set(Notification.objects.filter(channel="in_app").values_list("recipient_id", flat=True))
    assert recipients == {complaint.complainant_id, *(person.pk for person in classmates)}


def test_a_parent_who_filed_is_told_and_so_is_the_child():
    guardianship = GuardianshipFactory()
    complaint = ComplaintFactory(complainant=guardianship.guardian, learner=guardianship.learner)
    agent = StaffFactory(department=complaint.department)

    complaint_acknowledge(complaint=complaint, actor=agent)

    assert kinds_for(guardianship.guardian) == kinds_for(guardianship.learner) == {NoticeKind.ACKNOWLEDGED}


def test_an_agent_of_another_department_cannot_acknowledge(complaint, outsider_agent, snapshot):
    before = snapshot(complaint)
    with pytest.raises(ComplaintPermissionDenied):
        complaint_acknowledge(complaint=complaint, actor=outsider_agent)
    before.assert_unchanged()


def test_a_delegated_colleague_from_another_department_can_act(complaint, dept_supervisor, outsider_agent):
    complaint_delegate(complaint=complaint, colleague=outsider_agent, actor=dept_supervisor)

    assert policy.can(outsider_agent, policy.VIEW, complaint)
    acknowledged = complaint_acknowledge(complaint=complaint, actor=outsider_agent)
    assert acknowledged.owner == outsider_agent
    assert complaint.events.filter(kind="delegation", is_public=False).count() == 1


def test_an_agent_cannot_delegate_a_case_they_do_not_own(complaint, dept_agent, outsider_agent):
    with pytest.raises(ComplaintPermissionDenied):
        complaint_delegate(complaint=complaint, colleague=outsider_agent, actor=dept_agent)
    assert not policy.can(outsider_agent, policy.VIEW, complaint)


# --- conflict of interest ----------------------------------------------------------------------------------


@pytest.fixture
def accused(department):
    """An agent of the complaint's own department whom the complaint is about."""
    return StaffFactory(department=department, roles=[Role.AGENT])


@pytest.fixture
def complaint_about_accused(category, accused):
    return ComplaintFactory(category=category, subject_staff=accused)


def test_the_person_complained_about_cannot_acknowledge_it(complaint_about_accused, accused, snapshot):
    before = snapshot(complaint_about_accused)
    with pytest.raises(ConflictOfInterest):
        complaint_acknowledge(complaint=complaint_about_accused, actor=accused)
    before.assert_unchanged()


def test_the_person_complained_about_is_never_assigned_it(
    complaint_about_accused, accused, dept_supervisor, snapshot
):
    complaint = complaint_acknowledge(complaint=complaint_about_accused, actor=dept_supervisor)
    before = snapshot(complaint)
    with pytest.raises(ConflictOfInterest):
        complaint_assign(complaint=complaint, owner=accused, actor=dept_supervisor)
    before.assert_unchanged()


def test_the_person_complained_about_cannot_be_delegated_it(
    complaint_about_accused, accused, dept_supervisor
):
    with pytest.raises(ConflictOfInterest):
        complaint_delegate(complaint=complaint_about_accused, colleague=accused, actor=dept_supervisor)
    assert not policy.can(accused, policy.VIEW, complaint_about_accused)


def test_an_instructor_complained_about_cannot_handle_it_either(category, department):
    teacher = StaffFactory(department=department, roles=[Role.AGENT])
    complaint = ComplaintFactory(category=category, subject_instructor=InstructorFactory(user=teacher))
    with pytest.raises(ConflictOfInterest):
        complaint_acknowledge(complaint=complaint, actor=teacher)
    assert not policy.can(teacher, policy.VIEW, complaint)


def test_the_database_refuses_an_owner_who_is_the_subject(complaint_about_accused, accused):
    from django.db import IntegrityError, transaction

    complaint_about_accused.owner = accused
    with pytest.raises(IntegrityError), transaction.atomic():
        complaint_about_accused.save(update_fields=["owner"])


# --- assignment --------------------------------------------------------------------------------------------


def test_a_supervisor_transfers_to_another_department(complaint, dept_supervisor, dept_agent):
    complaint = complaint_acknowledge(complaint=complaint, actor=dept_agent)
    finance = DepartmentFactory(code="finance-test")

    moved = complaint_assign(complaint=complaint, department=finance, actor=dept_supervisor)

    assert moved.department == finance
    assert moved.owner == dept_agent  # the first responder stays responsible
    assert moved.state == State.ACKNOWLEDGED
    event = moved.events.get(kind="assignment")
    assert event.is_public is False
    assert event.data["to"]["department"] == finance.pk


def test_leadership_assigns_to_a_person_and_their_department(complaint, leader):
    colleague = StaffFactory(roles=[Role.AGENT])
    moved = complaint_assign(complaint=complaint, owner=colleague, actor=leader)
    assert (moved.owner, moved.department) == (colleague, colleague.department)


def test_an_agent_cannot_assign(complaint, dept_agent, snapshot):
    before = snapshot(complaint)
    with pytest.raises(ComplaintPermissionDenied):
        complaint_assign(complaint=complaint, department=DepartmentFactory(), actor=dept_agent)
    before.assert_unchanged()


def test_a_learner_cannot_be_made_owner(complaint, dept_supervisor):
    with pytest.raises(RuleViolation) as refused:
        complaint_assign(complaint=complaint, owner=LearnerFactory(), actor=dept_supervisor)
    assert refused.value.field == "owner"


def test_a_finished_complaint_is_not_assigned(category, dept_supervisor):
    complaint = ComplaintFactory(category=category, closed=True)
    with pytest.raises(TransitionNotAllowed):
        complaint_assign(complaint=complaint, department=DepartmentFactory(), actor=dept_supervisor)


# --- conversation ------------------------------------------------------------------------------------------


def test_a_public_reply_is_public_notifies_and_marks_the_first_response(category, dept_agent):
    complaint = ComplaintFactory(category=category, acknowledged=True, owner=dept_agent)

    replied = complaint_add_public_reply(complaint=complaint, body="我们正在核实。", actor=dept_agent)

    assert replied.first_responded_at is not None
    assert replied.state == State.ACKNOWLEDGED
    assert replied.events.get().is_public
    assert kinds_for(complaint.complainant) == {NoticeKind.PUBLIC_REPLY}


def test_no_public_reply_before_acknowledgement(complaint, dept_agent, snapshot):
    before = snapshot(complaint)
    with pytest.raises(TransitionNotAllowed):
        complaint_add_public_reply(complaint=complaint, body="您好", actor=dept_agent)
    before.assert_unchanged()


def test_an_internal_note_is_hidden_and_notifies_no_one(category, dept_agent):
    complaint = ComplaintFactory(category=category, closed=True)
    complaint_add_internal_note(complaint=complaint, body="内部：已核实退费记录。", actor=dept_agent)
    assert complaint.events.get().is_public is False
    assert not Notification.objects.exists()


def test_blank_text_is_refused_with_its_field(category, dept_agent, snapshot):
    complaint = ComplaintFactory(category=category, investigating=True)
    before = snapshot(complaint)
    with pytest.raises(RuleViolation) as refused:
        complaint_request_information(complaint=complaint, question="   ", actor=dept_agent)
    assert (refused.value.code, refused.value.field) == ("required", "question")
    before.assert_unchanged()


def test_asking_and_answering_moves_the_complaint_back_and_forth(category, dept_agent):
    complaint = ComplaintFactory(category=category, acknowledged=True, owner=dept_agent)
    complaint = complaint_start_investigation(complaint=complaint, actor=dept_agent)

    waiting = complaint_request_information(
        complaint=complaint, question="请提供缴费凭证。", actor=dept_agent
    )
    assert waiting.state == State.AWAITING_COMPLAINANT
    assert waiting.first_responded_at is not None
    assert kinds_for(complaint.complainant) == {NoticeKind.INFORMATION_REQUESTED}

    answered = complaint_add_complainant_reply(
        complaint=waiting, body="凭证已上传。", actor=complaint.complainant
    )
    assert answered.state == State.INVESTIGATING
    assert kinds_for(dept_agent) == {NoticeKind.COMPLAINANT_REPLIED}
    assert [(e.kind, e.is_public) for e in answered.events.order_by("id")] == [
        ("state_change", True),
        ("information_request", True),
        ("complainant_reply", True),
    ]


def test_only_a_party_answers_for_the_complainant(category, dept_agent, snapshot):
    complaint = ComplaintFactory(category=category, awaiting_complainant=True)
    before = snapshot(complaint)
    with pytest.raises(ComplaintPermissionDenied):
        complaint_add_complainant_reply(complaint=complaint, body="我来回答", actor=LearnerFactory())
    with pytest.raises(ComplaintPermissionDenied):
        complaint_add_complainant_reply(complaint=complaint, body="我来回答", actor=dept_agent)
    before.assert_unchanged()


def test_a_guardian_answers_for_the_learner(category):
    guardianship = GuardianshipFactory()
    complaint = ComplaintFactory(
        category=category, awaiting_complainant=True, complainant=guardianship.learner
    )
    answered = complaint_add_complainant_reply(
        complaint=complaint, body="家长补充说明。", actor=guardianship.guardian
    )
    assert answered.state == State.INVESTIGATING


# --- severity and flags ------------------------------------------------------------------------------------


def test_severity_changes_with_a_reason(category, dept_agent):
    complaint = ComplaintFactory(category=category, investigating=True)
    changed = complaint_set_severity(
        complaint=complaint, severity=Severity.IMPORTANT, reason="涉及多次", actor=dept_agent
    )
    assert changed.severity == Severity.IMPORTANT
    event = changed.events.get()
    assert (event.kind, event.is_public, event.data) == (
        "severity_change",
        False,
        {"from": "general", "to": "important"},
    )


def test_a_flagged_complaint_cannot_be_lowered(category, dept_agent, snapshot):
    complaint = ComplaintFactory(
        category=category, investigating=True, legal_flag=True, severity=Severity.MAJOR
    )
    before = snapshot(complaint)
    with pytest.raises(RuleViolation) as refused:
        complaint_set_severity(
            complaint=complaint, severity=Severity.GENERAL, reason="误判", actor=dept_agent
        )
    assert refused.value.code == "severity_below_rule"
    before.assert_unchanged()


@pytest.mark.parametrize(
    ("flag", "role", "kind"),
    [
        (Flag.LEGAL, Role.LEGAL, NoticeKind.LEGAL_FLAG),
        (Flag.SAFETY, Role.SAFETY_OFFICER, NoticeKind.SAFETY_FLAG),
    ],
)
def test_a_legal_or_safety_flag_makes_it_major_and_tells_the_specialist(
    category, dept_agent, flag, role, kind
):
    specialist, other_specialist = (
        StaffFactory(roles=[role]),
        StaffFactory(roles=[Role.LEGAL if role != Role.LEGAL else Role.SAFETY_OFFICER]),
    )
    complaint = ComplaintFactory(category=category, investigating=True)

    flagged = complaint_set_flag(
        complaint=complaint, flag=flag, value=True, reason="涉及人身伤害", actor=dept_agent
    )

    assert getattr(flagged, flag.value) is True
    assert flagged.severity == Severity.MAJOR
    assert list(flagged.events.order_by("id").values_list("kind", flat=True)) == [
        "flag_change",
        "severity_change",
    ]
    assert kinds_for(specialist) == {kind}
    assert kinds_for(other_specialist) == set()
    assert kinds_for(complaint.complainant) == set()
    assert policy.can(specialist, policy.VIEW, flagged)


def test_the_urgent_flag_notifies_no_one_and_keeps_severity(category, dept_agent):
    complaint = ComplaintFactory(category=category, investigating=True)
    flagged = complaint_set_flag(
        complaint=complaint, flag=Flag.URGENT, value=True, reason="学员即将考试", actor=dept_agent
    )
    assert flagged.is_urgent and flagged.severity == Severity.GENERAL
    assert not Notification.objects.exists()


def test_a_refused_flag_change_notifies_no_one(category, outsider_agent, snapshot):
    StaffFactory(roles=[Role.LEGAL])
    complaint = ComplaintFactory(category=category, investigating=True)
    before = snapshot(complaint)
    with pytest.raises(ComplaintPermissionDenied):
        complaint_set_flag(complaint=complaint, flag=Flag.LEGAL, value=True, reason="x", actor=outsider_agent)
    before.assert_unchanged()
    assert not Notification.objects.exists()
