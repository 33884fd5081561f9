"""The complaints' periodic task: auto-close what is due, nothing else, and safely twice."""

import datetime

import pytest
from django.utils import timezone

from complaints.models import Complaint, ComplaintRules
from complaints.states import State
from complaints.tasks import auto_close_responded_task
from config.celery import app
from notifications.models import Notification

from .factories import ComplaintFactory

pytestmark = pytest.mark.django_db


def responded_days_ago(days: float) -> Complaint:
    complaint = ComplaintFactory(responded=True)
    Complaint.objects.filter(pk=complaint.pk).update(
        responded_at=timezone.now() - datetime.timedelta(days=days)
    )
    return complaint


def test_the_task_closes_the_complaints_whose_wait_is_over_and_only_those():
    days = ComplaintRules.load().auto_close_days
    due = responded_days_ago(days + 1)
    waiting = responded_days_ago(days - 1)
    investigating = ComplaintFactory(investigating=True)

    assert auto_close_responded_task() == 1

    states = dict(Complaint.objects.values_list("pk", "state"))
    assert states == {
        due.pk: State.CLOSED,
        waiting.pk: State.RESPONDED,
        investigating.pk: State.INVESTIGATING,
    }
    assert set(Notification.objects.values_list("recipient", flat=True)) == {due.complainant_id}


def test_running_the_task_twice_closes_and_tells_once():
    due = responded_days_ago(ComplaintRules.load().auto_close_days + 1)
    assert auto_close_responded_task() == 1
    notices = Notification.objects.count()

    assert auto_close_responded_task() == 0

    assert due.events.filter(data__transition="auto_close").count() == 1
    assert Notification.objects.count() == notices


def test_the_beat_schedule_runs_the_registered_task():
    app.loader.import_default_modules()
    entry = app.conf.beat_schedule["auto-close-responded-complaints"]

    assert entry["task"] == auto_close_responded_task.name
    assert entry["task"] in app.tasks
