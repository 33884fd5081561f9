"""The complaint workflow: the table of allowed moves and the one function that makes them.

Moves, per DESIGN §3 (each named, so a service can only make the move it means)::

    acknowledge            submitted                               -> acknowledged
    start_investigation    acknowledged                            -> investigating
    request_information    investigating                           -> awaiting_complainant
    complainant_reply      awaiting_complainant                    -> investigating
    propose_for_approval   investigating                           -> pending_approval
    approve                pending_approval                        -> responded
    return                 pending_approval                        -> investigating
    respond                investigating                           -> responded
    confirm_satisfaction   responded                               -> closed
    auto_close             responded                               -> closed
    appeal                 responded, closed (within the window)   -> appealed
    revise_on_appeal       appealed                                -> responded
    uphold_on_appeal       appealed                                -> closed
    reject                 submitted, acknowledged                 -> rejected
    merge                  submitted, acknowledged                 -> merged
    withdraw               every open state                        -> withdrawn

Rejecting and merging are triage decisions: they are allowed until investigation starts (so the person who
acknowledged a complaint may still find it out of scope or a duplicate), never after. Withdrawing is the
complainant's right in every open state, including while an appeal is pending.
"""

from typing import Any

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from complaints.clocks import complaint_clocks_sync
from core.workflow import Move, MoveTable, workflow_lock, workflow_move

from .errors import TransitionNotAllowed
from .models import Complaint, ComplaintEvent, EventKind
from .states import OPEN_STATES, TERMINAL_STATES, State


class Transition(models.TextChoices):
    ACKNOWLEDGE = "acknowledge", _("Acknowledge")
    START_INVESTIGATION = "start_investigation", _("Start investigation")
    REQUEST_INFORMATION = "request_information", _("Request information")
    COMPLAINANT_REPLY = "complainant_reply", _("Complainant replies")
    PROPOSE_FOR_APPROVAL = "propose_for_approval", _("Propose for approval")
    APPROVE = "approve", _("Approve")
    RETURN = "return", _("Return for rework")
    RESPOND = "respond", _("Respond")
    CONFIRM_SATISFACTION = "confirm_satisfaction", _("Confirm satisfaction")
    AUTO_CLOSE = "auto_close", _("Close automatically")
    APPEAL = "appeal", _("Appeal")
    REVISE_ON_APPEAL = "revise_on_appeal", _("Revise on appeal")
    UPHOLD_ON_APPEAL = "uphold_on_appeal", _("Uphold on appeal")
    REJECT = "reject", _("Reject as out of scope")
    MERGE = "merge", _("Merge into another complaint")
    WITHDRAW = "withdraw", _("Withdraw")


ALLOWED_TRANSITIONS: MoveTable[Transition] = MoveTable(
    {
        Transition.ACKNOWLEDGE: Move(frozenset({State.SUBMITTED}), State.ACKNOWLEDGED),
        Transition.START_INVESTIGATION: Move(frozenset({State.ACKNOWLEDGED}), State.INVESTIGATING),
        Transition.REQUEST_INFORMATION: Move(frozenset({State.INVESTIGATING}), State.AWAITING_COMPLAINANT),
        Transition.COMPLAINANT_REPLY: Move(frozenset({State.AWAITING_COMPLAINANT}), State.INVESTIGATING),
        Transition.PROPOSE_FOR_APPROVAL: Move(
            frozenset({State.INVESTIGATING}), State.PENDING_APPROVAL, public=False
        ),
        Transition.APPROVE: Move(frozenset({State.PENDING_APPROVAL}), State.RESPONDED),
        Transition.RETURN: Move(frozenset({State.PENDING_APPROVAL}), State.INVESTIGATING, public=False),
        Transition.RESPOND: Move(frozenset({State.INVESTIGATING}), State.RESPONDED),
        Transition.CONFIRM_SATISFACTION: Move(frozenset({State.RESPONDED}), State.CLOSED),
        Transition.AUTO_CLOSE: Move(frozenset({State.RESPONDED}), State.CLOSED),
        Transition.APPEAL: Move(frozenset({State.RESPONDED, State.CLOSED}), State.APPEALED),
        Transition.REVISE_ON_APPEAL: Move(frozenset({State.APPEALED}), State.RESPONDED),
        Transition.UPHOLD_ON_APPEAL: Move(frozenset({State.APPEALED}), State.CLOSED),
        Transition.REJECT: Move(frozenset({State.SUBMITTED, State.ACKNOWLEDGED}), State.REJECTED),
        Transition.MERGE: Move(frozenset({State.SUBMITTED, State.ACKNOWLEDGED}), State.MERGED),
        Transition.WITHDRAW: Move(frozenset(OPEN_STATES), State.WITHDRAWN),
    }
)


def transition_allowed(*, state: str, transition: Transition) -> bool:
    return ALLOWED_TRANSITIONS.allows(state=state, transition=transition)


def allowed_transitions(*, state: str) -> list[Transition]:
    """Return the moves the table allows from a state (permissions and rules aside)."""
    return ALLOWED_TRANSITIONS.allowed_from(state=state)


def complaint_lock(*, complaint: Complaint) -> Complaint:
    """Return the complaint's row, freshly read and locked until the surrounding transaction ends."""
    return workflow_lock(complaint)


def _refusal(complaint: Complaint, transition: Transition) -> TransitionNotAllowed:
    return TransitionNotAllowed(
        gettext("A complaint that is “%(state)s” cannot be moved by “%(action)s”.")
        % {"state": State(complaint.state).label, "action": transition.label}
    )


def _moment_columns(complaint: Complaint, move: Move, now) -> dict[str, Any]:
    """The timestamps a move into its target sets: taken on, answered, finished."""
    columns: dict[str, Any] = {}
    if move.target == State.ACKNOWLEDGED and complaint.acknowledged_at is None:
        columns["acknowledged_at"] = now
    if move.target == State.RESPONDED:
        columns["responded_at"] = now
        if complaint.first_responded_at is None:
            columns["first_responded_at"] = now
    columns["closed_at"] = now if move.target in TERMINAL_STATES else None
    return columns


def complaint_transition(
    *,
    complaint: Complaint,
    transition: Transition,
    actor: User | None,
    body: str = "",
    kind: EventKind = EventKind.STATE_CHANGE,
    data: dict[str, Any] | None = None,
    changes: dict[str, Any] | None = None,
) -> Complaint:
    """Make one move of the workflow: lock the row, check the table, move, and write the timeline event.

    ``changes`` sets further fields in the same update (the new owner, the merge target, a rating).
    Raises TransitionNotAllowed, changing nothing, when the complaint's current state does not allow the move.
    Causes the clocks to follow the new state. Returns the locked, updated complaint; the caller's instance
    is left as it was.
    """

    def columns(locked: Complaint, move: Move, now) -> dict[str, Any]:
        return {**(changes or {}), **_moment_columns(locked, move, now)}

    def record(locked: Complaint, from_state: str, move: Move, now) -> None:
        complaint_clocks_sync(complaint=locked, now=now)
        ComplaintEvent.objects.create(
            complaint=locked,
            kind=kind,
            is_public=move.public,
            actor=actor,
            body=body,
            from_state=from_state,
            to_state=move.target,
            data={"transition": str(transition), **(data or {})},
            created_at=now,
        )

    return workflow_move(
        instance=complaint,
        table=ALLOWED_TRANSITIONS,
        transition=transition,
        refuse=_refusal,
        record=record,
        changes=columns,
    )
