"""Ending a complaint early: rejected as out of scope, merged into a duplicate, or withdrawn."""

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from complaints.errors import RuleViolation
from complaints.models import AffectedLearner, Complaint, EventKind
from complaints.states import State
from complaints.workflow import Transition, complaint_lock, complaint_transition

from .filing import complaint_apply_group_rule
from .guards import event_add, require_party, require_staff_change, require_text
from .notices import NoticeKind, notify_parties, notify_user


@transaction.atomic
def complaint_reject(*, complaint: Complaint, reason: str, actor: User) -> Complaint:
    """Reject a complaint not yet under investigation as out of scope, with a reason the complainant reads.

    Raises ComplaintPermissionDenied, ConflictOfInterest, TransitionNotAllowed or RuleViolation (no reason).
    Causes the move to "rejected" and a notice to the parties.
    """
    reason = require_text(reason, field="reason")
    complaint = complaint_lock(complaint=complaint)
    require_staff_change(actor, complaint)
    complaint = complaint_transition(
        complaint=complaint, transition=Transition.REJECT, actor=actor, body=reason
    )
    notify_parties(complaint, NoticeKind.REJECTED)
    return complaint


@transaction.atomic
def complaint_merge(*, complaint: Complaint, into: Complaint, actor: User) -> Complaint:
    """Merge a duplicate, not yet under investigation, into an open complaint that handles the same matter.

    Requires staff who may act on both. Raises ComplaintPermissionDenied, ConflictOfInterest,
    TransitionNotAllowed or RuleViolation (itself, or a finished target). Causes the move to "merged", the
    duplicate's affected learners added to the target (which may make it a group complaint), a merge event
    on the target and a notice to the duplicate's parties.
    """
    if complaint.pk == into.pk:
        raise RuleViolation(
            _("A complaint cannot be merged into itself."), code="merge_into_self", field="into"
        )
    # Lock both rows in a fixed order so two opposite merges cannot deadlock.
    first, second = sorted([complaint, into], key=lambda row: row.pk)
    locked = {row.pk: complaint_lock(complaint=row) for row in (first, second)}
    complaint, into = locked[complaint.pk], locked[into.pk]
    require_staff_change(actor, complaint)
    require_staff_change(actor, into)
    if not into.is_open or into.state == State.MERGED:
        raise RuleViolation(
            _("Merge into a complaint that is still open."), code="merge_target_closed", field="into"
        )
    complaint = complaint_transition(
        complaint=complaint,
        transition=Transition.MERGE,
        actor=actor,
        body=_("This complaint is handled together with another complaint about the same matter."),
        data={"into": into.reference},
        changes={"merged_into": into},
    )
    AffectedLearner.objects.bulk_create(
        [
            AffectedLearner(complaint=into, learner_id=learner_id)
            for learner_id in complaint.affected_learners.values_list("learner_id", flat=True)
        ],
        ignore_conflicts=True,
    )
    event_add(complaint=into, kind=EventKind.MERGE, actor=actor, data={"merged": complaint.reference})
    complaint_apply_group_rule(complaint=into, actor=actor)
    notify_parties(complaint, NoticeKind.MERGED)
    return complaint


@transaction.atomic
def complaint_withdraw(*, complaint: Complaint, actor: User, reason: str = "") -> Complaint:
    """Withdraw an open complaint at the complainant's wish.

    Requires a party to the complaint. Raises ComplaintPermissionDenied or TransitionNotAllowed. Causes the
    move to "withdrawn" and a notice to the owner.
    """
    complaint = complaint_lock(complaint=complaint)
    require_party(actor, complaint)
    complaint = complaint_transition(
        complaint=complaint, transition=Transition.WITHDRAW, actor=actor, body=(reason or "").strip()
    )
    notify_user(complaint.owner, complaint, NoticeKind.WITHDRAWN)
    return complaint
