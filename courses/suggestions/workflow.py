"""The update-suggestion workflow: its table of moves, on the shared workflow helper (``core.workflow``)::

accept    open                        -> accepted
plan      open, accepted              -> planned     (it will be done in a coming version)
decline   open, accepted, planned     -> declined    (with the reason)
done      open, accepted, planned     -> done        (with the version it landed in)
"""

from typing import Any

from django.db import models
from django.utils.translation import gettext, pgettext_lazy

from accounts.models import User
from core.workflow import Move, MoveTable, workflow_move

from ..errors import SuggestionMoveNotAllowed
from .models import TERMINAL_STATES, EventKind, State, SuggestionEvent, UpdateSuggestion


class Transition(models.TextChoices):
    ACCEPT = "accept", pgettext_lazy("suggestion", "Accept")
    PLAN = "plan", pgettext_lazy("suggestion", "Plan it")
    DECLINE = "decline", pgettext_lazy("suggestion", "Decline")
    DONE = "done", pgettext_lazy("suggestion", "Mark it done")


ALLOWED_TRANSITIONS: MoveTable[Transition] = MoveTable(
    {
        Transition.ACCEPT: Move(frozenset({State.OPEN}), State.ACCEPTED),
        Transition.PLAN: Move(frozenset({State.OPEN, State.ACCEPTED}), State.PLANNED),
        Transition.DECLINE: Move(frozenset({State.OPEN, State.ACCEPTED, State.PLANNED}), State.DECLINED),
        Transition.DONE: Move(frozenset({State.OPEN, State.ACCEPTED, State.PLANNED}), State.DONE),
    }
)


def allowed_transitions(*, state: str) -> list[Transition]:
    return ALLOWED_TRANSITIONS.allowed_from(state=state)


def _refusal(suggestion: UpdateSuggestion, transition: Transition) -> SuggestionMoveNotAllowed:
    return SuggestionMoveNotAllowed(
        gettext("A suggestion that is “%(state)s” cannot be moved by “%(action)s”.")
        % {"state": State(suggestion.state).label, "action": transition.label}
    )


def suggestion_transition(
    *,
    suggestion: UpdateSuggestion,
    transition: Transition,
    actor: User,
    body: str = "",
    data: dict[str, Any] | None = None,
    changes: dict[str, Any] | None = None,
) -> tuple[UpdateSuggestion, str]:
    """Make one move: lock, check the table, move, record who answered and write the public timeline event.

    Returns the moved suggestion and the state it came from. Raises SuggestionMoveNotAllowed, changing
    nothing, when the suggestion's state does not allow the move.
    """
    came_from: list[str] = []

    def columns(locked: UpdateSuggestion, move: Move, now) -> dict[str, Any]:
        finished = {"closed_at": now if move.target in TERMINAL_STATES else None}
        return {**(changes or {}), "answered_by": actor, "answered_at": now, **finished}

    def record(locked: UpdateSuggestion, from_state: str, move: Move, now) -> None:
        came_from.append(from_state)
        SuggestionEvent.objects.create(
            suggestion=locked,
            kind=EventKind.STATE_CHANGE,
            is_public=move.public,
            actor=actor,
            body=body,
            from_state=from_state,
            to_state=move.target,
            data={"transition": str(transition), **(data or {})},
            created_at=now,
        )

    moved = workflow_move(
        instance=suggestion,
        table=ALLOWED_TRANSITIONS,
        transition=transition,
        refuse=_refusal,
        record=record,
        changes=columns,
    )
    return moved, came_from[0]
