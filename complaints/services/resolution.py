"""Putting a complaint right: the response, remedies per learner, leadership approval, closing, follow-up."""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Department, User
from accounts.roles import Role
from complaints.errors import ComplaintPermissionDenied, RuleViolation, TransitionNotAllowed
from complaints.models import (
    MAX_EXTENSION_DAYS,
    Approval,
    Complaint,
    ComplaintRules,
    EventKind,
    ImprovementAction,
    Remedy,
    Severity,
)
from complaints.states import State
from complaints.workflow import Transition, complaint_lock, complaint_transition, transition_allowed
from courses.models import Enrolment

from .guards import (
    event_add,
    refuse_conflict,
    require_handling_staff,
    require_party,
    require_rating,
    require_staff_change,
    require_text,
)
from .notices import NoticeKind, notify_parties, notify_role, notify_user


@dataclass(frozen=True)
class RemedyProposal:
    """One remedy for one affected learner, as proposed by staff."""

    learner: User
    kind: Remedy.Kind
    amount: Decimal | None = None
    days: int | None = None
    enrolment: Enrolment | None = None
    note: str = ""


def _refused(message: str, code: str) -> RuleViolation:
    return RuleViolation(message, code=code, field="remedies")


def _check_remedy(proposal: RemedyProposal, *, affected_ids: set[int], rules: ComplaintRules) -> Remedy:
    kind = Remedy.Kind(proposal.kind)
    if proposal.learner.pk not in affected_ids:
        raise _refused(_("A remedy is for a learner the complaint affects."), "learner_not_affected")
    if proposal.enrolment is not None and proposal.enrolment.learner_id != proposal.learner.pk:
        raise _refused(_("The enrolment belongs to another learner."), "enrolment_of_other_learner")
    amount = days = None
    if kind == Remedy.Kind.REFUND:
        try:
            amount = Decimal(proposal.amount).quantize(Decimal("0.01"))
        except (TypeError, InvalidOperation) as error:
            raise _refused(_("A refund needs an amount in yuan."), "refund_amount_required") from error
        if amount <= 0:
            raise _refused(_("A refund must be more than zero."), "refund_amount_not_positive")
        if proposal.enrolment is not None and amount > proposal.enrolment.amount_paid:
            raise _refused(
                _("A refund cannot exceed what was paid for the enrolment."), "refund_exceeds_paid"
            )
        if proposal.enrolment is None and amount > rules.refund_ceiling:
            raise _refused(
                _("A refund that names no enrolment is at most %(ceiling)s yuan: name the enrolment.")
                % {"ceiling": rules.refund_ceiling},
                "refund_exceeds_ceiling",
            )
    elif kind == Remedy.Kind.VALIDITY_EXTENSION:
        if proposal.enrolment is None:
            raise _refused(_("A validity extension needs the enrolment to extend."), "enrolment_required")
        if not isinstance(proposal.days, int) or proposal.days <= 0:
            raise _refused(_("A validity extension needs a number of days above zero."), "days_not_positive")
        if proposal.days > MAX_EXTENSION_DAYS:
            raise _refused(
                _("A validity extension is at most %(days)d days.") % {"days": MAX_EXTENSION_DAYS},
                "days_too_many",
            )
        days = proposal.days
    elif proposal.amount is not None or proposal.days is not None:
        raise _refused(_("Only refunds have an amount and only extensions have days."), "unexpected_value")
    return Remedy(
        learner=proposal.learner,
        kind=kind,
        amount=amount,
        days=days,
        enrolment=proposal.enrolment,
        note=(proposal.note or "").strip(),
    )


def resolution_needs_approval(
    *, complaint: Complaint, remedies: Sequence[Remedy], rules: ComplaintRules
) -> bool:
    """Say whether the leadership group must sign off: a major complaint, or refunds above the threshold.

    The threshold applies to the resolution's total refund, so splitting a refund does not avoid approval.
    """
    refunded = sum((remedy.amount for remedy in remedies if remedy.kind == Remedy.Kind.REFUND), Decimal("0"))
    return complaint.severity == Severity.MAJOR or refunded > rules.refund_approval_threshold


@transaction.atomic
def complaint_propose_resolution(
    *, complaint: Complaint, response: str, remedies: Sequence[RemedyProposal], actor: User
) -> Complaint:
    """Propose the response and remedies for a complaint under investigation.

    A major complaint, or refunds above the threshold, go to the leadership group for approval
    ("pending approval", a pending Approval, a notice to each member); anything else is answered at once
    ("responded", remedies approved, a notice to the parties). Raises ComplaintPermissionDenied,
    ConflictOfInterest, TransitionNotAllowed, or RuleViolation for a missing response or an invalid remedy.
    """
    response = require_text(response, field="response")
    complaint = complaint_lock(complaint=complaint)
    require_staff_change(actor, complaint)
    if not transition_allowed(state=complaint.state, transition=Transition.RESPOND):
        raise TransitionNotAllowed(_("A resolution is proposed while the complaint is under investigation."))
    affected_ids = set(complaint.affected_learners.values_list("learner_id", flat=True))
    rules = ComplaintRules.load()
    checked = [_check_remedy(proposal, affected_ids=affected_ids, rules=rules) for proposal in remedies]
    needs_approval = resolution_needs_approval(complaint=complaint, remedies=checked, rules=rules)
    for remedy in checked:
        remedy.complaint = complaint
        remedy.proposed_by = actor
        remedy.state = Remedy.State.PROPOSED if needs_approval else Remedy.State.APPROVED
    created = Remedy.objects.bulk_create(checked)
    if created:
        event_add(
            complaint=complaint,
            kind=EventKind.REMEDY_PROPOSED,
            actor=actor,
            data={"remedies": [remedy.pk for remedy in created]},
        )
    if needs_approval:
        approval = Approval.objects.create(complaint=complaint, response=response, requested_by=actor)
        complaint = complaint_transition(
            complaint=complaint,
            transition=Transition.PROPOSE_FOR_APPROVAL,
            actor=actor,
            kind=EventKind.APPROVAL_REQUESTED,
            data={"approval": approval.pk},
        )
        notify_role(Role.LEADERSHIP, complaint, NoticeKind.APPROVAL_REQUESTED, exclude={actor.pk})
        return complaint
    complaint = complaint_transition(
        complaint=complaint, transition=Transition.RESPOND, actor=actor, body=response
    )
    notify_parties(complaint, NoticeKind.RESPONDED)
    return complaint


def complaint_respond(*, complaint: Complaint, response: str, actor: User) -> Complaint:
    """Answer a complaint under investigation without remedies.

    A major complaint needs approval, so it goes to the leadership group as ``complaint_propose_resolution``
    does; raises and causes the same.
    """
    return complaint_propose_resolution(complaint=complaint, response=response, remedies=(), actor=actor)


def _pending_approval(complaint: Complaint) -> Approval:
    approval = Approval.objects.select_for_update().filter(complaint=complaint, decision="pending").first()
    if approval is None:
        raise TransitionNotAllowed(_("No resolution is waiting for approval."))
    return approval


def _require_approver(actor: User, complaint: Complaint, approval: Approval) -> None:
    require_staff_change(actor, complaint)
    if Role.LEADERSHIP not in actor.role_names:
        raise ComplaintPermissionDenied(_("Only the leadership group approves resolutions."))
    if approval.requested_by_id == actor.pk:
        raise RuleViolation(
            _("A resolution is approved by someone other than the person who proposed it."),
            code="approver_is_requester",
        )


@transaction.atomic
def complaint_approve_resolution(*, complaint: Complaint, actor: User, reason: str = "") -> Complaint:
    """Approve the pending resolution: the response goes out and the remedies may be carried out.

    Requires a member of the leadership group other than the proposer and not the person the complaint is
    about. Raises ComplaintPermissionDenied, ConflictOfInterest, RuleViolation or TransitionNotAllowed.
    Causes the approval decision, approved remedies, the move to "responded" and a notice to the parties.
    """
    complaint = complaint_lock(complaint=complaint)
    approval = _pending_approval(complaint)
    _require_approver(actor, complaint, approval)
    approval.decision = Approval.Decision.APPROVED
    approval.decided_by = actor
    approval.decided_at = timezone.now()
    approval.reason = (reason or "").strip()
    approval.save(update_fields=["decision", "decided_by", "decided_at", "reason"])
    complaint.remedies.filter(state=Remedy.State.PROPOSED).update(state=Remedy.State.APPROVED)
    event_add(
        complaint=complaint,
        kind=EventKind.APPROVAL_DECISION,
        actor=actor,
        body=approval.reason,
        data={"approval": approval.pk, "decision": approval.decision},
    )
    complaint = complaint_transition(
        complaint=complaint, transition=Transition.APPROVE, actor=actor, body=approval.response
    )
    notify_parties(complaint, NoticeKind.RESPONDED)
    return complaint


@transaction.atomic
def complaint_return_resolution(*, complaint: Complaint, reason: str, actor: User) -> Complaint:
    """Send the pending resolution back for rework, with a reason; its proposed remedies are cancelled.

    Requires the same approver as ``complaint_approve_resolution`` and raises the same. Causes the move back
    to "investigating" as an internal approval-decision event and a notice to the owner.
    """
    reason = require_text(reason, field="reason")
    complaint = complaint_lock(complaint=complaint)
    approval = _pending_approval(complaint)
    _require_approver(actor, complaint, approval)
    approval.decision = Approval.Decision.RETURNED
    approval.decided_by = actor
    approval.decided_at = timezone.now()
    approval.reason = reason
    approval.save(update_fields=["decision", "decided_by", "decided_at", "reason"])
    complaint.remedies.filter(state=Remedy.State.PROPOSED).update(state=Remedy.State.CANCELLED)
    complaint = complaint_transition(
        complaint=complaint,
        transition=Transition.RETURN,
        actor=actor,
        body=reason,
        kind=EventKind.APPROVAL_DECISION,
        data={"approval": approval.pk, "decision": approval.decision},
    )
    notify_user(complaint.owner, complaint, NoticeKind.RESOLUTION_RETURNED)
    return complaint


@transaction.atomic
def complaint_confirm_satisfaction(
    *, complaint: Complaint, rating: int, actor: User, comment: str = ""
) -> Complaint:
    """Close a responded complaint with the complainant's rating (1 to 5) and comment.

    Requires a party to the complaint. Raises ComplaintPermissionDenied, TransitionNotAllowed or
    RuleViolation (rating out of range). Causes the move to "closed" and a closure notice to the parties.
    """
    require_rating(rating)
    complaint = complaint_lock(complaint=complaint)
    require_party(actor, complaint)
    comment = (comment or "").strip()
    complaint = complaint_transition(
        complaint=complaint,
        transition=Transition.CONFIRM_SATISFACTION,
        actor=actor,
        body=comment,
        kind=EventKind.SATISFACTION,
        data={"rating": rating},
        changes={"satisfaction_rating": rating, "satisfaction_comment": comment},
    )
    notify_parties(complaint, NoticeKind.CLOSED)
    return complaint


@transaction.atomic
def complaint_auto_close(*, complaint: Complaint, now: datetime.datetime | None = None) -> Complaint:
    """Close a responded complaint the complainant has not answered within the rules' waiting period.

    The system acts, so the event has no actor. Raises TransitionNotAllowed if the complaint is not responded,
    RuleViolation if its waiting period has not ended. Causes the move to "closed" and a closure notice.
    """
    now = now or timezone.now()
    complaint = complaint_lock(complaint=complaint)
    if not transition_allowed(state=complaint.state, transition=Transition.AUTO_CLOSE):
        raise TransitionNotAllowed()
    days = ComplaintRules.load().auto_close_days
    if complaint.responded_at + datetime.timedelta(days=days) > now:
        raise RuleViolation(_("The complainant still has time to answer."), code="not_due")
    complaint = complaint_transition(
        complaint=complaint, transition=Transition.AUTO_CLOSE, actor=None, data={"after_days": days}
    )
    notify_parties(complaint, NoticeKind.CLOSED)
    return complaint


@transaction.atomic
def remedy_carry_out(*, remedy: Remedy, actor: User) -> Remedy:
    """Carry out an approved remedy: a validity extension moves the enrolment's end date by its days.

    Requires staff who may act on the complaint. Raises ComplaintPermissionDenied, ConflictOfInterest or
    RuleViolation (the remedy is not approved, or the complaint did not end in a response). Causes the
    remedy's state, who and when, an internal event and a notice to the learner concerned.
    """
    complaint = complaint_lock(complaint=remedy.complaint)
    remedy = Remedy.objects.select_for_update().get(pk=remedy.pk)
    require_staff_change(actor, complaint)
    if remedy.state != Remedy.State.APPROVED:
        raise RuleViolation(_("Only an approved remedy can be carried out."), code="remedy_not_approved")
    if complaint.state not in (State.RESPONDED, State.APPEALED, State.CLOSED):
        raise TransitionNotAllowed(_("Remedies are carried out once the complainant has the response."))
    if remedy.kind == Remedy.Kind.VALIDITY_EXTENSION:
        Enrolment.objects.select_for_update().filter(pk=remedy.enrolment_id).update(
            valid_until=F("valid_until") + datetime.timedelta(days=remedy.days)
        )
    remedy.state = Remedy.State.CARRIED_OUT
    remedy.carried_out_by = actor
    remedy.carried_out_at = timezone.now()
    remedy.save(update_fields=["state", "carried_out_by", "carried_out_at"])
    event_add(
        complaint=complaint,
        kind=EventKind.REMEDY_CARRIED_OUT,
        actor=actor,
        data={
            "remedy": remedy.pk,
            "kind": remedy.kind,
            "amount": None if remedy.amount is None else str(remedy.amount),
            "days": remedy.days,
        },
    )
    notify_user(remedy.learner, complaint, NoticeKind.REMEDY_CARRIED_OUT, kind=remedy.kind)
    return remedy


@transaction.atomic
def improvement_action_add(
    *,
    complaint: Complaint,
    title: str,
    owner: User,
    due_date: datetime.date,
    actor: User,
    description: str = "",
    department: Department | None = None,
) -> ImprovementAction:
    """Record a follow-up that fixes the cause, with an owner and a due date not in the past.

    Requires staff who may act on the complaint; the owner must be handling staff and not the person the
    complaint is about. Raises ComplaintPermissionDenied, ConflictOfInterest or RuleViolation. Causes the
    action and an internal event.
    """
    title = require_text(title, field="title")
    complaint = complaint_lock(complaint=complaint)
    require_staff_change(actor, complaint)
    require_handling_staff(owner, field="owner")
    refuse_conflict(owner, complaint)
    if due_date < timezone.localdate():
        raise RuleViolation(_("The due date cannot be in the past."), code="due_in_past", field="due_date")
    action = ImprovementAction.objects.create(
        complaint=complaint,
        title=title,
        description=(description or "").strip(),
        owner=owner,
        department=department or owner.department or complaint.department,
        due_date=due_date,
        created_by=actor,
    )
    event_add(
        complaint=complaint,
        kind=EventKind.IMPROVEMENT_ACTION,
        actor=actor,
        body=title,
        data={"action": action.pk, "state": action.state, "due_date": due_date.isoformat()},
    )
    return action


@transaction.atomic
def improvement_action_complete(*, action: ImprovementAction, actor: User) -> ImprovementAction:
    """Mark an open improvement action done; by its owner or staff who may act on the complaint."""
    complaint = complaint_lock(complaint=action.complaint)
    action = ImprovementAction.objects.select_for_update().get(pk=action.pk)
    if action.owner_id != actor.pk:
        require_staff_change(actor, complaint)
    if action.state != ImprovementAction.State.OPEN:
        raise RuleViolation(_("The improvement action is already done."), code="already_done")
    action.state = ImprovementAction.State.DONE
    action.done_at = timezone.now()
    action.save(update_fields=["state", "done_at"])
    event_add(
        complaint=complaint,
        kind=EventKind.IMPROVEMENT_ACTION,
        actor=actor,
        body=action.title,
        data={"action": action.pk, "state": action.state},
    )
    return action
