"""Delivering one notice: each channel, refusals, retries with backoff, and never twice."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from accounts.tests.factories import LearnerFactory
from notifications import sms
from notifications.models import Notification
from notifications.services import (
    MAX_ATTEMPTS,
    notification_backoff,
    notification_deliver,
)
from notifications.tasks import deliver_notification
from notifications.tests.backends import FailingEmailBackend
from privacy.services import purpose_consent_grant, purpose_consent_withdraw

pytestmark = pytest.mark.django_db

REFERENCE = "TS-2026-000042"


def notice(recipient=None, channel="email", kind="complaint_acknowledged", **fields) -> Notification:
    """A pending notice written straight to the outbox, as if its immediate delivery task had been lost."""
    return Notification.objects.create(
        recipient=recipient or LearnerFactory(),
        channel=channel,
        kind=kind,
        context={"reference": REFERENCE},
        **fields,
    )


def consenting_learner(**fields):
    learner = LearnerFactory(**fields)
    purpose_consent_grant(user=learner, purpose="sms_notices", given_by=learner)
    return learner


def test_an_email_notice_is_sent_once_and_marked_sent():
    row = notice()
    now = timezone.now()

    delivered = notification_deliver(notification_id=row.pk, now=now)

    assert delivered.state == "sent"
    row.refresh_from_db()
    assert (row.state, row.sent_at, row.attempts, row.last_error) == ("sent", now, 1, "")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [row.recipient.email]
    assert REFERENCE in message.subject
    assert f"http://localhost:8000/complaints/{REFERENCE}/" in message.body
    assert message.extra_headers["Message-ID"] == f"<notification-{row.pk}@localhost>"
    assert row.provider_message_id == f"<notification-{row.pk}@localhost>"


def test_an_sms_notice_goes_to_the_mobile_number_of_a_consenting_person():
    learner = consenting_learner(mobile="13912345678")
    row = notice(learner, channel="sms")

    notification_deliver(notification_id=row.pk)

    # the provider is given the notice's own idempotency key
    assert sms.outbox == [
        {"to": "13912345678", "text": sms.outbox[0]["text"], "idempotency_key": str(row.idempotency_key)}
    ]
    assert REFERENCE in sms.outbox[0]["text"]
    row.refresh_from_db()
    assert (row.state, row.provider_message_id) == ("sent", "locmem-1")


def test_an_in_app_notice_sends_nothing_and_lands_in_the_inbox():
    row = notice(channel="in_app")

    notification_deliver(notification_id=row.pk)

    row.refresh_from_db()
    assert row.state == "sent" and row.sent_at is not None and row.read_at is None
    assert mail.outbox == [] and sms.outbox == []


@pytest.mark.parametrize(
    ("mobile", "consent", "reason"),
    [
        ("", True, "no_mobile_number"),
        ("13912345678", False, "no_sms_consent"),
        ("", False, "no_mobile_number"),
    ],
    ids=["no-mobile", "no-consent", "neither"],
)
def test_an_sms_is_never_sent_without_a_mobile_number_and_consent(mobile, consent, reason):
    learner = consenting_learner(mobile=mobile) if consent else LearnerFactory(mobile=mobile)
    row = notice(learner, channel="sms")

    notification_deliver(notification_id=row.pk)

    assert sms.outbox == []
    row.refresh_from_db()
    assert (row.state, row.last_error, row.sent_at, row.attempts) == ("failed", reason, None, 0)
    # A failed notice is settled: running again sends nothing.
    assert notification_deliver(notification_id=row.pk) is None
    assert sms.outbox == []


def test_consent_withdrawn_after_the_notice_was_written_stops_the_sms():
    learner = consenting_learner()
    row = notice(learner, channel="sms")
    purpose_consent_withdraw(user=learner, purpose="sms_notices", actor=learner)

    notification_deliver(notification_id=row.pk)

    assert sms.outbox == []
    assert Notification.objects.get(pk=row.pk).last_error == "no_sms_consent"


def test_nothing_is_sent_to_a_deactivated_account():
    row = notice(LearnerFactory(is_active=False))

    notification_deliver(notification_id=row.pk)

    assert mail.outbox == []
    row.refresh_from_db()
    assert (row.state, row.last_error) == ("failed", "recipient_inactive")


def test_an_sms_that_fails_twice_then_succeeds_is_delivered_exactly_once():
    row = notice(consenting_learner(), channel="sms")
    sms.LocmemSmsBackend.fail_next = 2
    start = timezone.now()

    # first attempt: refused, retried a minute later
    notification_deliver(notification_id=row.pk, now=start)
    row.refresh_from_db()
    assert (row.state, row.attempts, row.last_error) == ("pending", 1, "SmsDeliveryError")
    assert row.next_attempt_at == start + timedelta(minutes=1)

    # before the minute is up nothing happens
    assert notification_deliver(notification_id=row.pk, now=start + timedelta(seconds=59)) is None
    assert Notification.objects.get(pk=row.pk).attempts == 1

    # second attempt: refused again, retried two minutes later
    second = start + timedelta(minutes=1)
    notification_deliver(notification_id=row.pk, now=second)
    row.refresh_from_db()
    assert (row.state, row.attempts) == ("pending", 2)
    assert row.next_attempt_at == second + timedelta(minutes=2)

    # third attempt: accepted
    third = second + timedelta(minutes=2)
    notification_deliver(notification_id=row.pk, now=third)
    row.refresh_from_db()
    assert (row.state, row.attempts, row.sent_at, row.last_error) == ("sent", 3, third, "")

    # and any later run leaves it alone
    assert notification_deliver(notification_id=row.pk, now=third + timedelta(hours=1)) is None
    assert len(sms.outbox) == 1


def test_an_email_that_fails_twice_then_succeeds_is_delivered_exactly_once(settings):
    settings.EMAIL_BACKEND = "notifications.tests.backends.FailingEmailBackend"
    FailingEmailBackend.fail_next = 2
    row = notice()
    moment = timezone.now()

    for _attempt in range(3):
        notification_deliver(notification_id=row.pk, now=moment)
        row.refresh_from_db()
        moment = row.next_attempt_at if row.state == "pending" else moment
    for _again in range(2):
        notification_deliver(notification_id=row.pk, now=moment + timedelta(days=1))

    assert (row.state, row.attempts) == ("sent", 3)
    assert len(mail.outbox) == 1


@pytest.mark.parametrize(
    ("attempts", "wait"),
    [
        (1, timedelta(minutes=1)),
        (2, timedelta(minutes=2)),
        (3, timedelta(minutes=4)),
        (4, timedelta(minutes=8)),
        (6, timedelta(minutes=32)),
        (7, timedelta(hours=1)),
        (30, timedelta(hours=1)),
    ],
)
def test_the_wait_doubles_after_each_failure_up_to_an_hour(attempts, wait):
    assert notification_backoff(attempts=attempts) == wait


def test_a_notice_that_keeps_failing_is_failed_after_the_maximum_number_of_attempts():
    row = notice(consenting_learner(), channel="sms")
    sms.LocmemSmsBackend.fail_next = 100
    moment = timezone.now()
    waits = []

    for _attempt in range(MAX_ATTEMPTS):
        notification_deliver(notification_id=row.pk, now=moment)
        row.refresh_from_db()
        waits.append(row.next_attempt_at - moment)
        moment = row.next_attempt_at

    assert (row.state, row.attempts, row.sent_at, row.last_error) == (
        "failed",
        MAX_ATTEMPTS,
        None,
        "SmsDeliveryError",
    )
    assert [wait.total_seconds() / 60 for wait in waits[:-1]] == [1, 2, 4, 8, 16, 32, 60]
    assert notification_deliver(notification_id=row.pk, now=moment + timedelta(days=1)) is None
    assert sms.outbox == []
    assert sms.LocmemSmsBackend.fail_next == 100 - MAX_ATTEMPTS


def test_a_refused_recipient_is_recorded_without_the_address(settings):
    settings.EMAIL_BACKEND = "notifications.tests.backends.RefusingRecipientBackend"
    row = notice(LearnerFactory(email="zhang.xiaoming@example.edu.cn"))

    notification_deliver(notification_id=row.pk)

    row.refresh_from_db()
    assert row.last_error == "SMTPRecipientsRefused"
    assert row.state == "pending" and row.attempts == 1


def test_the_task_run_twice_sends_once():
    row = notice()

    first = deliver_notification(row.pk)
    second = deliver_notification(row.pk)

    assert (first, second) == ("sent", "skipped")
    assert len(mail.outbox) == 1


def test_a_notice_not_yet_due_is_left_alone():
    row = notice(next_attempt_at=timezone.now() + timedelta(minutes=5))

    assert notification_deliver(notification_id=row.pk) is None

    assert mail.outbox == []
    assert Notification.objects.get(pk=row.pk).attempts == 0


def test_an_unknown_id_is_nothing_to_do():
    assert deliver_notification(987654321) == "skipped"
