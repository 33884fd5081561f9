"""Who may be booked, what their hours offer, the sweeps, and a counsellor whose certificate lapses."""

import datetime

import pytest
from django.contrib.auth.models import Permission

from accounts.tests.factories import StaffFactory
from counseling.errors import CounsellingRuleViolation
from counseling.models import AppointmentReminder, AvailabilityException, State
from counseling.selectors import counsellor_free_slots, counsellors_bookable, counsellors_find
from counseling.services import (
    appointment_confirm,
    appointment_hold,
    availability_exception_add,
    counselling_sweep,
    weekly_hours_replace,
)
from notifications.messages import notice_render
from notifications.models import Notification
from qualifications.services import Transition, qualification_decide, qualifications_lapse_sweep
from ratings.registry import rated_subject_get

from .conftest import NOW, at
from .factories import ClientFactory, CounsellorFactory, SpecialityFactory

pytestmark = pytest.mark.django_db


def starts(slots):
    return [slot.starts_at for slot in slots]


def test_only_active_unsuspended_qualified_counsellors_are_bookable(clock):
    bookable = CounsellorFactory()
    CounsellorFactory(is_active=False)
    CounsellorFactory(is_suspended=True, suspended_reason="投诉调查中")
    CounsellorFactory(qualified=False)
    assert list(counsellors_bookable()) == [bookable]


def test_the_find_page_filters_by_speciality_and_language(clock, speciality):
    family = SpecialityFactory(code="family")
    anxious = CounsellorFactory(specialities=[speciality], languages=["zh", "en"])
    CounsellorFactory(specialities=[family], languages=["zh"])
    assert list(counsellors_find(speciality="anxiety")) == [anxious]
    assert list(counsellors_find(language="en")) == [anxious]
    assert counsellors_find(speciality="family", language="en").count() == 0


def test_free_slots_follow_hours_buffers_notice_and_bookings(clock, counsellor, client_user):
    # 09:00–17:00 with 50 minutes and 10 after: a slot every hour, the last at 16:00; two hours' notice.
    today = counsellor_free_slots(counsellor=counsellor, first=NOW.date(), last=NOW.date())
    assert starts(today) == [at(0, hour) for hour in range(10, 17)]
    appointment_confirm(
        appointment=appointment_hold(counsellor=counsellor, starts_at=at(1, 10), actor=client_user),
        actor=client_user,
    )
    tomorrow = counsellor_free_slots(counsellor=counsellor, first=at(1, 0).date(), last=at(1, 0).date())
    assert (
        at(1, 10) not in starts(tomorrow) and at(1, 9) in starts(tomorrow) and at(1, 11) in starts(tomorrow)
    )


def test_exceptions_take_days_off_and_add_extra_hours_in_the_counsellors_time_zone(clock):
    counsellor = CounsellorFactory(
        hours=[(1, datetime.time(9), datetime.time(11))], time_zone="Europe/London"
    )
    tuesday = at(1, 0).date()
    assert [
        slot.starts_at.isoformat()
        for slot in counsellor_free_slots(counsellor=counsellor, first=tuesday, last=tuesday)
    ] == [
        "2026-12-08T09:00:00+00:00",
        "2026-12-08T10:00:00+00:00",
    ]
    availability_exception_add(
        counsellor=counsellor,
        day=tuesday,
        kind="day_off",
        starts=datetime.time(10),
        ends=datetime.time(11),
        actor=counsellor.user,
    )
    availability_exception_add(
        counsellor=counsellor,
        day=tuesday,
        kind="extra_hours",
        starts=datetime.time(14),
        ends=datetime.time(15),
        actor=counsellor.user,
    )
    assert [
        s.starts_at.hour for s in counsellor_free_slots(counsellor=counsellor, first=tuesday, last=tuesday)
    ] == [9, 14]
    availability_exception_add(
        counsellor=counsellor, day=tuesday, kind="day_off", starts=None, ends=None, actor=counsellor.user
    )
    assert [
        s.starts_at.hour for s in counsellor_free_slots(counsellor=counsellor, first=tuesday, last=tuesday)
    ] == [14]


def test_availability_edits_refuse_bad_hours_and_strangers(clock, counsellor):
    with pytest.raises(CounsellingRuleViolation):
        weekly_hours_replace(
            counsellor=counsellor,
            hours=[(0, datetime.time(9), datetime.time(12)), (0, datetime.time(11), datetime.time(13))],
            actor=counsellor.user,
        )
    with pytest.raises(CounsellingRuleViolation):
        availability_exception_add(
            counsellor=counsellor,
            day=NOW.date(),
            kind="extra_hours",
            starts=None,
            ends=None,
            actor=counsellor.user,
        )
    from counseling.errors import CounsellingPermissionDenied

    with pytest.raises(CounsellingPermissionDenied):
        weekly_hours_replace(counsellor=counsellor, hours=[], actor=ClientFactory())
    assert counsellor.weekly_hours.count() == 7 and not AvailabilityException.objects.exists()


def test_the_sweep_expires_holds_reminds_once_per_lead_and_records_missed_sessions(
    clock, counsellor, client_user
):
    stale = appointment_hold(counsellor=counsellor, starts_at=at(0, 12), actor=client_user)
    confirmed = appointment_confirm(
        appointment=appointment_hold(counsellor=counsellor, starts_at=at(1, 16), actor=client_user),
        actor=client_user,
    )
    clock.move_to(at(0, 16, 30))  # the session starts in 23.5 hours
    assert counselling_sweep() == {"expired": 1, "reminded": 1, "no_shows": 0, "rating_requests": 0}
    assert counselling_sweep() == {"expired": 0, "reminded": 0, "no_shows": 0, "rating_requests": 0}
    clock.move_to(at(1, 15, 30))
    assert counselling_sweep()["reminded"] == 1
    assert set(AppointmentReminder.objects.values_list("lead", flat=True)) == {"24h", "1h"}
    reminders = Notification.objects.filter(
        recipient=client_user, kind__startswith="counselling_reminder", channel="in_app"
    )
    assert reminders.count() == 2
    clock.move_to(at(2, 17))  # a day after the end, and the counsellor recorded nothing
    assert counselling_sweep()["no_shows"] == 1
    stale.refresh_from_db()
    confirmed.refresh_from_db()
    assert (stale.state, confirmed.state) == (State.EXPIRED, State.NO_SHOW)


def test_a_lapsed_certificate_hides_the_counsellor_at_once_and_their_clients_are_offered_another(
    clock, counsellor, client_user, speciality
):
    from qualifications.models import Qualification

    Qualification.objects.filter(holder_id=counsellor.pk).update(valid_until=at(3, 0).date())
    appointment = appointment_confirm(
        appointment=appointment_hold(counsellor=counsellor, starts_at=at(5, 10), actor=client_user),
        actor=client_user,
    )
    clock.move_to(at(4, 9))  # the day after its last valid day: hidden by the query, before any sweep
    assert counsellor not in counsellors_bookable()
    assert counsellors_find(speciality="anxiety").count() == 0
    appointment.refresh_from_db()
    assert appointment.state == State.CONFIRMED

    qualifications_lapse_sweep()

    appointment.refresh_from_db()
    assert (appointment.state, appointment.no_show_kind) == (State.CANCELLED_BY_COUNSELLOR, "")
    notice = Notification.objects.get(
        recipient=client_user, kind="counselling_counsellor_unavailable", channel="in_app"
    )
    rendered = notice_render(kind=notice.kind, context=notice.context, language="zh-hans")
    assert rendered.path == "/counselling/?speciality=anxiety"


def test_a_suspended_certificate_cancels_future_sessions_through_on_lapse(clock, counsellor, client_user):
    appointment = appointment_confirm(
        appointment=appointment_hold(counsellor=counsellor, starts_at=at(2, 10), actor=client_user),
        actor=client_user,
    )
    reviewer = StaffFactory()
    reviewer.user_permissions.add(Permission.objects.get(codename="vet_qualification"))
    from qualifications.models import Qualification

    qualification_decide(
        qualification=Qualification.objects.get(holder_id=counsellor.pk),
        actor=type(reviewer).objects.get(pk=reviewer.pk),
        transition=Transition.SUSPEND,
        reason="资格证被吊销",
    )
    appointment.refresh_from_db()
    assert appointment.state == State.CANCELLED_BY_COUNSELLOR
    assert not counsellors_bookable().filter(pk=counsellor.pk).exists()


def test_counsellors_are_rated_subjects_answered_by_themselves(counsellor):
    from counseling.models import Counsellor

    subject = rated_subject_get(Counsellor)
    assert list(subject.repliers(counsellor.pk)) == [counsellor.user_id]
