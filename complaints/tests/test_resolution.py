"""Resolutions: when approval is needed, leadership decisions, remedies per learner, closing."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.roles import Role
from accounts.tests.factories import LearnerFactory, StaffFactory
from complaints.errors import ComplaintPermissionDenied, RuleViolation, TransitionNotAllowed
from complaints.models import MAX_EXTENSION_DAYS, Approval, ComplaintRules, Remedy, Severity
from complaints.selectors import complaints_due_for_auto_close
from complaints.services import (
    NoticeKind,
    RemedyProposal,
    complaint_approve_resolution,
    complaint_auto_close,
    complaint_confirm_satisfaction,
    complaint_propose_resolution,
    complaint_respond,
    complaint_return_resolution,
    remedy_carry_out,
)
from complaints.states import State
from courses.tests.factories import EnrolmentFactory
from notifications.models import Notification

from .factories import ComplaintFactory, RemedyFactory

pytestmark = pytest.mark.django_db


def refund(learner, amount: str, enrolment=None) -> RemedyProposal:
    return RemedyProposal(
        learner=learner, kind=Remedy.Kind.REFUND, amount=Decimal(amount), enrolment=enrolment
    )


def kinds_for(user) -> set[str]:
    return set(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


@pytest.fixture
def investigating(category):
    return ComplaintFactory(category=category, investigating=True)


# --- does it need approval? --------------------------------------------------------------------------------


def test_a_general_complaint_with_a_small_refund_is_answered_at_once(investigating, leader):
    enrolment = EnrolmentFactory(learner=investigating.learner, amount_paid=Decimal("2000.00"))

    responded = complaint_propose_resolution(
        complaint=investigating,
        response="经核实，退还部分费用。",
        remedies=[refund(investigating.learner, "500.00", enrolment)],
        actor=investigating.owner,
    )

    assert responded.state == State.RESPONDED
    assert responded.responded_at is not None
    remedy = responded.remedies.get()
    assert (remedy.state, remedy.amount, remedy.enrolment) == (
        Remedy.State.APPROVED,
        Decimal("500.00"),
        enrolment,
    )
    assert not Approval.objects.exists()
    assert kinds_for(investigating.complainant) == {NoticeKind.RESPONDED}
    assert kinds_for(leader) == set()
    answer = responded.events.get(kind="state_change")
    assert (answer.body, answer.is_public) == ("经核实，退还部分费用。", True)


@pytest.mark.parametrize(
    ("amounts", "needs_approval"),
    [
        (["10000.00"], False),
        (["10000.01"], True),
        (["6000.00", "4000.01"], True),
        (["6000.00", "4000.00"], False),
    ],
    ids=["at-threshold", "above", "split-above", "split-at"],
)
def test_refunds_above_the_threshold_in_total_need_approval(category, leader, amounts, needs_approval):
    co_learner = LearnerFactory()
    complaint = ComplaintFactory(category=category, investigating=True, affected=[co_learner])
    learners = [complaint.learner, co_learner]
    remedies = [refund(learners[index], amount) for index, amount in enumerate(amounts)]

    moved = complaint_propose_resolution(
        complaint=complaint, response="退费方案", remedies=remedies, actor=complaint.owner
    )

    assert moved.state == (State.PENDING_APPROVAL if needs_approval else State.RESPONDED)
    assert Approval.objects.filter(complaint=complaint, decision="pending").exists() == needs_approval
    assert (NoticeKind.APPROVAL_REQUESTED in kinds_for(leader)) == needs_approval
    expected_state = Remedy.State.PROPOSED if needs_approval else Remedy.State.APPROVED
    assert set(moved.remedies.values_list("state", flat=True)) == {expected_state}


def test_the_refund_threshold_is_read_from_the_rules(investigating):
    rules = ComplaintRules.load()
    rules.refund_approval_threshold = Decimal("100.00")
    rules.save()
    moved = complaint_propose_resolution(
        complaint=investigating,
        response="退费",
        remedies=[refund(investigating.learner, "100.01")],
        actor=investigating.owner,
    )
    assert moved.state == State.PENDING_APPROVAL


def test_the_ceiling_on_a_refund_without_an_enrolment_is_read_from_the_rules(investigating, snapshot):
    rules = ComplaintRules.load()
    rules.refund_ceiling = Decimal("800.00")
    rules.save()
    before = snapshot(investigating)

    with pytest.raises(RuleViolation) as refused:
        complaint_propose_resolution(
            complaint=investigating,
            response="退费",
            remedies=[refund(investigating.learner, "800.01")],
            actor=investigating.owner,
        )
    assert (refused.value.code, refused.value.field) == ("refund_exceeds_ceiling", "remedies")
    assert "800.00" in str(refused.value.message)
    before.assert_unchanged()

    at_ceiling = complaint_propose_resolution(
        complaint=investigating,
        response="退费",
        remedies=[refund(investigating.learner, "800.00")],
        actor=investigating.owner,
    )
    assert at_ceiling.remedies.get().amount == Decimal("800.00")


def test_an_enrolment_bounds_a_refund_by_what_was_paid_not_by_the_ceiling(investigating, leader):
    rules = ComplaintRules.load()
    rules.refund_ceiling = Decimal("800.00")
    rules.save()
    enrolment = EnrolmentFactory(learner=investigating.learner, amount_paid=Decimal("12800.00"))

    moved = complaint_propose_resolution(
        complaint=investigating,
        response="全额退费",
        remedies=[refund(investigating.learner, "12800.00", enrolment)],
        actor=investigating.owner,
    )

    assert moved.remedies.get().amount == Decimal("12800.00")


def test_a_major_complaint_needs_approval_even_without_remedies(category, leader):
    complaint = ComplaintFactory(category=category, investigating=True, major=True)

    moved = complaint_respond(complaint=complaint, response="已致歉。", actor=complaint.owner)

    assert moved.state == State.PENDING_APPROVAL
    assert moved.responded_at is None
    event = moved.events.get(kind="approval_requested")
    assert event.is_public is False
    assert kinds_for(complaint.complainant) == set()
    assert kinds_for(leader) == {NoticeKind.APPROVAL_REQUESTED}


@pytest.mark.parametrize(
    ("proposal", "code"),
    [
        (
            lambda c, e: RemedyProposal(learner=LearnerFactory(), kind=Remedy.Kind.APOLOGY),
            "learner_not_affected",
        ),
        (lambda c, e: refund(c.learner, "0.00"), "refund_amount_not_positive"),
        (lambda c, e: RemedyProposal(learner=c.learner, kind=Remedy.Kind.REFUND), "refund_amount_required"),
        (lambda c, e: refund(c.learner, "2000.01", e), "refund_exceeds_paid"),
        (lambda c, e: refund(c.learner, "50000.01"), "refund_exceeds_ceiling"),
        (
            lambda c, e: RemedyProposal(learner=c.learner, kind=Remedy.Kind.VALIDITY_EXTENSION, days=30),
            "enrolment_required",
        ),
        (
            lambda c, e: RemedyProposal(
                learner=c.learner, kind=Remedy.Kind.VALIDITY_EXTENSION, days=0, enrolment=e
            ),
            "days_not_positive",
        ),
        (
            lambda c, e: RemedyProposal(
                learner=c.learner,
                kind=Remedy.Kind.VALIDITY_EXTENSION,
                days=MAX_EXTENSION_DAYS + 1,
                enrolment=e,
            ),
            "days_too_many",
        ),
        (
            lambda c, e: RemedyProposal(
                learner=c.learner, kind=Remedy.Kind.VALIDITY_EXTENSION, days=2**31, enrolment=e
            ),
            "days_too_many",
        ),
        (
            lambda c, e: RemedyProposal(
                learner=c.learner, kind=Remedy.Kind.VALIDITY_EXTENSION, days=30, enrolment=EnrolmentFactory()
            ),
            "enrolment_of_other_learner",
        ),
        (
            lambda c, e: RemedyProposal(learner=c.learner, kind=Remedy.Kind.APOLOGY, days=3),
            "unexpected_value",
        ),
    ],
    ids=[
        "stranger",
        "zero-refund",
        "no-amount",
        "above-paid",
        "no-enrolment-above-the-ceiling",
        "no-enrolment",
        "zero-days",
        "past-the-longest-extension",
        "past-a-database-integer",
        "other-enrolment",
        "days-on-apology",
    ],
)
def test_an_invalid_remedy_refuses_the_whole_resolution(investigating, snapshot, proposal, code):
    enrolment = EnrolmentFactory(learner=investigating.learner, amount_paid=Decimal("2000.00"))
    remedies = [
        RemedyProposal(learner=investigating.learner, kind=Remedy.Kind.APOLOGY),
        proposal(investigating, enrolment),
    ]
    before = snapshot(investigating)

    with pytest.raises(RuleViolation) as refused:
        complaint_propose_resolution(
            complaint=investigating, response="方案", remedies=remedies, actor=investigating.owner
        )

    assert (refused.value.code, refused.value.field) == (code, "remedies")
    before.assert_unchanged()


def test_an_outsider_cannot_propose(investigating, outsider_agent, snapshot):
    before = snapshot(investigating)
    with pytest.raises(ComplaintPermissionDenied):
        complaint_respond(complaint=investigating, response="已处理", actor=outsider_agent)
    before.assert_unchanged()


# --- approval ----------------------------------------------------------------------------------------------


@pytest.fixture
def pending(category):
    complaint = ComplaintFactory(category=category, investigating=True, major=True)
    return complaint_propose_resolution(
        complaint=complaint,
        response="全额退费并致歉。",
        remedies=[
            refund(complaint.learner, "12800.00"),
            RemedyProposal(learner=complaint.learner, kind="apology"),
        ],
        actor=complaint.owner,
    )


def test_leadership_approves_and_the_response_goes_out(pending, leader):
    Notification.objects.all().delete()

    approved = complaint_approve_resolution(complaint=pending, actor=leader, reason="同意")

    assert approved.state == State.RESPONDED
    approval = Approval.objects.get(complaint=pending)
    assert (approval.decision, approval.decided_by, approval.reason) == ("approved", leader, "同意")
    assert set(approved.remedies.values_list("state", flat=True)) == {Remedy.State.APPROVED}
    response = approved.events.get(to_state=State.RESPONDED)
    assert (response.body, response.is_public) == ("全额退费并致歉。", True)
    assert approved.events.get(kind="approval_decision").is_public is False
    assert kinds_for(pending.complainant) == {NoticeKind.RESPONDED}


def test_leadership_returns_with_a_reason_and_the_remedies_are_cancelled(pending, leader):
    returned = complaint_return_resolution(complaint=pending, reason="退费金额需再核实", actor=leader)

    assert returned.state == State.INVESTIGATING
    assert Approval.objects.get(complaint=pending).decision == "returned"
    assert set(returned.remedies.values_list("state", flat=True)) == {Remedy.State.CANCELLED}
    assert NoticeKind.RESOLUTION_RETURNED in kinds_for(pending.owner)
    assert kinds_for(pending.complainant) == set()
    # a new proposal can follow
    again = complaint_respond(complaint=returned, response="调整后的方案", actor=returned.owner)
    assert again.state == State.PENDING_APPROVAL
    assert Approval.objects.filter(complaint=pending).count() == 2


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.MANAGER, Role.AGENT])
def test_only_leadership_approves(pending, role, snapshot):
    actor = StaffFactory(department=pending.department, roles=[role])
    before = snapshot(pending)
    with pytest.raises(ComplaintPermissionDenied):
        complaint_approve_resolution(complaint=pending, actor=actor)
    with pytest.raises(ComplaintPermissionDenied):
        complaint_return_resolution(complaint=pending, reason="不同意", actor=actor)
    before.assert_unchanged()


def test_a_leader_does_not_approve_their_own_proposal(category, leader, snapshot):
    complaint = ComplaintFactory(category=category, investigating=True, major=True, owner=leader)
    complaint = complaint_respond(complaint=complaint, response="方案", actor=leader)
    before = snapshot(complaint)
    with pytest.raises(RuleViolation) as refused:
        complaint_approve_resolution(complaint=complaint, actor=leader)
    assert refused.value.code == "approver_is_requester"
    before.assert_unchanged()


def test_a_returned_resolution_needs_a_reason(pending, leader, snapshot):
    before = snapshot(pending)
    with pytest.raises(RuleViolation):
        complaint_return_resolution(complaint=pending, reason="", actor=leader)
    before.assert_unchanged()


# --- carrying out remedies ---------------------------------------------------------------------------------


def test_the_longest_extension_is_granted_and_carried_out(investigating):
    enrolment = EnrolmentFactory(learner=investigating.learner)
    ends = enrolment.valid_until
    extension = RemedyProposal(
        learner=investigating.learner,
        kind=Remedy.Kind.VALIDITY_EXTENSION,
        days=MAX_EXTENSION_DAYS,
        enrolment=enrolment,
    )
    responded = complaint_propose_resolution(
        complaint=investigating, response="延长有效期。", remedies=[extension], actor=investigating.owner
    )

    remedy_carry_out(remedy=responded.remedies.get(), actor=investigating.owner)

    enrolment.refresh_from_db()
    assert enrolment.valid_until == ends + datetime.timedelta(days=MAX_EXTENSION_DAYS)


def test_a_validity_extension_moves_only_that_learners_enrolment(category):
    classmate = LearnerFactory()
    complaint = ComplaintFactory(category=category, investigating=True, affected=[classmate])
    mine = EnrolmentFactory(learner=complaint.learner)
    theirs = EnrolmentFactory(learner=classmate, course=mine.course)
    my_other = EnrolmentFactory(learner=complaint.learner)
    ends = {e.pk: e.valid_until for e in (mine, theirs, my_other)}

    responded = complaint_propose_resolution(
        complaint=complaint,
        response="延长有效期。",
        remedies=[
            RemedyProposal(
                learner=complaint.learner, kind=Remedy.Kind.VALIDITY_EXTENSION, days=30, enrolment=mine
            ),
            RemedyProposal(learner=classmate, kind=Remedy.Kind.VALIDITY_EXTENSION, days=45, enrolment=theirs),
        ],
        actor=complaint.owner,
    )
    my_remedy = responded.remedies.get(learner=complaint.learner)

    remedy_carry_out(remedy=my_remedy, actor=complaint.owner)

    for enrolment in (mine, theirs, my_other):
        enrolment.refresh_from_db()
    assert mine.valid_until == ends[mine.pk] + datetime.timedelta(days=30)
    assert theirs.valid_until == ends[theirs.pk]
    assert my_other.valid_until == ends[my_other.pk]
    my_remedy.refresh_from_db()
    assert (my_remedy.state, my_remedy.carried_out_by) == (Remedy.State.CARRIED_OUT, complaint.owner)
    assert responded.remedies.get(learner=classmate).state == Remedy.State.APPROVED
    assert kinds_for(complaint.learner) == {NoticeKind.RESPONDED, NoticeKind.REMEDY_CARRIED_OUT}
    assert kinds_for(classmate) == {NoticeKind.RESPONDED}
    event = responded.events.get(kind="remedy_carried_out")
    assert event.is_public is False  # one learner's remedy is not shown to the others of a group


def test_a_refund_is_recorded_with_its_amount(category):
    complaint = ComplaintFactory(category=category, investigating=True)
    responded = complaint_propose_resolution(
        complaint=complaint,
        response="退费",
        remedies=[refund(complaint.learner, "880.50")],
        actor=complaint.owner,
    )
    remedy = remedy_carry_out(remedy=responded.remedies.get(), actor=complaint.owner)
    assert (remedy.kind, remedy.amount, remedy.state) == ("refund", Decimal("880.50"), "carried_out")
    assert remedy.carried_out_at is not None


def test_a_remedy_awaiting_approval_cannot_be_carried_out(pending):
    remedy = pending.remedies.get(kind="refund")
    with pytest.raises(RuleViolation) as refused:
        remedy_carry_out(remedy=remedy, actor=pending.owner)
    assert refused.value.code == "remedy_not_approved"
    remedy.refresh_from_db()
    assert remedy.state == Remedy.State.PROPOSED


def test_a_remedy_is_carried_out_once(category):
    remedy = RemedyFactory(extension=True)
    enrolment = remedy.enrolment
    end = enrolment.valid_until
    remedy_carry_out(remedy=remedy, actor=remedy.complaint.owner)
    with pytest.raises(RuleViolation):
        remedy_carry_out(remedy=remedy, actor=remedy.complaint.owner)
    enrolment.refresh_from_db()
    assert enrolment.valid_until == end + datetime.timedelta(days=30)


def test_an_outsider_cannot_carry_out_a_remedy(outsider_agent):
    remedy = RemedyFactory(extension=True)
    end = remedy.enrolment.valid_until
    with pytest.raises(ComplaintPermissionDenied):
        remedy_carry_out(remedy=remedy, actor=outsider_agent)
    remedy.enrolment.refresh_from_db()
    assert remedy.enrolment.valid_until == end
    assert not Notification.objects.exists()


def test_the_database_refuses_a_refund_without_a_positive_amount():
    remedy = RemedyFactory()
    remedy.kind, remedy.amount = Remedy.Kind.REFUND, Decimal("0.00")
    with pytest.raises(IntegrityError), transaction.atomic():
        remedy.save()


# --- closing -----------------------------------------------------------------------------------------------


def test_the_complainant_closes_with_a_rating(category):
    complaint = ComplaintFactory(category=category, responded=True)

    closed = complaint_confirm_satisfaction(
        complaint=complaint, rating=4, comment="处理及时", actor=complaint.complainant
    )

    assert (closed.state, closed.satisfaction_rating, closed.satisfaction_comment) == (
        State.CLOSED,
        4,
        "处理及时",
    )
    assert closed.closed_at is not None
    event = closed.events.get()
    assert (event.kind, event.data["rating"], event.is_public) == ("satisfaction", 4, True)
    assert kinds_for(complaint.complainant) == {NoticeKind.CLOSED}


@pytest.mark.parametrize("rating", [0, 6, -1, True, "5"])
def test_a_rating_outside_one_to_five_is_refused(category, snapshot, rating):
    complaint = ComplaintFactory(category=category, responded=True)
    before = snapshot(complaint)
    with pytest.raises(RuleViolation) as refused:
        complaint_confirm_satisfaction(complaint=complaint, rating=rating, actor=complaint.complainant)
    assert refused.value.field == "rating"
    before.assert_unchanged()


def test_the_database_refuses_a_rating_of_six(category):
    complaint = ComplaintFactory(category=category, closed=True)
    complaint.satisfaction_rating = 6
    with pytest.raises(IntegrityError), transaction.atomic():
        complaint.save()


def test_staff_cannot_confirm_satisfaction_for_the_complainant(category, dept_agent, snapshot):
    complaint = ComplaintFactory(category=category, responded=True)
    before = snapshot(complaint)
    with pytest.raises(ComplaintPermissionDenied):
        complaint_confirm_satisfaction(complaint=complaint, rating=5, actor=dept_agent)
    before.assert_unchanged()


def test_a_responded_complaint_closes_itself_after_the_waiting_period(category, snapshot):
    complaint = ComplaintFactory(category=category, responded=True)
    due = complaint.responded_at + datetime.timedelta(days=7)

    before = snapshot(complaint)
    with pytest.raises(RuleViolation) as refused:
        complaint_auto_close(complaint=complaint, now=due - datetime.timedelta(seconds=1))
    assert refused.value.code == "not_due"
    before.assert_unchanged()
    assert list(complaints_due_for_auto_close(now=due - datetime.timedelta(seconds=1))) == []
    assert list(complaints_due_for_auto_close(now=due)) == [complaint]

    closed = complaint_auto_close(complaint=complaint, now=due)

    assert closed.state == State.CLOSED
    event = closed.events.get()
    assert (event.actor, event.data["transition"]) == (None, "auto_close")
    assert kinds_for(complaint.complainant) == {NoticeKind.CLOSED}


def test_auto_close_applies_to_responded_complaints_only(category):
    complaint = ComplaintFactory(category=category, investigating=True)
    with pytest.raises(TransitionNotAllowed):
        complaint_auto_close(complaint=complaint, now=timezone.now() + datetime.timedelta(days=365))


def test_severity_is_untouched_by_resolution(pending):
    assert pending.severity == Severity.MAJOR
