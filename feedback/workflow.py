"""The feedback workflow: its table of moves, on the shared workflow helper (``core.workflow``)::

accept                received                          -> accepted      (真实性/有效性审核 passed)
reject                received                          -> rejected      (with a reason)
convert               received, accepted                -> converted     (it is really a complaint)
plan                  accepted                          -> planned       (处理方案: owner, actions, due date)
start_rectification   planned                           -> rectifying    (整改, improvement actions)
notify_result         planned, rectifying               -> result_notified
rate                  result_notified                   -> rated         (the learner, 1–5 and a comment)
close                 result_notified, rated            -> closed
"""

from typing import Any

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.workflow import Move, MoveTable, workflow_move

from .clocks import feedback_clocks_sync
from .errors import FeedbackMoveNotAllowed
from .models import TERMINAL_STATES, EventKind, FeedbackEvent, FeedbackItem, State


class Transition(models.TextChoices):
    ACCEPT = "accept", _("Accept")
    REJECT = "reject", _("Reject")
    CONVERT = "convert", _("Convert into a complaint")
    PLAN = "plan", _("Make the handling plan")
    START_RECTIFICATION = "start_rectification", _("Start rectification")
    NOTIFY_RESULT = "notify_result", _("Notify the result")
    RATE = "rate", _("Rate the handling")
    CLOSE = "close", _("Close")


ALLOWED_TRANSITIONS: MoveTable[Transition] = MoveTable(
    {
        Transition.ACCEPT: Move(frozenset({State.RECEIVED}), State.ACCEPTED),
        Transition.REJECT: Move(frozenset({State.RECEIVED}), State.REJECTED),
        Transition.CONVERT: Move(frozenset({State.RECEIVED, State.ACCEPTED}), State.CONVERTED),
        Transition.PLAN: Move(frozenset({State.ACCEPTED}), State.PLANNED),
        Transition.START_RECTIFICATION: Move(frozenset({State.PLANNED}), State.RECTIFYING),
        Transition.NOTIFY_RESULT: Move(frozenset({State.PLANNED, State.RECTIFYING}), State.RESULT_NOTIFIED),
        Transition.RATE: Move(frozenset({State.RESULT_NOTIFIED}), State.RATED),
        Transition.CLOSE: Move(frozenset({State.RESULT_NOTIFIED, State.RATED}), State.CLOSED),
    }
)


def allowed_transitions(*, state: str) -> list[Transition]:
    return ALLOWED_TRANSITIONS.allowed_from(state=state)


def _refusal(item: FeedbackItem, transition: Transition) -> FeedbackMoveNotAllowed:
    return FeedbackMoveNotAllowed(
        gettext("A feedback item that is “%(state)s” cannot be moved by “%(action)s”.")
        % {"state": State(item.state).label, "action": transition.label}
    )


_MOMENTS = {
    State.ACCEPTED: "reviewed_at",
    State.REJECTED: "reviewed_at",
    State.CONVERTED: "reviewed_at",
    State.PLANNED: "planned_at",
    State.RESULT_NOTIFIED: "result_notified_at",
    State.RATED: "rated_at",
}


def feedback_transition(
    *,
    item: FeedbackItem,
    transition: Transition,
    actor: User | None,
    body: str = "",
    data: dict[str, Any] | None = None,
    changes: dict[str, Any] | None = None,
    kind: str = EventKind.STATE_CHANGE,
) -> FeedbackItem:
    """Make one move: lock, check the table, move, keep the clocks in step and write the timeline event.

    Raises FeedbackMoveNotAllowed, changing nothing, when the item's state does not allow the move.
    """

    def columns(locked: FeedbackItem, move: Move, now) -> dict[str, Any]:
        moment = {_MOMENTS[move.target]: now} if move.target in _MOMENTS else {}
        if move.target == State.RATED and locked.result_notified_at is None:
            moment["result_notified_at"] = now
        finished = {"closed_at": now if move.target in TERMINAL_STATES else None}
        return {**(changes or {}), **moment, **finished}

    def record(locked: FeedbackItem, from_state: str, move: Move, now) -> None:
        feedback_clocks_sync(item=locked, now=now)
        FeedbackEvent.objects.create(
            item=locked,
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
        instance=item,
        table=ALLOWED_TRANSITIONS,
        transition=transition,
        refuse=_refusal,
        record=record,
        changes=columns,
    )
