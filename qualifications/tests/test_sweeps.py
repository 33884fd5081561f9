"""The daily sweeps: reminders at 90, 60 and 30 days, once each; a lapse acted on once, with time frozen."""

import datetime

import pytest

from notifications.models import Notification
from qualifications.models import QualificationEvent, QualificationReminder
from qualifications.services import qualification_reminders_send, qualifications_lapse_sweep
from qualifications.tasks import qualifications_sweep_task

from .conftest import TODAY, row, verified

pytestmark = pytest.mark.django_db


def _days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


def _reminded(person) -> list[str]:
    return sorted(
        n.context["due_at"] + f"@{n.created_at.date()}"
        for n in Notification.objects.filter(recipient=person, kind="qualification_lapsing", channel="in_app")
    )


def test_each_threshold_is_reminded_once_over_a_hundred_days_of_sweeps(
    mentor, licence, reviewer, time_machine
):
    verified(mentor, licence, reviewer=reviewer, valid_until=_days(100))

    days_sent = []
    for day in range(101):
        time_machine.move_to(datetime.datetime.combine(_days(day), datetime.time(2, 0), tzinfo=datetime.UTC))
        if qualification_reminders_send(today=_days(day)):
            days_sent.append(day)
        qualification_reminders_send(today=_days(day))  # a second sweep the same day reminds of nothing

    assert days_sent == [10, 40, 70]  # 90, 60 and 30 days before the last valid day
    assert sorted(QualificationReminder.objects.values_list("days_before", flat=True)) == [30, 60, 90]
    assert len(_reminded(mentor.user)) == 3
    reviewers_told = Notification.objects.filter(
        recipient=reviewer, kind="qualification_lapsing_reviewers", channel="in_app"
    )
    assert reviewers_told.count() == 3


def test_first_seen_past_a_threshold_it_gets_that_one_only(mentor, licence, reviewer):
    verified(mentor, licence, reviewer=reviewer, valid_until=_days(45))

    assert qualification_reminders_send(today=TODAY) == 1
    assert list(QualificationReminder.objects.values_list("days_before", flat=True)) == [60]
    assert qualification_reminders_send(today=_days(14)) == 0  # 31 days left
    assert qualification_reminders_send(today=_days(15)) == 1  # 30 days left


def test_a_renewed_certificate_stops_the_reminders(mentor, licence, reviewer):
    verified(mentor, licence, reviewer=reviewer, valid_until=_days(20))
    verified(mentor, licence, reviewer=reviewer, valid_until=_days(800))

    assert qualification_reminders_send(today=TODAY) == 0
    assert not QualificationReminder.objects.exists()


def test_a_lapse_is_acted_on_once_the_day_after_the_last_valid_day(mentor, licence, reviewer, _lapses):
    qualification = verified(mentor, licence, reviewer=reviewer, valid_until=_days(3))

    assert qualifications_lapse_sweep(today=_days(3)) == 0
    assert _lapses == []

    assert qualifications_lapse_sweep(today=_days(4)) == 1
    assert qualifications_lapse_sweep(today=_days(5)) == 0

    assert _lapses == [[mentor.pk]]
    assert row(qualification)["lapse_handled_at"] is not None
    assert list(
        QualificationEvent.objects.filter(qualification=qualification, kind="expired").values_list(
            "actor", flat=True
        )
    ) == [None]
    assert Notification.objects.filter(recipient=mentor.user, kind="qualification_lapsed").exists()


def test_a_lapse_covered_by_a_renewal_tells_nobody(mentor, licence, reviewer, _lapses):
    verified(mentor, licence, reviewer=reviewer, valid_until=_days(3))
    verified(mentor, licence, reviewer=reviewer, valid_until=_days(700))

    assert qualifications_lapse_sweep(today=_days(4)) == 1
    assert _lapses == []
    assert not Notification.objects.filter(kind="qualification_lapsed").exists()


def test_the_beat_task_runs_both_sweeps(mentor, licence, reviewer, time_machine, _lapses):
    verified(mentor, licence, reviewer=reviewer, valid_until=_days(2))
    time_machine.move_to(datetime.datetime.combine(_days(3), datetime.time(2, 0), tzinfo=datetime.UTC))

    assert qualifications_sweep_task() == {"lapsed": 1, "reminded": 0}
    assert qualifications_sweep_task() == {"lapsed": 0, "reminded": 0}
    assert _lapses == [[mentor.pk]]
