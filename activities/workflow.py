"""The activities' workflow: its table of moves, on the shared workflow helper (``core.workflow``)::

publish     draft            -> published   (announced to the subscribers, the first time only)
unpublish   published        -> draft       (taken back to be corrected; registrations stay)
cancel      draft, published -> cancelled   (the registered are told)
finish      published        -> finished    (after it took place; attendance is recorded)
"""

from typing import Any

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.workflow import Move, MoveTable, workflow_move

from .errors import ActivityMoveNotAllowed
from .models import Activity, ActivityEvent, EventKind, State


class Transition(models.TextChoices):
    PUBLISH = "publish", _("Publish")
    UNPUBLISH = "unpublish", _("Take back to draft")
    CANCEL = "cancel", _("Cancel the activity")
    FINISH = "finish", _("Mark as finished")


ALLOWED_TRANSITIONS: MoveTable[Transition] = MoveTable(
    {
        Transition.PUBLISH: Move(frozenset({State.DRAFT}), State.PUBLISHED),
        Transition.UNPUBLISH: Move(frozenset({State.PUBLISHED}), State.DRAFT),
        Transition.CANCEL: Move(frozenset({State.DRAFT, State.PUBLISHED}), State.CANCELLED),
        Transition.FINISH: Move(frozenset({State.PUBLISHED}), State.FINISHED),
    }
)


def allowed_transitions(*, state: str) -> list[Transition]:
    return ALLOWED_TRANSITIONS.allowed_from(state=state)


def _refusal(activity: Activity, transition: Transition) -> ActivityMoveNotAllowed:
    return ActivityMoveNotAllowed(
        gettext("An activity that is “%(state)s” cannot be moved by “%(action)s”.")
        % {"state": State(activity.state).label, "action": transition.label}
    )


def activity_transition(
    *,
    activity: Activity,
    transition: Transition,
    actor: User | None,
    body: str = "",
    changes: dict[str, Any] | None = None,
) -> Activity:
    """Make one move: lock, check the table, move and write the timeline event, in one transaction.

    Raises ActivityMoveNotAllowed, changing nothing, when the activity's state does not allow the move.
    """

    def record(locked: Activity, from_state: str, move: Move, now) -> None:
        ActivityEvent.objects.create(
            activity=locked,
            kind=EventKind.STATE_CHANGE,
            is_public=move.public,
            actor=actor,
            body=body,
            from_state=from_state,
            to_state=move.target,
            data={"transition": str(transition)},
            created_at=now,
        )

    return workflow_move(
        instance=activity,
        table=ALLOWED_TRANSITIONS,
        transition=transition,
        refuse=_refusal,
        record=record,
        changes=(lambda locked, move, now: dict(changes)) if changes else None,
    )
