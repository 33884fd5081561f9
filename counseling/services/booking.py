"""Booking and the 24-hour rule: hold a slot, confirm it, cancel (free up to 24 h before, a no-show after),
reschedule before the start, record attendance or a no-show, waive a no-show, and the no-show limit.

Refusals raise a ``CounsellingError`` and change nothing: no appointment, no reference number used, no event,
no notice. Two clients racing for one time: the database's exclusion constraint lets one hold it and the
other gets ``SlotTaken`` (409).
"""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.references import reference_allocate

from ..errors import (
    AppointmentMoveNotAllowed,
    BookingNotAllowed,
    CounsellingPermissionDenied,
    CounsellingRuleViolation,
    SlotTaken,
    SlotUnavailable,
    TooManyHolds,
)
from ..models import (
    MAX_REASON_LENGTH,
    REFERENCE_PREFIX,
    Appointment,
    AppointmentEvent,
    AppointmentEventKind,
    BookingRestriction,
    Counsellor,
    NoShowKind,
    State,
    WaiverReason,
)
from ..notices import NoticeKind, notify
from ..permissions import may_handle_counselling
from ..selectors import (
    booking_eligibility,
    counsellors_bookable,
    no_show_policy,
    no_shows_counted,
    penalties_in_force,
    restriction_active,
)
from ..slots import slot_offered
from ..workflow import Transition, appointment_transition

HOLD_DURATION = datetime.timedelta(minutes=10)
# How many unconfirmed holds one client may have at once: enough to weigh two times, too few to sit on a
# counsellor's week.
MAX_OPEN_HOLDS = 2
FREE_CANCELLATION = datetime.timedelta(hours=24)
OVERLAP_CONSTRAINT = "appointment_no_overlap"


def _reason(value: str | None, *, field: str = "reason") -> str:
    text = (value or "").strip()
    if not text:
        raise CounsellingRuleViolation(_("Give a reason."), code="required", field=field)
    if len(text) > MAX_REASON_LENGTH:
        raise CounsellingRuleViolation(
            _("Keep this within %(limit)d characters.") % {"limit": MAX_REASON_LENGTH},
            code="too_long",
            field=field,
        )
    return text


def _require_client(appointment: Appointment, actor: User) -> None:
    if appointment.client_id != actor.pk:
        raise CounsellingPermissionDenied(_("Only the client makes this change to their appointment."))


def _require_counsellor(appointment: Appointment, actor: User) -> None:
    if appointment.counsellor.user_id != actor.pk and not may_handle_counselling(actor):
        raise CounsellingPermissionDenied(_("Only the appointment's counsellor or the counselling desk may."))


def _is_overlap(error: IntegrityError) -> bool:
    return OVERLAP_CONSTRAINT in str(error)


def _expire_stale_holds(*, counsellor: Counsellor, blocked_from, blocked_until, now) -> None:
    """Let the counsellor's holds that ran out and overlap this time expire, so they do not block it."""
    stale = (
        Appointment.objects.select_for_update()
        .filter(counsellor=counsellor, state=State.HELD, hold_expires_at__lte=now)
        .filter(blocked_from__lt=blocked_until, blocked_until__gt=blocked_from)
        .order_by("pk")
    )
    for hold in stale:
        appointment_transition(appointment=hold, transition=Transition.EXPIRE, actor=None)


def _refuse_slot(*, counsellor: Counsellor, starts_at: datetime.datetime, now: datetime.datetime) -> None:
    """Say why a time is not free: booked by someone else (SlotTaken), or never offered (SlotUnavailable)."""
    if slot_offered(counsellor=counsellor, starts_at=starts_at, now=now, booked_count=False) is not None:
        raise SlotTaken()
    raise SlotUnavailable()


def appointment_hold(
    *, counsellor: Counsellor, starts_at: datetime.datetime, actor: User, now: datetime.datetime | None = None
) -> Appointment:
    """Hold one of the counsellor's free slots for the client for ``HOLD_DURATION`` while they confirm.

    Requires the client to be allowed to book (``selectors.booking_eligibility``: BookingNotAllowed with its
    reason), a bookable counsellor and a start that is one of their free slots (SlotUnavailable). Raises
    SlotTaken when another booking holds the time or took it first (the exclusion constraint decides), and
    TooManyHolds when the client already has ``MAX_OPEN_HOLDS`` unexpired holds (their account row is locked
    while counting, so two tabs booking at once cannot pass the count together). Causes the held appointment
    with its timeline event; overlapping holds that had run out expire first.
    """
    now = now or timezone.now()
    eligibility = booking_eligibility(user=actor, now=now)
    if not eligibility.allowed:
        raise BookingNotAllowed(eligibility.message, code=eligibility.reason)
    if not counsellors_bookable().filter(pk=counsellor.pk).exists():
        raise SlotUnavailable(_("This counsellor cannot be booked now."), code="counsellor_unavailable")
    slot = slot_offered(counsellor=counsellor, starts_at=starts_at, now=now)
    if slot is None:
        _refuse_slot(counsellor=counsellor, starts_at=starts_at, now=now)
    if penalties_in_force(now=slot.starts_at).filter(counsellor=counsellor).exists():
        # A suspension that begins later covers this time: the session could not take place.
        raise SlotUnavailable(_("This counsellor cannot be booked now."), code="counsellor_unavailable")
    blocked_from = slot.starts_at - counsellor.buffer_before
    blocked_until = slot.ends_at + counsellor.buffer_after
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=actor.pk).values_list("pk", flat=True).get()
        open_holds = Appointment.objects.filter(client=actor, state=State.HELD, hold_expires_at__gt=now)
        if open_holds.count() >= MAX_OPEN_HOLDS:
            raise TooManyHolds(limit=MAX_OPEN_HOLDS)
        _expire_stale_holds(
            counsellor=counsellor, blocked_from=blocked_from, blocked_until=blocked_until, now=now
        )
        reference = reference_allocate(prefix=REFERENCE_PREFIX, year=timezone.localdate(now).year)
        try:
            with transaction.atomic():
                appointment = Appointment.objects.create(
                    reference=reference,
                    counsellor=counsellor,
                    client=actor,
                    state=State.HELD,
                    starts_at=slot.starts_at,
                    ends_at=slot.ends_at,
                    blocked_from=blocked_from,
                    blocked_until=blocked_until,
                    hold_expires_at=now + HOLD_DURATION,
                    created_at=now,
                )
        except IntegrityError as error:
            if _is_overlap(error):
                raise SlotTaken() from error
            raise
        AppointmentEvent.objects.create(
            appointment=appointment,
            kind=AppointmentEventKind.STATE_CHANGE,
            is_public=True,
            actor=actor,
            to_state=State.HELD,
            data={"transition": "hold"},
            created_at=now,
        )
    return appointment


@transaction.atomic
def appointment_confirm(
    *, appointment: Appointment, actor: User, now: datetime.datetime | None = None
) -> Appointment:
    """Confirm the client's hold: the session is booked, and both are told, with a calendar entry.

    Requires the client, a hold that has not run out (AppointmentMoveNotAllowed ``hold_expired``) and the
    client still allowed to book (BookingNotAllowed). Causes the confirmed appointment, its event, and
    notices to the client and the counsellor (their e-mails carry the .ics).
    """
    now = now or timezone.now()
    _require_client(appointment, actor)
    if appointment.state == State.HELD and appointment.hold_expires_at <= now:
        raise AppointmentMoveNotAllowed(
            _("The hold on this time ran out. Please choose the time again."), code="hold_expired"
        )
    eligibility = booking_eligibility(user=actor, now=now)
    if not eligibility.allowed:
        raise BookingNotAllowed(eligibility.message, code=eligibility.reason)
    confirmed = appointment_transition(
        appointment=appointment, transition=Transition.CONFIRM, actor=actor, changes={"confirmed_at": now}
    )
    notify(confirmed.client, NoticeKind.CONFIRMED, confirmed)
    notify(confirmed.counsellor.user, NoticeKind.BOOKED, confirmed)
    return confirmed


@transaction.atomic
def appointment_cancel(
    *, appointment: Appointment, reason: str, actor: User, now: datetime.datetime | None = None
) -> Appointment:
    """Cancel as the client, with a mandatory reason: free of consequence up to 24 hours before the start,
    recorded as a no-show (失约) after that; refused once the session has started.

    Raises CounsellingRuleViolation on ``reason`` when it is empty, AppointmentMoveNotAllowed after the start
    or from a state that allows no cancelling. Causes the move with its event, a notice to the counsellor,
    and for a late cancellation the no-show notice and, at the limit, a booking restriction.
    """
    now = now or timezone.now()
    _require_client(appointment, actor)
    reason = _reason(reason)
    locked = Appointment.objects.select_for_update().get(pk=appointment.pk)
    if now >= locked.starts_at and locked.state in (State.HELD, State.CONFIRMED):
        raise AppointmentMoveNotAllowed(
            _("The session has started; it can no longer be cancelled."), code="started"
        )
    changes = {"cancelled_at": now, "cancelled_by": actor, "cancellation_reason": reason}
    if locked.state == State.CONFIRMED and locked.starts_at - now < FREE_CANCELLATION:
        moved = appointment_transition(
            appointment=locked,
            transition=Transition.CANCEL_LATE,
            actor=actor,
            body=reason,
            data={"late": True},
            changes={**changes, "no_show_kind": NoShowKind.LATE_CANCELLATION, "no_show_at": now},
        )
        notify(moved.counsellor.user, NoticeKind.CANCELLED, moved)
        notify(moved.client, NoticeKind.NO_SHOW, moved)
        _restriction_check(client=moved.client, latest=moved, now=now)
        return moved
    was_confirmed = locked.state == State.CONFIRMED
    moved = appointment_transition(
        appointment=locked, transition=Transition.CANCEL, actor=actor, body=reason, changes=changes
    )
    if was_confirmed:
        notify(moved.counsellor.user, NoticeKind.CANCELLED, moved)
    return moved


@transaction.atomic
def appointment_cancel_by_counsellor(
    *,
    appointment: Appointment,
    reason: str,
    actor: User | None,
    now: datetime.datetime | None = None,
    notice: NoticeKind = NoticeKind.CANCELLED_BY_COUNSELLOR,
) -> Appointment:
    """Cancel as the counsellor (or the desk), with a reason, before the start: never the client's no-show.

    The client is told and offered another time (the notice links to the counsellor's free slots, or for a
    counsellor no longer bookable to counsellors of the same speciality). ``actor`` None is the platform
    itself (a lapsed qualification). Raises AppointmentMoveNotAllowed after the start.
    """
    now = now or timezone.now()
    if actor is not None:
        _require_counsellor(appointment, actor)
    reason = _reason(reason)
    locked = Appointment.objects.select_for_update().get(pk=appointment.pk)
    if now >= locked.starts_at and locked.state in (State.HELD, State.CONFIRMED):
        raise AppointmentMoveNotAllowed(
            _("The session has started; it can no longer be cancelled."), code="started"
        )
    moved = appointment_transition(
        appointment=locked,
        transition=Transition.CANCEL_BY_COUNSELLOR,
        actor=actor,
        body=reason,
        changes={"cancelled_at": now, "cancelled_by": actor, "cancellation_reason": reason},
    )
    notify(moved.client, notice, moved)
    return moved


@transaction.atomic
def appointment_reschedule(
    *,
    appointment: Appointment,
    starts_at: datetime.datetime,
    actor: User,
    now: datetime.datetime | None = None,
) -> Appointment:
    """Move the client's appointment to another free slot of the same counsellor.

    Allowed for a hold, and for a confirmed session up to 24 hours before its start (later, cancelling is a
    no-show, and moving is no way around it); never after the start (AppointmentMoveNotAllowed). Raises
    SlotUnavailable for a time that is not free, SlotTaken when another booking takes it first. Causes the
    new times with a "rescheduled" event and, for a confirmed session, the confirmation with its new
    calendar entry to both.
    """
    now = now or timezone.now()
    _require_client(appointment, actor)
    locked = Appointment.objects.select_for_update().select_related("counsellor").get(pk=appointment.pk)
    if locked.state not in (State.HELD, State.CONFIRMED):
        raise AppointmentMoveNotAllowed()
    if now >= locked.starts_at:
        raise AppointmentMoveNotAllowed(
            _("The session has started; it can no longer be moved."), code="started"
        )
    if locked.state == State.CONFIRMED and locked.starts_at - now < FREE_CANCELLATION:
        raise AppointmentMoveNotAllowed(
            _("Less than 24 hours before the start a session can no longer be moved."), code="too_late"
        )
    counsellor = locked.counsellor
    slot = slot_offered(counsellor=counsellor, starts_at=starts_at, now=now)
    if slot is None:
        _refuse_slot(counsellor=counsellor, starts_at=starts_at, now=now)
    previous = locked.starts_at
    locked.starts_at, locked.ends_at = slot.starts_at, slot.ends_at
    locked.blocked_from = slot.starts_at - counsellor.buffer_before
    locked.blocked_until = slot.ends_at + counsellor.buffer_after
    try:
        with transaction.atomic():
            locked.save(update_fields=["starts_at", "ends_at", "blocked_from", "blocked_until"])
    except IntegrityError as error:
        if _is_overlap(error):
            raise SlotTaken() from error
        raise
    locked.reminders.all().delete()
    AppointmentEvent.objects.create(
        appointment=locked,
        kind=AppointmentEventKind.RESCHEDULED,
        is_public=True,
        actor=actor,
        data={"from": previous.isoformat(), "to": locked.starts_at.isoformat()},
        created_at=now,
    )
    if locked.state == State.CONFIRMED:
        notify(locked.client, NoticeKind.CONFIRMED, locked)
        notify(counsellor.user, NoticeKind.BOOKED, locked)
    return locked


@transaction.atomic
def appointment_complete(
    *, appointment: Appointment, actor: User, now: datetime.datetime | None = None
) -> Appointment:
    """Record, as the counsellor, that the client attended; possible from the start of the session on."""
    now = now or timezone.now()
    _require_counsellor(appointment, actor)
    if now < appointment.starts_at:
        raise AppointmentMoveNotAllowed(
            _("A session is recorded as attended once it has started."), code="not_started"
        )
    return appointment_transition(
        appointment=appointment, transition=Transition.COMPLETE, actor=actor, changes={"completed_at": now}
    )


@transaction.atomic
def appointment_mark_no_show(
    *, appointment: Appointment, actor: User | None, now: datetime.datetime | None = None
) -> Appointment:
    """Record that the client did not attend, after the end of the session (the counsellor, or the sweep
    with ``actor`` None). Causes the no-show notice and, at the limit, a booking restriction."""
    now = now or timezone.now()
    if actor is not None:
        _require_counsellor(appointment, actor)
    if now < appointment.ends_at:
        raise AppointmentMoveNotAllowed(
            _("A no-show is recorded after the end of the session."), code="not_ended"
        )
    moved = appointment_transition(
        appointment=appointment,
        transition=Transition.MARK_NO_SHOW,
        actor=actor,
        changes={"no_show_kind": NoShowKind.NOT_ATTENDED, "no_show_at": now},
    )
    notify(moved.client, NoticeKind.NO_SHOW, moved)
    _restriction_check(client=moved.client, latest=moved, now=now)
    return moved


@transaction.atomic
def appointment_waive_no_show(
    *,
    appointment: Appointment,
    reason_code: str,
    note: str = "",
    actor: User,
    now: datetime.datetime | None = None,
) -> Appointment:
    """Waive a no-show, as the counselling desk, with a reason code (illness, emergency, platform fault).

    Raises CounsellingPermissionDenied for anyone else and CounsellingRuleViolation on ``reason_code`` when
    it is missing or unknown. Causes the waived no-show with its event and a notice to the client; a booking
    restriction that the no-show helped cause is lifted when the client is back under the limit.
    """
    now = now or timezone.now()
    if not may_handle_counselling(actor):
        raise CounsellingPermissionDenied(_("No-shows are waived by the counselling desk."))
    if reason_code not in WaiverReason.values:
        raise CounsellingRuleViolation(
            _("Choose the reason for the waiver."), code="waiver_reason_required", field="reason_code"
        )
    note = (note or "").strip()[:MAX_REASON_LENGTH]
    moved = appointment_transition(
        appointment=appointment,
        transition=Transition.WAIVE,
        actor=actor,
        body=note,
        data={"reason_code": reason_code},
        changes={"waiver_reason": reason_code, "waiver_note": note, "waived_by": actor, "waived_at": now},
    )
    notify(moved.client, NoticeKind.WAIVED, moved)
    restriction = restriction_active(client=moved.client, now=now)
    if restriction is not None and no_shows_counted(client=moved.client, now=now) < no_show_policy().no_shows:
        _restriction_lift(restriction, actor=actor, reason=_("A no-show was waived."), now=now)
    return moved


def _restriction_lift(restriction: BookingRestriction, *, actor: User, reason: str, now) -> None:
    restriction.lifted_at = now
    restriction.lifted_by = actor
    restriction.lift_reason = reason
    restriction.save(update_fields=["lifted_at", "lifted_by", "lift_reason"])


def _restriction_check(*, client: User, latest: Appointment, now) -> BookingRestriction | None:
    """At the no-show limit, limit the client's new bookings for the policy's days and tell them."""
    policy = no_show_policy()
    User.objects.select_for_update().filter(pk=client.pk).get()  # one restriction per client at a time
    if restriction_active(client=client, now=now) is not None:
        return None
    count = no_shows_counted(client=client, now=now)
    if count < policy.no_shows:
        return None
    restriction = BookingRestriction.objects.create(
        client=client,
        starts_at=now,
        ends_at=now + datetime.timedelta(days=policy.restriction_days),
        no_show_count=count,
        last_no_show=latest,
    )
    notify(client, NoticeKind.RESTRICTED, latest)
    return restriction
