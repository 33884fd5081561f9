"""The minute sweep delivers what immediate delivery left behind; writing a notice queues its delivery."""

from datetime import timedelta

import pytest
import redis
from django.conf import settings
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.tests.factories import LearnerFactory
from notifications import sms
from notifications.models import Notification
from notifications.services import notification_enqueue, notifications_deliver_due
from notifications.tasks import deliver_pending_notifications
from privacy.services import purpose_consent_grant

pytestmark = pytest.mark.django_db


def pending(recipient, channel="email", due_in=timedelta(0), **fields) -> Notification:
    return Notification.objects.create(
        recipient=recipient,
        channel=channel,
        kind="complaint_responded",
        context={"reference": "TS-2026-000007"},
        next_attempt_at=timezone.now() + due_in,
        **fields,
    )


def test_the_sweep_delivers_every_due_notice_left_behind_across_batches():
    learner = LearnerFactory()
    due = [pending(learner, due_in=timedelta(minutes=-minutes)) for minutes in range(7)]
    later = pending(learner, due_in=timedelta(minutes=10))
    settled = pending(learner, state="failed", last_error="no_sms_consent")

    handled = notifications_deliver_due(batch_size=3)

    assert handled == 7
    assert set(Notification.objects.filter(state="sent").values_list("pk", flat=True)) == {n.pk for n in due}
    assert len(mail.outbox) == 7
    later.refresh_from_db()
    settled.refresh_from_db()
    assert (later.state, later.attempts, settled.state) == ("pending", 0, "failed")


def test_a_retry_is_picked_up_by_the_sweep_once_its_wait_is_over():
    learner = LearnerFactory()
    purpose_consent_grant(user=learner, purpose="sms_notices", given_by=learner)
    row = pending(learner, channel="sms")
    sms.LocmemSmsBackend.fail_next = 1
    start = timezone.now()

    assert notifications_deliver_due(now=start) == 1
    assert notifications_deliver_due(now=start + timedelta(seconds=30)) == 0
    assert notifications_deliver_due(now=start + timedelta(minutes=1)) == 1

    row.refresh_from_db()
    assert (row.state, row.attempts) == ("sent", 2)
    assert len(sms.outbox) == 1


def test_a_failing_notice_does_not_stop_the_sweep_or_come_round_twice_in_one_run():
    learner = LearnerFactory()
    purpose_consent_grant(user=learner, purpose="sms_notices", given_by=learner)
    rows = [pending(learner, channel="sms", due_in=timedelta(seconds=-index)) for index in range(4)]
    sms.LocmemSmsBackend.fail_next = 2

    assert notifications_deliver_due(batch_size=2) == 4

    states = sorted(Notification.objects.filter(pk__in=[r.pk for r in rows]).values_list("state", "attempts"))
    assert states == [("pending", 1), ("pending", 1), ("sent", 1), ("sent", 1)]
    assert len(sms.outbox) == 2


def test_the_sweep_finds_due_rows_with_one_query_per_batch_on_the_partial_index():
    learner = LearnerFactory()
    for _ in range(3):
        pending(learner, channel="in_app")

    with CaptureQueriesContext(connection) as queries:
        notifications_deliver_due(batch_size=10)

    reads = [
        q["sql"] for q in queries.captured_queries if "ORDER BY" in q["sql"] and "FOR UPDATE" not in q["sql"]
    ]
    assert len(reads) == 1
    with connection.cursor() as cursor:
        # The table is tiny, so forbid sequential scans to see which index the query can use.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {reads[0]}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "notification_due_idx" in plan


def test_the_sweep_task_runs_the_sweep():
    row = pending(LearnerFactory())

    assert deliver_pending_notifications() == 1

    assert Notification.objects.get(pk=row.pk).state == "sent"


def test_a_committed_notice_queues_its_delivery_on_the_broker(django_capture_on_commit_callbacks):
    # The test settings point at this suite's own Redis database; emptying it touches nothing else.
    broker = redis.Redis.from_url(settings.REDIS_URL)
    broker.flushdb()
    learner = LearnerFactory()

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notification_enqueue(recipient=learner, kind="complaint_closed", context={"reference": "R-9"})
    assert broker.llen("notices") == 0  # nothing before the commit
    for callback in callbacks:
        callback()

    assert broker.llen("notices") == 2  # one delivery task per notice: e-mail and in-app
    broker.flushdb()


@pytest.fixture
def unreachable_broker(monkeypatch):
    """Point the Celery app at a port where nothing listens, then give it back its own broker and pools.

    The app keeps its connection and producer pools once made, so they are set aside and restored. Celery
    reads CELERY_BROKER_URL from the environment before its configuration, so that is changed too.
    """
    from config.celery import app

    saved = (app.conf.broker_url, app._pool, app.amqp._producer_pool)
    monkeypatch.setenv("CELERY_BROKER_URL", "redis://127.0.0.1:1/0")
    app.conf.broker_url = "redis://127.0.0.1:1/0"
    app._pool = app.amqp._producer_pool = None
    try:
        yield
    finally:
        if app._pool is not None:
            app._pool.force_close_all()
        app.conf.broker_url, app._pool, app.amqp._producer_pool = saved


def test_a_broker_that_is_down_does_not_undo_or_break_the_change(
    unreachable_broker, django_capture_on_commit_callbacks, caplog
):
    with django_capture_on_commit_callbacks(execute=True):
        rows = notification_enqueue(
            recipient=LearnerFactory(), kind="complaint_closed", context={"reference": "R-8"}
        )

    assert caplog.text.count("the sweep will deliver it") == 2
    # The notices stay pending; the sweep sends them.
    assert {row.state for row in Notification.objects.filter(pk__in=[r.pk for r in rows])} == {"pending"}
    assert notifications_deliver_due() == 2
