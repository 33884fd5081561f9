"""The refund request workflow: its table of moves, on the shared workflow helper (``core.workflow``)::

approve             submitted                    -> approved           (at or below the approval threshold)
refer               submitted                    -> pending_approval   (above it: the leadership decides)
leadership_approve  pending_approval             -> approved
refuse              submitted, pending_approval  -> refused            (naming the rule it relies on)
record_payment      approved                     -> paid               (the amount and the date paid back)
withdraw            submitted, pending_approval  -> withdrawn          (by the learner or their guardian)
"""

from typing import Any

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.workflow import Move, MoveTable, workflow_move

from .clocks import refund_clocks_sync
from .errors import RefundMoveNotAllowed
from .models import TERMINAL_STATES, EventKind, RefundEvent, RefundRequest, State


class Transition(models.TextChoices):
    APPROVE = "approve", _("Approve")
    REFER = "refer", _("Refer to the leadership group")
    LEADERSHIP_APPROVE = "leadership_approve", _("Approve for the leadership group")
    REFUSE = "refuse", _("Refuse")
    RECORD_PAYMENT = "record_payment", _("Record the payment")
    WITHDRAW = "withdraw", _("Withdraw")


ALLOWED_TRANSITIONS: MoveTable[Transition] = MoveTable(
    {
        Transition.APPROVE: Move(frozenset({State.SUBMITTED}), State.APPROVED),
        Transition.REFER: Move(frozenset({State.SUBMITTED}), State.PENDING_APPROVAL),
        Transition.LEADERSHIP_APPROVE: Move(frozenset({State.PENDING_APPROVAL}), State.APPROVED),
        Transition.REFUSE: Move(frozenset({State.SUBMITTED, State.PENDING_APPROVAL}), State.REFUSED),
        Transition.RECORD_PAYMENT: Move(frozenset({State.APPROVED}), State.PAID),
        Transition.WITHDRAW: Move(frozenset({State.SUBMITTED, State.PENDING_APPROVAL}), State.WITHDRAWN),
    }
)


def allowed_transitions(*, state: str) -> list[Transition]:
    return ALLOWED_TRANSITIONS.allowed_from(state=state)


def _refusal(request: RefundRequest, transition: Transition) -> RefundMoveNotAllowed:
    return RefundMoveNotAllowed(
        gettext("A refund request that is “%(state)s” cannot be moved by “%(action)s”.")
        % {"state": State(request.state).label, "action": transition.label}
    )


def refund_transition(
    *,
    request: RefundRequest,
    transition: Transition,
    actor: User | None,
    body: str = "",
    data: dict[str, Any] | None = None,
    changes: dict[str, Any] | None = None,
    moments: tuple[str, ...] = (),
) -> RefundRequest:
    """Make one move: lock, check the table, move, keep the clocks in step and write the timeline event.

    ``changes`` are further columns to set; ``moments`` the columns that record the moment of the move.
    Raises RefundMoveNotAllowed, changing nothing, when the request's state does not allow the move.
    """

    def columns(locked: RefundRequest, move: Move, now) -> dict[str, Any]:
        finished = {"closed_at": now if move.target in TERMINAL_STATES else None}
        return {**(changes or {}), **dict.fromkeys(moments, now), **finished}

    def record(locked: RefundRequest, from_state: str, move: Move, now) -> None:
        refund_clocks_sync(request=locked, now=now)
        RefundEvent.objects.create(
            request=locked,
            kind=EventKind.STATE_CHANGE,
            is_public=move.public,
            actor=actor,
            body=body,
            from_state=from_state,
            to_state=move.target,
            data={"transition": str(transition), **(data or {})},
            created_at=now,
        )

    return workflow_move(
        instance=request,
        table=ALLOWED_TRANSITIONS,
        transition=transition,
        refuse=_refusal,
        record=record,
        changes=columns,
    )
