"""The outbox: rows in the caller's transaction, and no personal data in their context."""

import pytest
from django.db import transaction

from accounts.tests.factories import LearnerFactory
from notifications.models import Notification, NotificationPreference
from notifications.services import notification_enqueue

pytestmark = pytest.mark.django_db


def test_a_notice_is_one_pending_row_per_channel():
    learner = LearnerFactory()

    rows = notification_enqueue(
        recipient=learner, kind="complaint_acknowledged", context={"reference": "TS-2026-000001"}
    )

    assert len(rows) == 2
    stored = Notification.objects.filter(recipient=learner).order_by("channel")
    assert [(n.channel, n.state, n.attempts, n.sent_at) for n in stored] == [
        ("email", "pending", 0, None),
        ("in_app", "pending", 0, None),
    ]
    assert all(n.context == {"reference": "TS-2026-000001"} and n.next_attempt_at for n in stored)


def test_channels_can_be_chosen_and_are_not_doubled():
    learner = LearnerFactory()
    NotificationPreference.objects.create(user=learner, email=True, sms=True)
    notification_enqueue(recipient=learner, kind="k", context={}, channels=["sms", "sms"])
    assert list(Notification.objects.values_list("channel", flat=True)) == ["sms"]


@pytest.mark.parametrize(
    ("email", "sms", "expected"),
    [
        (True, False, ["email", "in_app"]),
        (False, False, ["in_app"]),
        (False, True, ["in_app", "sms"]),
        (True, True, ["email", "in_app", "sms"]),
    ],
)
def test_the_recipients_choices_decide_the_channels_and_the_inbox_is_always_kept(email, sms, expected):
    learner = LearnerFactory()
    NotificationPreference.objects.create(user=learner, email=email, sms=sms)

    notification_enqueue(recipient=learner, kind="k", context={"reference": "TS-2026-000003"})

    assert sorted(Notification.objects.values_list("channel", flat=True)) == expected


def test_without_choices_a_notice_goes_to_the_inbox_and_by_email_but_not_by_sms():
    learner = LearnerFactory()
    notification_enqueue(recipient=learner, kind="k", context={}, channels=["sms", "email", "in_app"])
    assert sorted(Notification.objects.values_list("channel", flat=True)) == ["email", "in_app"]


@pytest.mark.parametrize(
    "context",
    [
        {"name": "张小明"},
        {"reference": "TS-2026-000001", "mobile": "13900000001"},
        {"reference": {"nested": 1}},
    ],
    ids=["name", "mobile", "nested"],
)
def test_a_context_with_anything_but_plain_allowed_keys_is_refused(context):
    with pytest.raises(ValueError):
        notification_enqueue(recipient=LearnerFactory(), kind="k", context=context)
    assert not Notification.objects.exists()


def test_notices_vanish_with_a_rolled_back_change():
    learner = LearnerFactory()

    class Abandon(Exception):
        pass

    with pytest.raises(Abandon), transaction.atomic():
        notification_enqueue(recipient=learner, kind="k", context={"reference": "TS-2026-000002"})
        raise Abandon

    assert not Notification.objects.exists()
