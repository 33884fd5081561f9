"""The reminder sweep as beat runs it: the registered task, in the timers' queue, safe to run twice."""

import datetime

import pytest
from django.utils import timezone

from activities.notices import NoticeKind
from activities.tasks import activity_reminders_task
from config.celery import app, queue_for
from notifications.models import Notification

from .factories import ActivityFactory, RegistrationFactory

pytestmark = pytest.mark.django_db
HOUR = datetime.timedelta(hours=1)


def test_the_beat_schedule_runs_the_registered_task_in_the_timers_queue():
    entry = app.conf.beat_schedule["activity-reminders"]
    assert entry["task"] == activity_reminders_task.name
    assert entry["task"] in app.tasks
    assert queue_for(entry["task"]) == "sla"


def test_running_the_task_twice_reminds_once():
    activity = ActivityFactory(
        starts_at=timezone.now() + 2 * HOUR, registration_closes_at=timezone.now() + HOUR
    )
    registration = RegistrationFactory(activity=activity)
    assert activity_reminders_task.apply().get() == 1
    assert activity_reminders_task.apply().get() == 0
    reminders = Notification.objects.filter(kind=NoticeKind.REMINDER, recipient=registration.person)
    assert reminders.filter(channel=Notification.Channel.IN_APP).count() == 1
