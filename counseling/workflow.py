"""The appointment workflow: its table of moves, on the shared workflow helper (``core.workflow``)::

confirm              held                         -> confirmed        (the client confirms the hold)
expire               held                         -> expired          (the hold ran out: sweep or a booking)
cancel               held, confirmed              -> cancelled        (the client, 24 h or more before)
cancel_late          confirmed                    -> no_show          (the client, less than 24 h before)
cancel_by_counsellor held, confirmed              -> cancelled_by_counsellor (never the client's no-show)
complete             confirmed                    -> completed        (the counsellor: attended)
mark_no_show         confirmed                    -> no_show          (counsellor or sweep, after the end)
waive                no_show                      -> no_show_waived   (staff, with a reason code)
"""

from typing import Any

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.workflow import Move, MoveTable, workflow_move

from .errors import AppointmentMoveNotAllowed
from .models import Appointment, AppointmentEvent, AppointmentEventKind, State


class Transition(models.TextChoices):
    CONFIRM = "confirm", _("Confirm")
    EXPIRE = "expire", _("Let the hold expire")
    CANCEL = "cancel", _("Cancel")
    CANCEL_LATE = "cancel_late", _("Cancel late")
    CANCEL_BY_COUNSELLOR = "cancel_by_counsellor", _("Cancel as the counsellor")
    COMPLETE = "complete", _("Record as attended")
    MARK_NO_SHOW = "mark_no_show", _("Record as a no-show")
    WAIVE = "waive", _("Waive the no-show")


ALLOWED_TRANSITIONS: MoveTable[Transition] = MoveTable(
    {
        Transition.CONFIRM: Move(frozenset({State.HELD}), State.CONFIRMED),
        Transition.EXPIRE: Move(frozenset({State.HELD}), State.EXPIRED),
        Transition.CANCEL: Move(frozenset({State.HELD, State.CONFIRMED}), State.CANCELLED),
        Transition.CANCEL_LATE: Move(frozenset({State.CONFIRMED}), State.NO_SHOW),
        Transition.CANCEL_BY_COUNSELLOR: Move(
            frozenset({State.HELD, State.CONFIRMED}), State.CANCELLED_BY_COUNSELLOR
        ),
        Transition.COMPLETE: Move(frozenset({State.CONFIRMED}), State.COMPLETED),
        Transition.MARK_NO_SHOW: Move(frozenset({State.CONFIRMED}), State.NO_SHOW),
        Transition.WAIVE: Move(frozenset({State.NO_SHOW}), State.NO_SHOW_WAIVED),
    }
)


def _refusal(appointment: Appointment, transition: Transition) -> AppointmentMoveNotAllowed:
    return AppointmentMoveNotAllowed(
        gettext("An appointment that is “%(state)s” cannot be moved by “%(action)s”.")
        % {"state": State(appointment.state).label, "action": transition.label}
    )


def appointment_transition(
    *,
    appointment: Appointment,
    transition: Transition,
    actor: User | None,
    body: str = "",
    data: dict[str, Any] | None = None,
    changes: dict[str, Any] | None = None,
) -> Appointment:
    """Make one move: lock, check the table, move, and write the timeline event, in one transaction.

    ``changes(locked, now)`` may be a dict of further columns. Raises AppointmentMoveNotAllowed, changing
    nothing, when the appointment's state does not allow the move.
    """

    def record(locked: Appointment, from_state: str, move: Move, now) -> None:
        AppointmentEvent.objects.create(
            appointment=locked,
            kind=AppointmentEventKind.STATE_CHANGE,
            is_public=move.public,
            actor=actor,
            body=body,
            from_state=from_state,
            to_state=move.target,
            data={"transition": str(transition), **(data or {})},
            created_at=now,
        )

    return workflow_move(
        instance=appointment,
        table=ALLOWED_TRANSITIONS,
        transition=transition,
        refuse=_refusal,
        record=record,
        changes=(lambda locked, move, now: dict(changes or {})),
    )
