import datetime

import pytest
from django.utils import timezone

from accounts.roles import Role
from accounts.tests.factories import StaffFactory
from notifications.messages import notice_render
from notifications.models import Notification
from reviews.models import ReviewKind, ReviewReminder
from reviews.notices import REVIEW_DUE_SOON, REVIEW_OVERDUE
from reviews.services import review_reminders_send
from reviews.tasks import review_reminders_task

from .factories import ManagerFactory, ReviewFactory, ReviewScheduleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _only_the_tests_schedules(no_standing_schedules):
    pass


def today() -> datetime.date:
    return timezone.localdate()


def in_app(kind: str) -> list[int]:
    return sorted(
        Notification.objects.filter(kind=kind, channel="in_app").values_list("recipient_id", flat=True)
    )


def test_a_review_due_within_its_notice_is_reminded_once_however_often_the_sweep_runs():
    manager, other_manager = ManagerFactory(), ManagerFactory()
    StaffFactory(roles=[Role.AGENT])
    schedule = ReviewScheduleFactory(first_due_on=today() + datetime.timedelta(days=5), remind_days_before=14)

    first = review_reminders_send()
    second = review_reminders_task()

    assert (first, second) == (1, 0)
    reminder = ReviewReminder.objects.get()
    assert (reminder.schedule, reminder.due_on, reminder.level) == (
        schedule,
        schedule.first_due_on,
        "due_soon",
    )
    assert reminder.recipients == 2
    assert in_app(REVIEW_DUE_SOON) == sorted([manager.pk, other_manager.pk])


def test_a_review_not_yet_within_its_notice_is_not_reminded():
    ManagerFactory()
    ReviewScheduleFactory(first_due_on=today() + datetime.timedelta(days=30), remind_days_before=14)

    assert review_reminders_send() == 0
    assert not ReviewReminder.objects.exists()
    assert not Notification.objects.exists()


def test_an_overdue_review_is_reminded_once_more_and_then_no_more():
    leader = StaffFactory(roles=[Role.LEADERSHIP])
    schedule = ReviewScheduleFactory(
        kind=ReviewKind.COMPLAINTS, interval_months=3, first_due_on=today() + datetime.timedelta(days=2)
    )
    review_reminders_send()

    later = today() + datetime.timedelta(days=3)
    assert review_reminders_send(today=later) == 1
    assert review_reminders_send(today=later + datetime.timedelta(days=1)) == 0

    assert sorted(ReviewReminder.objects.values_list("level", flat=True)) == ["due_soon", "overdue"]
    assert in_app(REVIEW_DUE_SOON) == [leader.pk] and in_app(REVIEW_OVERDUE) == [leader.pk]
    assert ReviewReminder.objects.filter(schedule=schedule).count() == 2


def test_a_review_held_moves_the_next_due_date_and_its_reminders():
    ManagerFactory()
    ReviewScheduleFactory(first_due_on=today() + datetime.timedelta(days=3), interval_months=6)
    ReviewFactory(kind=ReviewKind.PROCESS, held_on=today())

    assert review_reminders_send() == 0
    assert not ReviewReminder.objects.exists()


def test_an_evaluation_reminds_the_measures_responsible_person():
    ManagerFactory()
    schedule = ReviewScheduleFactory(evaluation=True, first_due_on=today())

    review_reminders_send()

    assert in_app(REVIEW_DUE_SOON) == [schedule.measure.responsible_id]
    notice = Notification.objects.get(kind=REVIEW_DUE_SOON, channel="in_app")
    english = notice_render(kind=notice.kind, context=notice.context, language="en")
    assert schedule.measure.code in english.subject and today().isoformat() in english.subject
    assert english.path == "/reviews/"


def test_with_nobody_in_the_role_the_leadership_group_is_reminded():
    leader = StaffFactory(roles=[Role.LEADERSHIP])
    ReviewScheduleFactory(kind=ReviewKind.PROCESS, first_due_on=today())

    review_reminders_send()

    assert in_app(REVIEW_DUE_SOON) == [leader.pk]


def test_an_inactive_schedule_is_not_reminded():
    ManagerFactory()
    ReviewScheduleFactory(first_due_on=today() - datetime.timedelta(days=1), is_active=False)

    assert review_reminders_send() == 0
    assert not Notification.objects.exists()
