"""Deliveries racing for one notice in separate threads and database connections send it once."""

import threading

import pytest
from django.core import mail
from django.db import connection

from accounts.tests.factories import LearnerFactory
from notifications.models import Notification
from notifications.services import notification_deliver
from notifications.tests.backends import BlockingEmailBackend

pytestmark = pytest.mark.django_db(transaction=True)


def in_thread(target, results: list, *args) -> threading.Thread:
    def run() -> None:
        try:
            results.append(target(*args))
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def deliver(notification_id: int):
    return notification_deliver(notification_id=notification_id)


def test_a_delivery_arriving_while_another_is_sending_skips_the_notice(settings):
    settings.EMAIL_BACKEND = "notifications.tests.backends.BlockingEmailBackend"
    BlockingEmailBackend.sending.clear()
    BlockingEmailBackend.release.clear()
    row = Notification.objects.create(
        recipient=LearnerFactory(), channel="email", kind="complaint_closed", context={"reference": "R-1"}
    )
    results: list = []

    # given: one delivery holds the row and is in the middle of sending
    first = in_thread(deliver, results, row.pk)
    assert BlockingEmailBackend.sending.wait(timeout=20)

    # when: a second delivery (a redelivered task, the sweep) comes for the same notice
    second = notification_deliver(notification_id=row.pk)

    # then: it finds the row locked and leaves it
    assert second is None
    assert Notification.objects.get(pk=row.pk).state == "pending"
    BlockingEmailBackend.release.set()
    first.join(timeout=20)
    assert [result.state for result in results] == ["sent"]
    assert len(mail.outbox) == 1
    row.refresh_from_db()
    assert (row.state, row.attempts) == ("sent", 1)

    # and once sent, another delivery still sends nothing
    assert notification_deliver(notification_id=row.pk) is None
    assert len(mail.outbox) == 1


def test_many_deliveries_started_together_send_once():
    row = Notification.objects.create(
        recipient=LearnerFactory(), channel="email", kind="complaint_closed", context={"reference": "R-2"}
    )
    contenders = 8
    start = threading.Barrier(contenders)
    results: list = []

    def deliver_at_the_same_time(notification_id: int):
        start.wait(timeout=20)
        return notification_deliver(notification_id=notification_id)

    threads = [in_thread(deliver_at_the_same_time, results, row.pk) for _ in range(contenders)]
    for thread in threads:
        thread.join(timeout=30)

    assert len(results) == contenders
    assert sum(result is not None for result in results) == 1
    assert len(mail.outbox) == 1
    assert Notification.objects.get(pk=row.pk).attempts == 1
