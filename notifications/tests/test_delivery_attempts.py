"""The attempt is recorded before the send, a lease keeps other deliveries off, and a worker that dies between
the send and its record does not cause a second send while the lease runs."""

import json
import logging
import os
import subprocess
import sys
import threading
from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django.utils import timezone

from accounts.tests.factories import LearnerFactory
from notifications import sms
from notifications.models import Notification
from notifications.services import (
    SEND_LEASE,
    notification_deliver,
    notification_message_id,
    notifications_deliver_due,
)
from notifications.tests.backends import DIED_AFTER_SEND, BlockingEmailBackend
from privacy.services import purpose_consent_grant

pytestmark = pytest.mark.django_db(transaction=True)


def email_notice() -> Notification:
    return Notification.objects.create(
        recipient=LearnerFactory(), channel="email", kind="complaint_closed", context={"reference": "R-1"}
    )


def sms_notice() -> Notification:
    person = LearnerFactory(mobile="13912345678")
    purpose_consent_grant(user=person, purpose="sms_notices", given_by=person)
    return Notification.objects.create(
        recipient=person, channel="sms", kind="complaint_closed", context={"reference": "R-2"}
    )


@pytest.fixture
def blocking_email(settings):
    settings.EMAIL_BACKEND = "notifications.tests.backends.BlockingEmailBackend"
    BlockingEmailBackend.sending.clear()
    BlockingEmailBackend.release.clear()
    yield BlockingEmailBackend
    BlockingEmailBackend.release.set()


def deliver_in_thread(notification_id: int, results: list) -> threading.Thread:
    def run():
        try:
            results.append(notification_deliver(notification_id=notification_id))
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_the_attempt_is_committed_with_its_message_id_before_the_message_is_handed_over(blocking_email):
    row = email_notice()
    results: list = []

    # given a delivery that is in the middle of handing the e-mail to the mail server
    thread = deliver_in_thread(row.pk, results)
    assert blocking_email.sending.wait(timeout=20)

    # then the attempt is already committed: this test's connection reads it while the send waits
    during = Notification.objects.get(pk=row.pk)
    assert (during.state, during.attempts) == ("pending", 1)
    assert during.attempt_started_at is not None
    assert during.provider_message_id == notification_message_id(during)
    assert during.next_attempt_at == during.attempt_started_at + SEND_LEASE

    blocking_email.release.set()
    thread.join(timeout=20)
    after = Notification.objects.get(pk=row.pk)
    assert (after.state, after.attempts, after.attempt_started_at) == ("sent", 1, None)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].extra_headers["Message-ID"] == after.provider_message_id


def test_a_later_sweep_within_the_lease_leaves_a_notice_being_sent_alone(blocking_email):
    row = email_notice()
    results: list = []
    thread = deliver_in_thread(row.pk, results)
    assert blocking_email.sending.wait(timeout=20)

    # when sweeps run while the first delivery still sends, now and just before the lease ends
    soon = timezone.now() + SEND_LEASE - timedelta(seconds=5)
    assert notifications_deliver_due() == 0
    assert notifications_deliver_due(now=soon) == 0
    assert notification_deliver(notification_id=row.pk, now=soon) is None

    # then nothing was sent beside the first delivery, which completes once
    blocking_email.release.set()
    thread.join(timeout=20)
    assert len(mail.outbox) == 1
    assert Notification.objects.get(pk=row.pk).attempts == 1


def deliver_in_a_process_that_dies_after_the_send(notification_id: int, accepted_folder) -> int:
    """Run one delivery in a separate Python process, on this test's database, whose backends stop the
    process right after the message is accepted; return its exit status."""
    database = settings.DATABASES["default"]
    database_url = (
        f"postgres://{database['USER']}@{database['HOST']}:{database['PORT'] or 5432}/{database['NAME']}"
    )
    script = (
        "import sys, django\n"
        "django.setup()\n"
        "from django.conf import settings\n"
        "settings.EMAIL_BACKEND = 'notifications.tests.backends.DyingAfterSendEmailBackend'\n"
        "settings.EMAIL_FILE_PATH = sys.argv[2]\n"
        "settings.SMS_BACKEND = 'notifications.tests.backends.DyingAfterSendSmsBackend'\n"
        "settings.SMS_BACKEND_OPTIONS = {'path': sys.argv[2] + '/sms.jsonl'}\n"
        "from notifications.services import notification_deliver\n"
        "notification_deliver(notification_id=int(sys.argv[1]))\n"
    )
    environment = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "PYTHONPATH": str(settings.BASE_DIR),
    }
    finished = subprocess.run(
        [sys.executable, "-c", script, str(notification_id), str(accepted_folder)],
        env=environment,
        cwd=settings.BASE_DIR,
        capture_output=True,
        timeout=60,
        check=False,
    )
    return finished.returncode


def accepted(folder, name: str) -> list[dict]:
    path = folder / name
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


@pytest.mark.parametrize("channel", ["email", "sms"])
def test_a_worker_killed_between_send_and_record_does_not_send_again_within_the_lease(
    channel, tmp_path, caplog
):
    row = email_notice() if channel == "email" else sms_notice()

    # given a worker that handed the message over and died before recording it
    assert deliver_in_a_process_that_dies_after_the_send(row.pk, tmp_path) == DIED_AFTER_SEND
    handed_over = accepted(tmp_path, "accepted.jsonl" if channel == "email" else "sms.jsonl")
    assert len(handed_over) == 1
    crashed = Notification.objects.get(pk=row.pk)
    assert (crashed.state, crashed.attempts) == ("pending", 1)
    assert crashed.attempt_started_at is not None

    # when the next sweeps run within the lease, then they send nothing
    assert notifications_deliver_due() == 0
    assert notifications_deliver_due(now=timezone.now() + SEND_LEASE - timedelta(minutes=1)) == 0
    assert mail.outbox == [] and sms.outbox == []
    assert Notification.objects.get(pk=row.pk).attempts == 1

    # and once the lease has passed, the sweep recognises the unfinished attempt and sends with the same
    # Message-ID or idempotency key, so a provider that drops repeats delivers the message once
    with caplog.at_level(logging.WARNING, logger="notifications.services"):
        assert notifications_deliver_due(now=timezone.now() + SEND_LEASE + timedelta(minutes=1)) == 1
    assert any("was never recorded" in record.getMessage() for record in caplog.records)
    if channel == "email":
        assert [message.extra_headers["Message-ID"] for message in mail.outbox] == [
            handed_over[0]["message_id"]
        ]
    else:
        assert [message["idempotency_key"] for message in sms.outbox] == [handed_over[0]["idempotency_key"]]
        assert handed_over[0]["idempotency_key"] == str(row.idempotency_key)
    done = Notification.objects.get(pk=row.pk)
    assert (done.state, done.attempts, done.attempt_started_at) == ("sent", 2, None)


def test_rows_written_in_sql_without_a_key_get_a_distinct_one_from_the_database():
    person = LearnerFactory()
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO notifications_notification (recipient_id, channel, kind, context, state, attempts, "
            "next_attempt_at, created_at, last_error, provider_message_id) "
            "SELECT %s, 'in_app', 'sla_warning', '{}', 'pending', 0, now(), now(), '', '' "
            "FROM generate_series(1, 2)",
            [person.pk],
        )
    keys = list(Notification.objects.filter(recipient=person).values_list("idempotency_key", flat=True))
    assert len(keys) == 2 and None not in keys and keys[0] != keys[1]
