"""Appeals against booking restrictions, counsellors' availability, the sweeps, and what happens when a
counsellor can no longer be booked."""

import datetime
from collections.abc import Iterable, Sequence

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User

from ..errors import AppointmentMoveNotAllowed, CounsellingPermissionDenied, CounsellingRuleViolation
from ..models import (
    MAX_REASON_LENGTH,
    Appointment,
    AppointmentEvent,
    AppointmentEventKind,
    AppointmentReminder,
    AvailabilityException,
    BookingRestriction,
    Counsellor,
    RestrictionAppeal,
    State,
    WeeklyHours,
)
from ..notices import NoticeKind, notify
from ..permissions import may_handle_counselling
from ..workflow import Transition, appointment_transition
from .booking import _reason, _restriction_lift, appointment_cancel_by_counsellor, appointment_mark_no_show

# A counsellor has this long after a session's end to record attendance before the sweep records a no-show.
ATTENDANCE_GRACE = datetime.timedelta(hours=24)
REMINDER_LEADS = (
    (AppointmentReminder.Lead.DAY, datetime.timedelta(hours=24), NoticeKind.REMINDER_DAY),
    (AppointmentReminder.Lead.HOUR, datetime.timedelta(hours=1), NoticeKind.REMINDER_HOUR),
)
SWEEP_BATCH = 200


# --- Appeals ------------------------------------------------------------------------------------------------


@transaction.atomic
def restriction_appeal_file(
    *, restriction: BookingRestriction, text: str, actor: User, now: datetime.datetime | None = None
) -> RestrictionAppeal:
    """Appeal, as the restricted client, against a restriction still in force; once per restriction."""
    now = now or timezone.now()
    if restriction.client_id != actor.pk:
        raise CounsellingPermissionDenied(_("Only the client appeals against their restriction."))
    text = _reason(text, field="text")
    locked = BookingRestriction.objects.select_for_update().get(pk=restriction.pk)
    if not locked.is_active_at(now):
        raise AppointmentMoveNotAllowed(
            _("This restriction is no longer in force."), code="restriction_ended"
        )
    if RestrictionAppeal.objects.filter(restriction=locked).exists():
        raise AppointmentMoveNotAllowed(
            _("This restriction was already appealed against."), code="already_appealed"
        )
    return RestrictionAppeal.objects.create(restriction=locked, text=text, created_at=now)


@transaction.atomic
def restriction_appeal_decide(
    *, appeal: RestrictionAppeal, grant: bool, note: str, actor: User, now: datetime.datetime | None = None
) -> RestrictionAppeal:
    """Decide an appeal as the counselling desk, with the decision's reasons; granting lifts the restriction.

    Raises CounsellingPermissionDenied for anyone else, CounsellingRuleViolation on ``note`` when empty, and
    AppointmentMoveNotAllowed for an appeal already decided. Causes the decision and a notice to the client.
    """
    now = now or timezone.now()
    if not may_handle_counselling(actor):
        raise CounsellingPermissionDenied(_("Appeals are decided by the counselling desk."))
    note = _reason(note, field="note")
    locked = RestrictionAppeal.objects.select_for_update().select_related("restriction").get(pk=appeal.pk)
    if locked.state != RestrictionAppeal.State.PENDING:
        raise AppointmentMoveNotAllowed(_("This appeal was already decided."), code="already_decided")
    locked.state = RestrictionAppeal.State.GRANTED if grant else RestrictionAppeal.State.REFUSED
    locked.decided_by, locked.decided_at, locked.decision_note = actor, now, note
    locked.save(update_fields=["state", "decided_by", "decided_at", "decision_note"])
    restriction = locked.restriction
    if grant and restriction.lifted_at is None:
        _restriction_lift(restriction, actor=actor, reason=note[:300], now=now)
    notify(restriction.client, NoticeKind.APPEAL_DECIDED, restriction.last_no_show)
    return locked


# --- Availability -------------------------------------------------------------------------------------------


def _require_own_or_desk(counsellor: Counsellor, actor: User) -> None:
    if counsellor.user_id != actor.pk and not may_handle_counselling(actor):
        raise CounsellingPermissionDenied(
            _("Only the counsellor or the counselling desk changes these hours.")
        )


@transaction.atomic
def weekly_hours_replace(
    *, counsellor: Counsellor, hours: Sequence[tuple[int, datetime.time, datetime.time]], actor: User
) -> list[WeeklyHours]:
    """Replace the counsellor's weekly hours with ``hours`` (weekday 0 = Monday, from, until).

    Raises CounsellingRuleViolation on ``hours`` for a weekday out of range, an end not after its start, or
    two windows of one weekday that overlap; changes nothing then. Booked appointments stay as they are.
    """
    _require_own_or_desk(counsellor, actor)
    rows = sorted(hours)
    for index, (weekday, starts, ends) in enumerate(rows):
        if not 0 <= weekday <= 6:
            raise CounsellingRuleViolation(_("Choose a weekday."), code="weekday", field="hours")
        if ends <= starts:
            raise CounsellingRuleViolation(
                _("Each window must end after it starts."), code="order", field="hours"
            )
        if index and rows[index - 1][0] == weekday and rows[index - 1][2] > starts:
            raise CounsellingRuleViolation(
                _("Two windows of one day overlap."), code="overlap", field="hours"
            )
    Counsellor.objects.select_for_update().filter(pk=counsellor.pk).get()
    WeeklyHours.objects.filter(counsellor=counsellor).delete()
    return WeeklyHours.objects.bulk_create(
        WeeklyHours(counsellor=counsellor, weekday=weekday, starts=starts, ends=ends)
        for weekday, starts, ends in rows
    )


@transaction.atomic
def availability_exception_add(
    *,
    counsellor: Counsellor,
    day: datetime.date,
    kind: str,
    starts: datetime.time | None,
    ends: datetime.time | None,
    actor: User,
) -> AvailabilityException:
    """Add a day off (whole, or some hours) or extra hours on one day of the counsellor's calendar.

    Raises CounsellingRuleViolation on the field at fault: a day in the past, extra hours without times, a
    window that ends before it starts, only one of the two times.
    """
    _require_own_or_desk(counsellor, actor)
    if kind not in AvailabilityException.Kind.values:
        raise CounsellingRuleViolation(_("Choose a day off or extra hours."), code="kind", field="kind")
    if day < timezone.localdate():
        raise CounsellingRuleViolation(_("Choose today or a later day."), code="past", field="day")
    if (starts is None) != (ends is None) or (
        kind == AvailabilityException.Kind.EXTRA_HOURS and starts is None
    ):
        raise CounsellingRuleViolation(_("Give both times, from and until."), code="times", field="ends")
    if starts is not None and ends <= starts:
        raise CounsellingRuleViolation(_("The hours must end after they start."), code="order", field="ends")
    return AvailabilityException.objects.create(
        counsellor=counsellor, day=day, kind=kind, starts=starts, ends=ends
    )


@transaction.atomic
def availability_exception_remove(*, exception: AvailabilityException, actor: User) -> None:
    """Remove one of the counsellor's exceptions."""
    _require_own_or_desk(exception.counsellor, actor)
    exception.delete()


# --- Sweeps -------------------------------------------------------------------------------------------------


def holds_expire_due(*, now: datetime.datetime | None = None) -> int:
    """Let every hold that ran out expire; return how many. Safe to run twice and beside bookings."""
    now = now or timezone.now()
    done = 0
    ids = list(
        Appointment.objects.filter(state=State.HELD, hold_expires_at__lte=now)
        .order_by("hold_expires_at", "pk")
        .values_list("pk", flat=True)[: SWEEP_BATCH * 10]
    )
    for pk in ids:
        with transaction.atomic():
            hold = (
                Appointment.objects.select_for_update(skip_locked=True)
                .filter(pk=pk, state=State.HELD, hold_expires_at__lte=now)
                .first()
            )
            if hold is not None:
                appointment_transition(appointment=hold, transition=Transition.EXPIRE, actor=None)
                done += 1
    return done


def reminders_send_due(*, now: datetime.datetime | None = None) -> int:
    """Remind clients 24 hours and 1 hour before each confirmed session, each once (a unique row per
    appointment and lead decides); sessions confirmed within a lead get no reminder for it."""
    now = now or timezone.now()
    sent = 0
    for lead, ahead, notice in REMINDER_LEADS:
        due = (
            Appointment.objects.filter(
                state=State.CONFIRMED, starts_at__gt=now, starts_at__lte=now + ahead, confirmed_at__lte=now
            )
            .exclude(reminders__lead=lead)
            .select_related("client")
            .order_by("starts_at", "pk")[:SWEEP_BATCH]
        )
        for appointment in due:
            if appointment.confirmed_at > appointment.starts_at - ahead:
                continue  # confirmed within the lead: the confirmation was the reminder
            with transaction.atomic():
                _reminder, created = AppointmentReminder.objects.get_or_create(
                    appointment=appointment, lead=lead, defaults={"sent_at": now}
                )
                if created:
                    AppointmentEvent.objects.create(
                        appointment=appointment,
                        kind=AppointmentEventKind.REMINDER,
                        data={"lead": lead},
                        created_at=now,
                    )
                    notify(appointment.client, notice, appointment)
                    sent += 1
    return sent


def no_shows_mark_due(*, now: datetime.datetime | None = None) -> int:
    """Record as no-shows the confirmed sessions whose counsellor recorded no attendance within the grace."""
    now = now or timezone.now()
    done = 0
    due = Appointment.objects.filter(state=State.CONFIRMED, ends_at__lte=now - ATTENDANCE_GRACE).order_by(
        "pk"
    )
    for appointment in due[:SWEEP_BATCH]:
        try:
            appointment_mark_no_show(appointment=appointment, actor=None, now=now)
        except AppointmentMoveNotAllowed:
            continue  # recorded meanwhile
        done += 1
    return done


def counselling_sweep(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Run every counselling timer once: expire holds, send reminders, record missed sessions, ask for the
    ratings of sessions attended a while ago."""
    from .records import rating_requests_send_due

    now = now or timezone.now()
    return {
        "expired": holds_expire_due(now=now),
        "reminded": reminders_send_due(now=now),
        "no_shows": no_shows_mark_due(now=now),
        "rating_requests": rating_requests_send_due(now=now),
    }


# --- A counsellor no longer bookable ------------------------------------------------------------------------


def counsellors_lapsed_handle(
    *,
    counsellor_ids: Iterable[int],
    now: datetime.datetime | None = None,
    since: datetime.datetime | None = None,
    until: datetime.datetime | None = None,
) -> int:
    """Cancel the future appointments of counsellors who lapsed or were suspended (only those starting from
    ``since`` and before ``until``, when given: a suspension's period), telling each client and offering
    counsellors of the same speciality; return how many. Never the client's no-show."""
    now = now or timezone.now()
    reason = _("The counsellor can no longer hold sessions.")
    done = 0
    future = Appointment.objects.filter(
        counsellor_id__in=list(counsellor_ids),
        state__in=[State.HELD, State.CONFIRMED],
        starts_at__gt=max(now, since) if since else now,
    ).order_by("pk")
    if until is not None:
        future = future.filter(starts_at__lt=until)
    for appointment in future:
        try:
            with transaction.atomic():
                appointment_cancel_by_counsellor(
                    appointment=appointment,
                    reason=reason[:MAX_REASON_LENGTH],
                    actor=None,
                    now=now,
                    notice=NoticeKind.COUNSELLOR_UNAVAILABLE,
                )
                AppointmentEvent.objects.create(
                    appointment=appointment, kind=AppointmentEventKind.COUNSELLOR_LAPSED, created_at=now
                )
        except AppointmentMoveNotAllowed:
            continue
        done += 1
    return done
