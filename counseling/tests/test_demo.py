"""The demo's counselling: bookable counsellors, a learner who may book at once, a confirmed session and a
late cancellation recorded as a no-show; seeding again changes nothing."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import User
from counseling.models import Appointment, NoShowKind, State
from counseling.selectors import booking_eligibility, counsellor_free_slots, counsellors_bookable
from notifications.models import Notification

pytestmark = pytest.mark.django_db


def _appointments() -> list:
    return sorted(
        Appointment.objects.values_list("reference", "counsellor__public_name", "client__email", "state")
    )


def test_the_demo_books_at_once_and_shows_a_confirmed_session_and_a_late_no_show(capsys):
    call_command("seed_demo", verbosity=0)
    first = _appointments()
    call_command("seed_demo", verbosity=0)
    assert _appointments() == first

    bookable = list(counsellors_bookable())
    assert {counsellor.public_name for counsellor in bookable} == {"林咨询师", "周咨询师", "吴咨询师"}
    for counsellor in bookable:
        assert counsellor.specialities.exists() and counsellor.weekly_hours.exists(), counsellor
    learner = User.objects.get(email="learner@demo.edu.cn")
    assert booking_eligibility(user=learner).allowed
    assert [(email, state) for _reference, _name, email, state in first] == [
        ("learner@demo.edu.cn", State.NO_SHOW),
        ("learner@demo.edu.cn", State.CONFIRMED),
    ]
    no_show = Appointment.objects.get(state=State.NO_SHOW)
    assert no_show.no_show_kind == NoShowKind.LATE_CANCELLATION
    assert datetime.timedelta(0) < no_show.starts_at - no_show.cancelled_at < datetime.timedelta(hours=24)
    assert no_show.starts_at < timezone.now()
    confirmed = Appointment.objects.get(state=State.CONFIRMED)
    assert confirmed.starts_at > timezone.now()
    assert Notification.objects.filter(recipient=learner, kind="counselling_confirmed").exists()
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    assert counsellor_free_slots(counsellor=confirmed.counsellor, first=tomorrow, last=tomorrow)
    # only the demo's own counsellor logs in; the others are profiles without a password
    assert not User.objects.get(counsellor__public_name="周咨询师").has_usable_password()
