"""Against the real Redis and a real Celery worker: an emptied Redis and a restarted worker lose no notice."""

import time

import pytest
import redis
from django.conf import settings
from django.core import mail
from django.db import transaction

from accounts.tests.factories import LearnerFactory
from config.celery import app
from notifications import sms
from notifications.models import Notification
from notifications.models import NotificationPreference as Preference
from notifications.services import notification_enqueue
from notifications.tasks import deliver_notification, deliver_pending_notifications
from privacy.services import purpose_consent_grant
from tests.worker import worker_on_every_queue

TASK_TIMEOUT = 30


def wait_until(condition, timeout: float = TASK_TIMEOUT) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


@pytest.mark.django_db(transaction=True)
def test_every_due_notice_is_delivered_exactly_once_after_redis_is_emptied_and_the_worker_restarts():
    # The test settings point REDIS_URL (broker and results) at this suite's own Redis database, so
    # emptying it with FLUSHDB stands in for FLUSHALL without touching any other database on the server.
    broker = redis.Redis.from_url(settings.REDIS_URL)
    people = [LearnerFactory(mobile=f"1390000000{index}") for index in range(3)]
    for person in people:
        purpose_consent_grant(user=person, purpose="sms_notices", given_by=person)
        Preference.objects.create(user=person, email=True, sms=True)

    # given: while a worker runs, a notice written now is delivered at once through Redis
    with worker_on_every_queue():
        with transaction.atomic():
            [first] = notification_enqueue(
                recipient=people[0],
                kind="complaint_acknowledged",
                context={"reference": "TS-2026-000100"},
                channels=["email"],
            )
        assert wait_until(lambda: Notification.objects.get(pk=first.pk).state == "sent")
        assert len(mail.outbox) == 1

    # and the worker stops (from its own thread, as a real shutdown does)
    assert wait_until(lambda: not app.control.ping(timeout=0.5))

    # and notices written while it is away queue their delivery tasks in Redis
    with transaction.atomic():
        written = [
            notice
            for person in people
            for notice in notification_enqueue(
                recipient=person, kind="complaint_responded", context={"reference": "TS-2026-000101"}
            )
        ]
    assert len(written) == 9  # e-mail, SMS and in-app for each of three people
    assert broker.llen("notices") == 9

    # when: Redis is emptied, and every queued task with it
    broker.flushdb()
    assert broker.dbsize() == 0

    # and a worker starts again, and the beat's next sweep runs on it. (Starting, the worker declares its
    # queue again: FLUSHDB also removed the queue's binding, and a process that had declared it before
    # routes new tasks nowhere until some worker declares it anew.)
    with worker_on_every_queue():
        assert deliver_pending_notifications.delay().get(timeout=TASK_TIMEOUT) == 9

        # then: every notice went out once; a second sweep and a redelivered task per notice find nothing
        assert deliver_pending_notifications.delay().get(timeout=TASK_TIMEOUT) == 0
        replays = [deliver_notification.delay(notice.pk) for notice in [first, *written]]
        assert [replay.get(timeout=TASK_TIMEOUT) for replay in replays] == ["skipped"] * 10

    rows = Notification.objects.filter(pk__in=[notice.pk for notice in written])
    assert {(row.state, row.attempts) for row in rows} == {("sent", 1)}
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        [people[0].email, *(person.email for person in people)]
    )
    assert sorted(message["to"] for message in sms.outbox) == sorted(person.mobile for person in people)
    assert Notification.objects.get(pk=first.pk).attempts == 1
