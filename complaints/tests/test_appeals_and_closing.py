"""Appeals with their window and reviewer independence; rejection, merging and withdrawal."""

import datetime

import pytest

from accounts.roles import Role
from accounts.services import user_add_role
from accounts.tests.factories import GuardianshipFactory, LearnerFactory, StaffFactory
from complaints.errors import (
    ComplaintPermissionDenied,
    ConflictOfInterest,
    RuleViolation,
)
from complaints.models import Appeal, Complaint, ComplaintRules, Severity
from complaints.services import (
    NoticeKind,
    complaint_add_internal_note,
    complaint_appeal,
    complaint_merge,
    complaint_reject,
    complaint_review_appeal,
    complaint_withdraw,
)
from complaints.states import State
from notifications.models import Notification

from .factories import ComplaintFactory

pytestmark = pytest.mark.django_db


def kinds_for(user) -> set[str]:
    return set(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


# --- filing an appeal --------------------------------------------------------------------------------------


def test_a_responded_complaint_is_appealed_with_a_reason(category, leader):
    complaint = ComplaintFactory(category=category, responded=True)

    appealed = complaint_appeal(complaint=complaint, reason="退费金额不合理。", actor=complaint.complainant)

    assert appealed.state == State.APPEALED
    appeal = Appeal.objects.get(complaint=complaint)
    assert (appeal.reason, appeal.filed_by, appeal.decision) == (
        "退费金额不合理。",
        complaint.complainant,
        "pending",
    )
    event = appealed.events.get()
    assert (event.kind, event.is_public, event.body) == ("appeal", True, "退费金额不合理。")
    assert kinds_for(leader) == {NoticeKind.APPEALED}


@pytest.mark.parametrize(
    ("days_after_close", "accepted"), [(0, True), (15, True), (15.001, False), (30, False)]
)
def test_a_closed_complaint_is_appealed_only_within_the_window(
    category, snapshot, days_after_close, accepted
):
    complaint = ComplaintFactory(category=category, closed=True)
    now = complaint.closed_at + datetime.timedelta(days=days_after_close)
    before = snapshot(complaint)

    if accepted:
        appealed = complaint_appeal(
            complaint=complaint, reason="不满意", actor=complaint.complainant, now=now
        )
        assert appealed.state == State.APPEALED
        assert appealed.closed_at is None
    else:
        with pytest.raises(RuleViolation) as refused:
            complaint_appeal(complaint=complaint, reason="不满意", actor=complaint.complainant, now=now)
        assert refused.value.code == "appeal_window_closed"
        before.assert_unchanged()
        assert not Appeal.objects.exists()


def test_the_appeal_window_is_read_from_the_rules(category):
    rules = ComplaintRules.load()
    rules.appeal_window_days = 3
    rules.save()
    complaint = ComplaintFactory(category=category, closed=True)
    with pytest.raises(RuleViolation):
        complaint_appeal(
            complaint=complaint,
            reason="不满意",
            actor=complaint.complainant,
            now=complaint.closed_at + datetime.timedelta(days=4),
        )


def test_a_guardian_appeals_for_the_learner(category):
    guardianship = GuardianshipFactory()
    complaint = ComplaintFactory(category=category, responded=True, complainant=guardianship.learner)
    appealed = complaint_appeal(complaint=complaint, reason="家长不满意", actor=guardianship.guardian)
    assert appealed.state == State.APPEALED


def test_staff_or_strangers_cannot_appeal(category, dept_agent, snapshot):
    complaint = ComplaintFactory(category=category, responded=True)
    before = snapshot(complaint)
    for actor in (dept_agent, LearnerFactory()):
        with pytest.raises(ComplaintPermissionDenied):
            complaint_appeal(complaint=complaint, reason="x", actor=actor)
    before.assert_unchanged()


# --- reviewing an appeal -----------------------------------------------------------------------------------


@pytest.fixture
def appealed(category, dept_agent):
    """A complaint handled by dept_agent (owner) with a note by a colleague, then appealed."""
    complaint = ComplaintFactory(category=category, responded=True, owner=dept_agent)
    colleague = StaffFactory(department=category.default_department, roles=[Role.SUPERVISOR])
    complaint_add_internal_note(complaint=complaint, body="已联系授课老师。", actor=colleague)
    complaint = complaint_appeal(complaint=complaint, reason="不满意", actor=complaint.complainant)
    complaint.colleague = colleague
    Notification.objects.all().delete()
    return complaint


def test_an_independent_supervisor_revises_the_response(appealed, category):
    reviewer = StaffFactory(department=category.default_department, roles=[Role.SUPERVISOR])

    revised = complaint_review_appeal(
        complaint=appealed, decision=Appeal.Decision.REVISED, reason="补充退还教材费。", actor=reviewer
    )

    assert revised.state == State.RESPONDED
    appeal = Appeal.objects.get(complaint=appealed)
    assert (appeal.decision, appeal.reviewer, appeal.decision_reason) == (
        "revised",
        reviewer,
        "补充退还教材费。",
    )
    event = revised.events.get(kind="appeal_decision")
    assert (event.is_public, event.to_state, event.body) == (True, "responded", "补充退还教材费。")
    assert kinds_for(appealed.complainant) == {NoticeKind.RESPONDED}


def test_leadership_upholds_the_response_and_the_complaint_closes(appealed, leader):
    closed = complaint_review_appeal(
        complaint=appealed, decision=Appeal.Decision.UPHELD, reason="维持原处理。", actor=leader
    )
    assert closed.state == State.CLOSED
    assert closed.closed_at is not None
    assert kinds_for(appealed.complainant) == {NoticeKind.CLOSED}


def test_a_complaint_is_appealed_only_once(appealed, leader):
    revised = complaint_review_appeal(
        complaint=appealed, decision=Appeal.Decision.REVISED, reason="调整", actor=leader
    )
    with pytest.raises(RuleViolation) as refused:
        complaint_appeal(complaint=revised, reason="还是不满意", actor=revised.complainant)
    assert refused.value.code == "already_appealed"
    assert Complaint.objects.get(pk=revised.pk).state == State.RESPONDED


@pytest.mark.parametrize("who", ["owner", "colleague who acted"])
def test_someone_who_handled_the_complaint_cannot_review_it(appealed, snapshot, who):
    reviewer = appealed.owner if who == "owner" else appealed.colleague
    user_add_role(user=reviewer, role=Role.LEADERSHIP)  # seniority does not make a handler independent
    before = snapshot(appealed)

    with pytest.raises(ConflictOfInterest) as refused:
        complaint_review_appeal(
            complaint=appealed, decision=Appeal.Decision.UPHELD, reason="维持", actor=reviewer
        )

    assert refused.value.code == "reviewer_not_independent"
    before.assert_unchanged()
    assert Appeal.objects.get(complaint=appealed).decision == "pending"


def test_the_person_complained_about_never_reviews_the_appeal(category, snapshot):
    accused_leader = StaffFactory(roles=[Role.LEADERSHIP])
    complaint = ComplaintFactory(category=category, appealed=True, subject_staff=accused_leader)
    before = snapshot(complaint)
    with pytest.raises(ConflictOfInterest):
        complaint_review_appeal(
            complaint=complaint, decision=Appeal.Decision.UPHELD, reason="维持", actor=accused_leader
        )
    before.assert_unchanged()


def test_an_agent_cannot_review_an_appeal(category, snapshot):
    complaint = ComplaintFactory(category=category, appealed=True)
    agent = StaffFactory(department=complaint.department, roles=[Role.AGENT])
    before = snapshot(complaint)
    with pytest.raises(ComplaintPermissionDenied):
        complaint_review_appeal(
            complaint=complaint, decision=Appeal.Decision.REVISED, reason="调整", actor=agent
        )
    before.assert_unchanged()


def test_a_decision_must_be_made(category, leader):
    complaint = ComplaintFactory(category=category, appealed=True)
    with pytest.raises(RuleViolation):
        complaint_review_appeal(
            complaint=complaint, decision=Appeal.Decision.PENDING, reason="x", actor=leader
        )


# --- rejection, merging, withdrawal ------------------------------------------------------------------------


def test_an_out_of_scope_complaint_is_rejected_with_a_reason(category, dept_agent):
    complaint = ComplaintFactory(category=category)
    rejected = complaint_reject(complaint=complaint, reason="不属于本机构受理范围。", actor=dept_agent)
    assert rejected.state == State.REJECTED
    assert rejected.closed_at is not None
    assert rejected.events.get().body == "不属于本机构受理范围。"
    assert kinds_for(complaint.complainant) == {NoticeKind.REJECTED}


def test_a_rejection_needs_a_reason(category, dept_agent, snapshot):
    complaint = ComplaintFactory(category=category)
    before = snapshot(complaint)
    with pytest.raises(RuleViolation):
        complaint_reject(complaint=complaint, reason=" ", actor=dept_agent)
    before.assert_unchanged()


def test_a_duplicate_is_merged_and_its_learners_join_the_target(category, dept_agent):
    target = ComplaintFactory(category=category, acknowledged=True, affected=LearnerFactory.create_batch(8))
    duplicate = ComplaintFactory(category=category)

    merged = complaint_merge(complaint=duplicate, into=target, actor=dept_agent)

    assert (merged.state, merged.merged_into) == (State.MERGED, target)
    target.refresh_from_db()
    assert target.affected_learners.filter(learner=duplicate.learner).exists()
    assert target.affected_learners.count() == 10
    assert target.severity == Severity.MAJOR  # the merge made it a group complaint
    assert list(target.events.values_list("kind", flat=True)) == ["merge", "severity_change"]
    assert kinds_for(duplicate.complainant) == {NoticeKind.MERGED}
    assert kinds_for(target.complainant) == set()


@pytest.mark.parametrize("target_state", [State.CLOSED, State.WITHDRAWN, State.MERGED])
def test_merging_into_a_finished_complaint_is_refused(category, dept_agent, snapshot, target_state):
    target = ComplaintFactory(category=category, state=target_state)
    duplicate = ComplaintFactory(category=category)
    before = snapshot(duplicate)
    with pytest.raises(RuleViolation) as refused:
        complaint_merge(complaint=duplicate, into=target, actor=dept_agent)
    assert refused.value.code == "merge_target_closed"
    before.assert_unchanged()


def test_a_complaint_is_not_merged_into_itself(category, dept_agent):
    complaint = ComplaintFactory(category=category)
    with pytest.raises(RuleViolation):
        complaint_merge(complaint=complaint, into=complaint, actor=dept_agent)


def test_merging_needs_the_right_to_act_on_both(category, dept_agent, snapshot):
    duplicate = ComplaintFactory(category=category)
    elsewhere = ComplaintFactory()
    before = snapshot(duplicate)
    with pytest.raises(ComplaintPermissionDenied):
        complaint_merge(complaint=duplicate, into=elsewhere, actor=dept_agent)
    before.assert_unchanged()


@pytest.mark.parametrize(
    "state", [State.SUBMITTED, State.INVESTIGATING, State.PENDING_APPROVAL, State.RESPONDED, State.APPEALED]
)
def test_the_complainant_withdraws_an_open_complaint(category, state):
    complaint = ComplaintFactory(category=category, state=state)
    withdrawn = complaint_withdraw(complaint=complaint, reason="已私下解决", actor=complaint.complainant)
    assert withdrawn.state == State.WITHDRAWN
    if complaint.owner is not None:
        assert kinds_for(complaint.owner) == {NoticeKind.WITHDRAWN}
    assert kinds_for(complaint.complainant) == set()


def test_staff_cannot_withdraw_for_the_complainant(category, dept_agent, snapshot):
    complaint = ComplaintFactory(category=category, investigating=True)
    before = snapshot(complaint)
    with pytest.raises(ComplaintPermissionDenied):
        complaint_withdraw(complaint=complaint, actor=dept_agent)
    before.assert_unchanged()


def test_a_co_complainant_cannot_withdraw_the_whole_complaint(category, snapshot):
    classmate = LearnerFactory()
    complaint = ComplaintFactory(category=category, investigating=True, affected=[classmate])
    before = snapshot(complaint)
    with pytest.raises(ComplaintPermissionDenied):
        complaint_withdraw(complaint=complaint, actor=classmate)
    before.assert_unchanged()
