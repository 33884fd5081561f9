"""Session records and what they start: the client's intake answers, the counsellor's confidential notes,
each read logged with its purpose, the risk flag's safety case under its SLA clock, and the rating of an
attended session (never asked of a client with a session flagged at risk).

The notes and the answers are encrypted at rest (``privacy.fields.EncryptedTextField``); no service logs
them, puts them in an error's message or in a notice: errors name the field, never its value.
"""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import Role
from core.references import reference_allocate
from core.workflow import Move, MoveTable, workflow_move
from privacy.models import AccessLogEntry
from privacy.services import access_log_record
from ratings.models import Rating
from ratings.services import rating_give

from ..clocks import safety_case_clocks_sync
from ..errors import AppointmentMoveNotAllowed, CounsellingPermissionDenied, CounsellingRuleViolation
from ..models import (
    MAX_REASON_LENGTH,
    MAX_RECORD_LENGTH,
    SAFETY_REFERENCE_PREFIX,
    Appointment,
    Intake,
    RatingRequest,
    RiskFlag,
    SafetyCase,
    SafetyCaseEvent,
    SafetyCaseState,
    SessionRecord,
    State,
)
from ..notices import NoticeKind, notify
from ..permissions import is_safety_officer
from ..selectors import client_flagged_at_risk

INTAKE_MAX_LENGTH = 2000
# A rating is asked this long after the session was recorded as attended: time enough for the counsellor
# to write the record (and flag a risk) before the client is asked anything.
RATING_REQUEST_DELAY = datetime.timedelta(hours=2)
# Sessions attended longer ago than this are not asked about any more.
RATING_REQUEST_WINDOW = datetime.timedelta(days=14)
SWEEP_BATCH = 200


def _text(value, *, field: str, limit: int, required: bool) -> str:
    text = (value or "").strip() if isinstance(value, str) or value is None else None
    if text is None:
        raise CounsellingRuleViolation(_("Enter text."), code="invalid", field=field)
    if required and not text:
        raise CounsellingRuleViolation(_("This field is required."), code="required", field=field)
    if len(text) > limit:
        raise CounsellingRuleViolation(
            _("Keep this within %(limit)d characters.") % {"limit": limit}, code="too_long", field=field
        )
    if "\x00" in text:
        raise CounsellingRuleViolation(
            _("The text holds characters that are not allowed."), code="invalid", field=field
        )
    return text


# --- Intake -------------------------------------------------------------------------------------------------


@transaction.atomic
def intake_answer(
    *,
    appointment: Appointment,
    concern: str,
    history: str = "",
    hopes: str = "",
    actor: User,
    now: datetime.datetime | None = None,
) -> Intake:
    """Give (or change) the client's intake answers for the appointment's counsellor, before the session.

    Requires the client and a held or confirmed appointment that has not started
    (AppointmentMoveNotAllowed otherwise); ``concern`` is required. The answers are stored encrypted.
    """
    now = now or timezone.now()
    if appointment.client_id != actor.pk:
        raise CounsellingPermissionDenied(_("Only the client answers the intake questions."))
    if appointment.state not in (State.HELD, State.CONFIRMED) or now >= appointment.starts_at:
        raise AppointmentMoveNotAllowed(
            _("The intake questions are answered before the session."), code="intake_closed"
        )
    values = {
        "concern": _text(concern, field="concern", limit=INTAKE_MAX_LENGTH, required=True),
        "history": _text(history, field="history", limit=INTAKE_MAX_LENGTH, required=False),
        "hopes": _text(hopes, field="hopes", limit=INTAKE_MAX_LENGTH, required=False),
        "answered_at": now,
    }
    intake, _created = Intake.objects.select_for_update().update_or_create(
        client=actor, counsellor=appointment.counsellor, defaults=values
    )
    return intake


def intake_read(*, intake: Intake, actor: User, channel: str, screen: str, purpose: str) -> Intake:
    """Log the read of a client's intake answers by their counsellor (or a supervisor) with its purpose."""
    access_log_record(
        actor=actor,
        subject=intake.client,
        record=intake,
        fields=("intake",),
        channel=AccessLogEntry.Channel(channel),
        screen=screen,
        reason=purpose,
    )
    return intake


# --- Session records ----------------------------------------------------------------------------------------


@transaction.atomic
def session_record_write(
    *,
    appointment: Appointment,
    notes: str,
    risk_flag: str = "",
    actor: User,
    now: datetime.datetime | None = None,
) -> SessionRecord:
    """Write (or amend) the record of an attended session, as its counsellor.

    Requires the appointment's own counsellor (never the desk: CounsellingPermissionDenied) and an attended
    session (AppointmentMoveNotAllowed); ``notes`` are required, ``risk_flag`` one of ``RiskFlag``. A risk
    flag on a record that had none opens a safety case: the safety officers are told at once, once, and its
    SLA clocks start. A flag is never taken back by amending the notes: the safety officer closes the case.
    """
    now = now or timezone.now()
    if appointment.counsellor.user_id != actor.pk:
        raise CounsellingPermissionDenied(_("Only the session's counsellor writes its record."))
    if appointment.state != State.COMPLETED:
        raise AppointmentMoveNotAllowed(
            _("A record is written for an attended session."), code="not_attended"
        )
    notes = _text(notes, field="notes", limit=MAX_RECORD_LENGTH, required=True)
    if risk_flag not in RiskFlag.values:
        raise CounsellingRuleViolation(
            _("Choose a risk flag from the list."), code="invalid", field="risk_flag"
        )
    # The appointment's row is the lock: two first writes of one record wait for each other.
    Appointment.objects.select_for_update().filter(pk=appointment.pk).get()
    record = SessionRecord.objects.filter(appointment=appointment).first()
    if record is None:
        record = SessionRecord.objects.create(
            appointment=appointment,
            counsellor=appointment.counsellor,
            client=appointment.client,
            notes=notes,
            risk_flag=risk_flag,
            session_at=appointment.starts_at,
            written_at=now,
            updated_at=now,
        )
    else:
        record.notes = notes
        record.risk_flag = record.risk_flag or risk_flag
        record.updated_at = now
        record.save(update_fields=["notes", "risk_flag", "updated_at"])
    if record.risk_flag and not SafetyCase.objects.filter(record=record).exists():
        _safety_case_open(record=record, actor=actor, now=now)
    return record


def session_record_read(
    *, record: SessionRecord, purpose: str, actor: User, channel: str, screen: str
) -> SessionRecord:
    """Log one read of a session record, with its purpose: the client sees it on "My data"."""
    access_log_record(
        actor=actor,
        subject=record.client,
        record=record,
        fields=("notes", "risk_flag"),
        channel=AccessLogEntry.Channel(channel),
        screen=screen,
        reason=purpose,
    )
    return record


# --- The safety case ----------------------------------------------------------------------------------------


def _safety_case_open(*, record: SessionRecord, actor: User, now: datetime.datetime) -> SafetyCase:
    case = SafetyCase.objects.create(
        reference=reference_allocate(prefix=SAFETY_REFERENCE_PREFIX, year=timezone.localdate(now).year),
        record=record,
        client_id=record.client_id,
        counsellor_id=record.counsellor_id,
        risk=record.risk_flag,
        opened_at=now,
    )
    SafetyCaseEvent.objects.create(
        case=case,
        kind="opened",
        actor=actor,
        to_state=SafetyCaseState.OPEN,
        data={"risk": case.risk},
        created_at=now,
    )
    safety_case_clocks_sync(case=case, now=now)
    officers = User.objects.filter(is_active=True, groups__name=Role.SAFETY_OFFICER).order_by("pk")
    for officer in officers:
        notify_case(officer, case)
    return case


def notify_case(person: User, case: SafetyCase) -> None:
    from notifications.services import notification_enqueue

    notification_enqueue(recipient=person, kind=NoticeKind.SAFETY_CASE, context={"reference": case.reference})


SAFETY_MOVES: MoveTable[str] = MoveTable(
    {
        "acknowledge": Move(frozenset({SafetyCaseState.OPEN}), SafetyCaseState.ACKNOWLEDGED),
        "follow_up": Move(frozenset({SafetyCaseState.ACKNOWLEDGED}), SafetyCaseState.FOLLOWED_UP),
        "close": Move(frozenset({SafetyCaseState.FOLLOWED_UP}), SafetyCaseState.CLOSED),
    }
)


def _safety_move(*, case: SafetyCase, transition: str, actor: User, body: str, changes) -> SafetyCase:
    if not is_safety_officer(actor):
        raise CounsellingPermissionDenied(_("Safety cases are handled by the safety officer."))

    def refuse(locked, move):
        return AppointmentMoveNotAllowed(
            _("A safety case that is “%(state)s” cannot be moved so.")
            % {"state": SafetyCaseState(locked.state).label},
            code="transition_not_allowed",
        )

    def record(locked, from_state, move, now):
        SafetyCaseEvent.objects.create(
            case=locked,
            kind=transition,
            actor=actor,
            body=body,
            from_state=from_state,
            to_state=move.target,
            created_at=now,
        )
        safety_case_clocks_sync(case=locked, now=now)

    return workflow_move(
        instance=case,
        table=SAFETY_MOVES,
        transition=transition,
        refuse=refuse,
        record=record,
        changes=changes,
    )


@transaction.atomic
def safety_case_acknowledge(*, case: SafetyCase, actor: User) -> SafetyCase:
    """Take the case on as the safety officer: they become its handler; the acknowledgement clock is met."""
    return _safety_move(
        case=case,
        transition="acknowledge",
        actor=actor,
        body="",
        changes=lambda locked, move, now: {"acknowledged_at": now, "handler": actor},
    )


@transaction.atomic
def safety_case_follow_up(*, case: SafetyCase, note: str, actor: User) -> SafetyCase:
    """Record the safety follow-up (who was reached, what was done), stored encrypted; meets its clock."""
    note = _text(note, field="note", limit=MAX_REASON_LENGTH, required=True)
    return _safety_move(
        case=case,
        transition="follow_up",
        actor=actor,
        body="",  # the follow-up itself stays in its encrypted column
        changes=lambda locked, move, now: {"follow_up": note, "followed_up_at": now},
    )


@transaction.atomic
def safety_case_close(*, case: SafetyCase, note: str, actor: User) -> SafetyCase:
    """Close the followed-up case with a note; its clocks stop, and the client may be asked to rate again."""
    note = _text(note, field="note", limit=MAX_REASON_LENGTH, required=True)
    return _safety_move(
        case=case,
        transition="close",
        actor=actor,
        body=note,
        changes=lambda locked, move, now: {"close_note": note, "closed_at": now},
    )


# --- Ratings ------------------------------------------------------------------------------------------------


@transaction.atomic
def appointment_rate(*, appointment: Appointment, score: int, comment: str = "", actor: User) -> Rating:
    """Rate an attended session, as its client, once, from 1 to 5 with an optional comment (moderated).

    Refuses anyone but the client (CounsellingPermissionDenied), a session not attended and a client with a
    session flagged at risk (AppointmentMoveNotAllowed); the ratings module refuses a bad score or comment
    and a second rating (``ratings.errors``).
    """
    if appointment.client_id != actor.pk:
        raise CounsellingPermissionDenied(_("Only the client rates their session."))
    if appointment.state != State.COMPLETED:
        raise AppointmentMoveNotAllowed(_("Only an attended session can be rated."), code="not_attended")
    if client_flagged_at_risk(client=actor):
        raise AppointmentMoveNotAllowed(_("Rating is not open for this session."), code="rating_closed")
    return rating_give(
        subject=appointment.counsellor, source=appointment, rater=actor, score=score, comment=comment
    )


def rating_requests_send_due(*, now: datetime.datetime | None = None) -> int:
    """Ask the clients of sessions attended a while ago to rate them, once each (a unique row decides); none
    is asked while a session of theirs is flagged at risk. Return how many were asked."""
    now = now or timezone.now()
    due = (
        Appointment.objects.filter(
            state=State.COMPLETED,
            completed_at__lte=now - RATING_REQUEST_DELAY,
            completed_at__gt=now - RATING_REQUEST_WINDOW,
            rating_request__isnull=True,
        )
        .exclude(client__in=SafetyCase.objects.exclude(state=SafetyCaseState.CLOSED).values("client_id"))
        .select_related("client")
        .order_by("completed_at", "pk")[:SWEEP_BATCH]
    )
    sent = 0
    for appointment in due:
        with transaction.atomic():
            _request, created = RatingRequest.objects.get_or_create(
                appointment=appointment, defaults={"sent_at": now}
            )
            if created:
                notify(appointment.client, NoticeKind.RATE, appointment)
                sent += 1
    return sent
