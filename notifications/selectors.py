"""Read queries about notices: a person's channel choices, their in-app inbox and its unread count, and the
backlog of notices due."""

import datetime

from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import User

from .models import Notification, NotificationPreference


def notification_preference_get(*, user: User) -> NotificationPreference:
    """Return the person's saved choices, or unsaved defaults (e-mail on, SMS off) when they made none."""
    preference = NotificationPreference.objects.filter(user=user).first()
    return preference or NotificationPreference(user=user)


def notification_channels_wanted(*, user: User, channels: tuple[str, ...]) -> list[str]:
    """Narrow ``channels`` to those the person wants; the in-app inbox is always kept."""
    preference = notification_preference_get(user=user)
    wanted = {
        Notification.Channel.IN_APP: True,
        Notification.Channel.EMAIL: preference.email,
        Notification.Channel.SMS: preference.sms,
    }
    return [channel for channel in channels if wanted.get(channel, False)]


def notifications_in_app_for_user(*, user: User) -> QuerySet[Notification]:
    """The person's delivered in-app notices, newest first."""
    return Notification.objects.filter(
        recipient=user, channel=Notification.Channel.IN_APP, state=Notification.State.SENT
    ).order_by("-created_at", "-id")


def notifications_unread_count(*, user: User) -> int:
    """Count the person's unread in-app notices: one query on the partial index notification_unread_idx."""
    return Notification.objects.filter(
        recipient=user,
        channel=Notification.Channel.IN_APP,
        state=Notification.State.SENT,
        read_at__isnull=True,
    ).count()


def notifications_due_count(*, now: datetime.datetime | None = None) -> int:
    """Count the notices waiting to be sent whose next attempt is due (the delivery sweep's backlog)."""
    return Notification.objects.filter(
        state=Notification.State.PENDING, next_attempt_at__lte=now or timezone.now()
    ).count()


# A notice due this long and still not sent means no worker delivers (the minute sweep would have taken it).
DELIVERY_LATE_AFTER = datetime.timedelta(minutes=15)


def delivery_lag_problem() -> str | None:
    """Say how many notices have waited over 15 minutes past their due attempt, if any (the outbox index)."""
    late = Notification.objects.filter(
        state=Notification.State.PENDING, next_attempt_at__lt=timezone.now() - DELIVERY_LATE_AFTER
    ).count()
    if not late:
        return None
    return f"{late} notices have waited over 15 minutes to be sent: are the Celery workers running?"
