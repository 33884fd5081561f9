"""Appeals (复议): the complainant asks again; a reviewer who did not handle the complaint decides."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import Role
from complaints.errors import (
    ComplaintPermissionDenied,
    ConflictOfInterest,
    RuleViolation,
    TransitionNotAllowed,
)
from complaints.models import Appeal, Complaint, ComplaintRules, EventKind
from complaints.states import State
from complaints.workflow import Transition, complaint_lock, complaint_transition, transition_allowed

from .guards import require_party, require_staff_change, require_text
from .notices import NoticeKind, notify_parties, notify_role

REVIEWER_ROLES = frozenset({str(Role.SUPERVISOR), str(Role.LEADERSHIP)})


def appeal_deadline(*, complaint: Complaint, rules: ComplaintRules) -> datetime.datetime | None:
    """Return when a closed complaint stops accepting an appeal (None while it is not closed)."""
    if complaint.state != State.CLOSED or complaint.closed_at is None:
        return None
    return complaint.closed_at + datetime.timedelta(days=rules.appeal_window_days)


@transaction.atomic
def complaint_appeal(
    *, complaint: Complaint, reason: str, actor: User, now: datetime.datetime | None = None
) -> Complaint:
    """Ask for reconsideration of a responded complaint, or of a closed one within the appeal window.

    Requires a party to the complaint and a reason; one appeal per complaint. Raises
    ComplaintPermissionDenied, TransitionNotAllowed, or RuleViolation (window passed, already appealed, no
    reason). Causes the Appeal, the move to "appealed" and a notice to the leadership group, who find an
    independent reviewer.
    """
    reason = require_text(reason, field="reason")
    complaint = complaint_lock(complaint=complaint)
    require_party(actor, complaint)
    if not transition_allowed(state=complaint.state, transition=Transition.APPEAL):
        raise TransitionNotAllowed(_("Only a responded or closed complaint can be appealed."))
    if Appeal.objects.filter(complaint=complaint).exists():
        raise RuleViolation(_("This complaint has already been appealed."), code="already_appealed")
    deadline = appeal_deadline(complaint=complaint, rules=ComplaintRules.load())
    if deadline is not None and (now or timezone.now()) > deadline:
        raise RuleViolation(_("The time to appeal this complaint has passed."), code="appeal_window_closed")
    appeal = Appeal.objects.create(complaint=complaint, reason=reason, filed_by=actor)
    complaint = complaint_transition(
        complaint=complaint,
        transition=Transition.APPEAL,
        actor=actor,
        body=reason,
        kind=EventKind.APPEAL,
        data={"appeal": appeal.pk},
    )
    notify_role(Role.LEADERSHIP, complaint, NoticeKind.APPEALED)
    return complaint


def complaint_handler_ids(complaint: Complaint) -> set[int]:
    """Return everyone who handled the complaint as staff: its owner and every staff actor on its timeline."""
    parties = {complaint.complainant_id, complaint.learner_id}
    actors = set(complaint.events.exclude(actor=None).values_list("actor_id", flat=True))
    handlers = actors - parties
    if complaint.owner_id is not None:
        handlers.add(complaint.owner_id)
    return handlers


@transaction.atomic
def complaint_review_appeal(
    *, complaint: Complaint, decision: Appeal.Decision, reason: str, actor: User
) -> Complaint:
    """Decide an appeal: a revised response (back to "responded") or the original upheld ("closed").

    Requires a supervisor or member of the leadership group who may act on the complaint, never handled it
    (not its owner, nor any staff actor on its timeline) and is not the person it is about. Raises
    ComplaintPermissionDenied, ConflictOfInterest, TransitionNotAllowed or RuleViolation. Causes the decision
    on the Appeal, the move with the reasons as a public event and a notice to the parties.
    """
    reason = require_text(reason, field="reason")
    decision = Appeal.Decision(decision)
    if decision == Appeal.Decision.PENDING:
        raise RuleViolation(_("Choose a decision."), code="required", field="decision")
    complaint = complaint_lock(complaint=complaint)
    require_staff_change(actor, complaint)
    if not actor.role_names & REVIEWER_ROLES:
        raise ComplaintPermissionDenied(_("Appeals are reviewed by a supervisor or the leadership group."))
    if actor.pk in complaint_handler_ids(complaint):
        raise ConflictOfInterest(
            _("An appeal is reviewed by someone who did not handle the complaint."),
            code="reviewer_not_independent",
        )
    appeal = (
        Appeal.objects.select_for_update()
        .filter(complaint=complaint, decision=Appeal.Decision.PENDING)
        .first()
    )
    if appeal is None:
        raise TransitionNotAllowed(_("No appeal is waiting for a decision."))
    appeal.decision = decision
    appeal.reviewer = actor
    appeal.decision_reason = reason
    appeal.decided_at = timezone.now()
    appeal.save(update_fields=["decision", "reviewer", "decision_reason", "decided_at"])
    revised = decision == Appeal.Decision.REVISED
    complaint = complaint_transition(
        complaint=complaint,
        transition=Transition.REVISE_ON_APPEAL if revised else Transition.UPHOLD_ON_APPEAL,
        actor=actor,
        body=reason,
        kind=EventKind.APPEAL_DECISION,
        data={"appeal": appeal.pk, "decision": str(decision)},
    )
    notify_parties(complaint, NoticeKind.RESPONDED if revised else NoticeKind.CLOSED)
    return complaint
