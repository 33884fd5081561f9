"""Booking, the 24-hour rule, no-shows, waivers, the no-show limit and its appeals."""

import datetime

import pytest
from django.core import mail
from django.db import IntegrityError, transaction

from accounts.tests.factories import GuardianshipFactory, LearnerFactory
from counseling.errors import (
    AppointmentMoveNotAllowed,
    BookingNotAllowed,
    CounsellingRuleViolation,
    SlotTaken,
    SlotUnavailable,
)
from counseling.models import (
    Appointment,
    AppointmentEvent,
    BookingRestriction,
    NoShowKind,
    RestrictionAppeal,
    State,
)
from counseling.selectors import Refusal, booking_eligibility
from counseling.services import (
    appointment_cancel,
    appointment_cancel_by_counsellor,
    appointment_confirm,
    appointment_hold,
    appointment_mark_no_show,
    appointment_waive_no_show,
    minor_counselling_consent_give,
    minor_counselling_consent_withdraw,
    restriction_appeal_decide,
    restriction_appeal_file,
)
from notifications.models import Notification
from notifications.services import notifications_deliver_due

from .conftest import at
from .factories import AppointmentFactory, ClientFactory, verify_client

pytestmark = pytest.mark.django_db


def book(counsellor, client, starts_at):
    return appointment_confirm(
        appointment=appointment_hold(counsellor=counsellor, starts_at=starts_at, actor=client), actor=client
    )


def test_a_verified_client_holds_then_confirms_and_both_are_told_with_a_calendar_entry(
    clock, counsellor, client_user
):
    held = appointment_hold(counsellor=counsellor, starts_at=at(1, 10), actor=client_user)
    assert (held.state, held.hold_expires_at) == (State.HELD, at(0, 8, 10))
    assert (held.blocked_from, held.blocked_until) == (at(1, 10), at(1, 11))
    assert not Notification.objects.exists()

    confirmed = appointment_confirm(appointment=held, actor=client_user)

    assert confirmed.state == State.CONFIRMED
    assert list(AppointmentEvent.objects.filter(appointment=held).values_list("to_state", flat=True)) == [
        State.HELD,
        State.CONFIRMED,
    ]
    kinds = set(Notification.objects.values_list("recipient_id", "kind"))
    assert kinds == {
        (client_user.pk, "counselling_confirmed"),
        (counsellor.user_id, "counselling_booked"),
    }
    notifications_deliver_due()
    to_client = next(message for message in mail.outbox if message.to == [client_user.email])
    ((name, content, mimetype),) = to_client.attachments
    assert (name, mimetype) == (f"{held.reference}.ics", "text/calendar")
    assert "DTSTART:20261208T020000Z" in content and f"UID:{held.reference}@" in content


@pytest.mark.parametrize(
    ("prepare", "reason"),
    [
        (lambda user: None, Refusal.IDENTITY_REQUIRED),
        (lambda user: verify_client(user, records_consent=False), Refusal.RECORDS_CONSENT_REQUIRED),
        (lambda user: verify_client(user, born=datetime.date(2014, 1, 1)), Refusal.GUARDIAN_CONSENT_REQUIRED),
    ],
    ids=["unverified", "no records consent", "minor without guardian consent"],
)
def test_who_may_not_book_is_refused_with_the_reason_and_nothing_is_written(
    clock, counsellor, prepare, reason
):
    user = LearnerFactory()
    prepare(user)
    assert booking_eligibility(user=user).reason == reason

    with pytest.raises(BookingNotAllowed) as refused:
        appointment_hold(counsellor=counsellor, starts_at=at(1, 10), actor=user)

    assert refused.value.code == reason
    assert not Appointment.objects.exists()
    assert not Notification.objects.exists()


def test_a_minor_books_once_a_guardian_consents_and_not_after_it_is_withdrawn(clock, counsellor):
    link = GuardianshipFactory()
    minor = link.learner
    verify_client(minor, born=datetime.date(2013, 6, 1))  # 13 years old
    assert booking_eligibility(user=minor).reason == Refusal.GUARDIAN_CONSENT_REQUIRED

    minor_counselling_consent_give(learner=minor, actor=link.guardian)
    assert booking_eligibility(user=minor).allowed
    appointment_hold(counsellor=counsellor, starts_at=at(1, 10), actor=minor)

    minor_counselling_consent_withdraw(learner=minor, actor=link.guardian)
    assert booking_eligibility(user=minor).reason == Refusal.GUARDIAN_CONSENT_REQUIRED


def test_a_minor_cannot_consent_for_themself_nor_a_stranger_for_them(clock):
    minor = LearnerFactory()
    verify_client(minor, born=datetime.date(2013, 6, 1))
    from counseling.errors import CounsellingPermissionDenied

    with pytest.raises(CounsellingPermissionDenied):
        minor_counselling_consent_give(learner=minor, actor=minor)
    with pytest.raises(CounsellingPermissionDenied):
        minor_counselling_consent_give(learner=minor, actor=LearnerFactory())
    assert booking_eligibility(user=minor).reason == Refusal.GUARDIAN_CONSENT_REQUIRED


def test_a_time_that_is_not_a_free_slot_is_refused(clock, counsellor, client_user):
    for starts_at in (at(1, 10, 30), at(0, 9), at(1, 17)):  # off the grid, within the notice, after hours
        with pytest.raises(SlotUnavailable):
            appointment_hold(counsellor=counsellor, starts_at=starts_at, actor=client_user)
    assert not Appointment.objects.exists()


def test_a_held_slot_is_not_offered_and_an_expired_hold_frees_it(clock, counsellor, client_user):
    first = appointment_hold(counsellor=counsellor, starts_at=at(1, 10), actor=client_user)
    other = ClientFactory()
    with pytest.raises(SlotTaken):
        appointment_hold(counsellor=counsellor, starts_at=at(1, 10), actor=other)

    clock.shift(datetime.timedelta(minutes=10, seconds=1))
    second = appointment_hold(counsellor=counsellor, starts_at=at(1, 10), actor=other)

    first.refresh_from_db()
    assert (first.state, second.state) == (State.EXPIRED, State.HELD)
    with pytest.raises(AppointmentMoveNotAllowed) as late:
        appointment_confirm(appointment=first, actor=client_user)
    assert late.value.code == "transition_not_allowed"


def test_a_hold_that_ran_out_cannot_be_confirmed(clock, counsellor, client_user):
    held = appointment_hold(counsellor=counsellor, starts_at=at(1, 10), actor=client_user)
    clock.shift(datetime.timedelta(minutes=11))
    with pytest.raises(AppointmentMoveNotAllowed) as refused:
        appointment_confirm(appointment=held, actor=client_user)
    assert refused.value.code == "hold_expired"
    held.refresh_from_db()
    assert held.state == State.HELD and not Notification.objects.exists()


def test_the_database_refuses_overlapping_appointments_of_one_counsellor_whatever_the_path(counsellor):
    existing = AppointmentFactory(counsellor=counsellor)
    overlapping = {
        "reference": "ZX-2026-999001",
        "counsellor": counsellor,
        "client": ClientFactory(),
        "state": State.CONFIRMED,
        # A different slot that starts in the first one's buffer after.
        "starts_at": existing.ends_at + datetime.timedelta(minutes=5),
        "ends_at": existing.ends_at + datetime.timedelta(minutes=55),
        "blocked_from": existing.ends_at + datetime.timedelta(minutes=5),
        "blocked_until": existing.ends_at + datetime.timedelta(minutes=65),
    }
    with pytest.raises(IntegrityError, match="appointment_no_overlap"), transaction.atomic():
        Appointment.objects.create(**overlapping)
    # Cancelled appointments do not block; nor does another counsellor's time.
    Appointment.objects.filter(pk=existing.pk).update(state=State.CANCELLED, cancellation_reason="生病")
    Appointment.objects.create(**overlapping)
    AppointmentFactory(starts_at=existing.starts_at)


@pytest.mark.parametrize(
    ("before_start", "state", "counted"),
    [
        (datetime.timedelta(hours=24, minutes=1), State.CANCELLED, ""),
        (datetime.timedelta(hours=24), State.CANCELLED, ""),
        (datetime.timedelta(hours=23, minutes=59), State.NO_SHOW, NoShowKind.LATE_CANCELLATION),
    ],
    ids=["24 h + 1 min: free", "exactly 24 h: free", "24 h - 1 min: no-show"],
)
def test_cancelling_up_to_24_hours_before_is_free_and_later_a_no_show(
    clock, counsellor, client_user, before_start, state, counted
):
    appointment = book(counsellor, client_user, at(2, 10))
    clock.move_to(at(2, 10) - before_start)
    Notification.objects.all().delete()

    cancelled = appointment_cancel(appointment=appointment, reason="临时有课", actor=client_user)

    assert (cancelled.state, cancelled.no_show_kind, cancelled.cancellation_reason) == (
        state,
        counted,
        "临时有课",
    )
    kinds = set(Notification.objects.values_list("recipient_id", "kind"))
    told = {(counsellor.user_id, "counselling_cancelled")}
    if state == State.NO_SHOW:
        told.add((client_user.pk, "counselling_no_show"))
    assert kinds == told


def test_cancelling_needs_a_reason_and_is_refused_after_the_start(clock, counsellor, client_user):
    appointment = book(counsellor, client_user, at(1, 10))
    Notification.objects.all().delete()
    with pytest.raises(CounsellingRuleViolation) as empty:
        appointment_cancel(appointment=appointment, reason="  ", actor=client_user)
    assert empty.value.field == "reason"
    clock.move_to(at(1, 10, 1))
    with pytest.raises(AppointmentMoveNotAllowed) as started:
        appointment_cancel(appointment=appointment, reason="忘了", actor=client_user)
    assert started.value.code == "started"
    appointment.refresh_from_db()
    assert appointment.state == State.CONFIRMED and not Notification.objects.exists()


def test_a_counsellor_cancelling_is_never_the_clients_no_show(clock, counsellor, client_user):
    appointment = book(counsellor, client_user, at(0, 14))  # six hours away: a client would be late
    Notification.objects.all().delete()

    cancelled = appointment_cancel_by_counsellor(
        appointment=appointment, reason="身体不适", actor=counsellor.user
    )

    assert (cancelled.state, cancelled.no_show_kind) == (State.CANCELLED_BY_COUNSELLOR, "")
    assert set(Notification.objects.values_list("recipient_id", "kind")) == {
        (client_user.pk, "counselling_cancelled_by_counsellor")
    }
    assert booking_eligibility(user=client_user).allowed


def test_a_waiver_needs_a_reason_code_from_the_desk(clock, counsellor, client_user, desk):
    appointment = book(counsellor, client_user, at(0, 10))
    clock.move_to(at(0, 11))
    no_show = appointment_mark_no_show(appointment=appointment, actor=counsellor.user)
    assert (no_show.state, no_show.no_show_kind) == (State.NO_SHOW, NoShowKind.NOT_ATTENDED)

    from counseling.errors import CounsellingPermissionDenied

    with pytest.raises(CounsellingPermissionDenied):
        appointment_waive_no_show(appointment=no_show, reason_code="illness", actor=counsellor.user)
    for missing in ("", "holiday"):
        with pytest.raises(CounsellingRuleViolation) as refused:
            appointment_waive_no_show(appointment=no_show, reason_code=missing, actor=desk)
        assert refused.value.field == "reason_code"
    no_show.refresh_from_db()
    assert no_show.state == State.NO_SHOW

    waived = appointment_waive_no_show(appointment=no_show, reason_code="illness", note="病假条", actor=desk)
    assert (waived.state, waived.waiver_reason, waived.waived_by) == (State.NO_SHOW_WAIVED, "illness", desk)
    assert AppointmentEvent.objects.filter(
        appointment=waived, to_state=State.NO_SHOW_WAIVED, actor=desk
    ).exists()


def test_three_no_shows_in_90_days_limit_new_bookings_until_the_restriction_ends(
    clock, counsellor, client_user
):
    appointments = [book(counsellor, client_user, at(day, 10)) for day in range(3)]
    for day, appointment in enumerate(appointments):
        clock.move_to(at(day, 11))
        appointment_mark_no_show(appointment=appointment, actor=counsellor.user)
        restricted = BookingRestriction.objects.filter(client=client_user)
        assert restricted.exists() == (day == 2)

    restriction = BookingRestriction.objects.get(client=client_user)
    assert (restriction.no_show_count, restriction.ends_at) == (3, at(2, 11) + datetime.timedelta(days=30))
    assert Notification.objects.filter(recipient=client_user, kind="counselling_restricted").exists()
    with pytest.raises(BookingNotAllowed) as refused:
        appointment_hold(counsellor=counsellor, starts_at=at(3, 10), actor=client_user)
    assert refused.value.code == Refusal.RESTRICTED

    clock.move_to(at(32, 11))
    assert booking_eligibility(user=client_user).allowed


def test_an_appeal_granted_by_the_desk_lifts_the_restriction(clock, counsellor, client_user, desk):
    for day in range(3):
        appointment = book(counsellor, client_user, at(day, 10))
        clock.move_to(at(day, 11))
        appointment_mark_no_show(appointment=appointment, actor=None)
    restriction = BookingRestriction.objects.get(client=client_user)

    appeal = restriction_appeal_file(restriction=restriction, text="那几天住院了", actor=client_user)
    with pytest.raises(AppointmentMoveNotAllowed):
        restriction_appeal_file(restriction=restriction, text="再次申诉", actor=client_user)
    with pytest.raises(CounsellingRuleViolation):
        restriction_appeal_decide(appeal=appeal, grant=True, note="", actor=desk)

    decided = restriction_appeal_decide(appeal=appeal, grant=True, note="有住院证明", actor=desk)

    restriction.refresh_from_db()
    assert decided.state == RestrictionAppeal.State.GRANTED
    assert (restriction.lifted_by, restriction.lift_reason) == (desk, "有住院证明")
    assert booking_eligibility(user=client_user).allowed


def test_waiving_a_no_show_below_the_limit_lifts_the_restriction(clock, counsellor, client_user, desk):
    missed = []
    for day in range(3):
        appointment = book(counsellor, client_user, at(day, 10))
        clock.move_to(at(day, 11))
        missed.append(appointment_mark_no_show(appointment=appointment, actor=None))
    assert not booking_eligibility(user=client_user).allowed

    appointment_waive_no_show(appointment=missed[0], reason_code="platform_fault", actor=desk)

    assert booking_eligibility(user=client_user).allowed
    assert BookingRestriction.objects.get(client=client_user).lifted_by == desk
