"""Delivery of the outbox: one task per notice, queued when it is written, and a sweep every minute.

Both take ids or nothing, call one service and are safe to run twice: the outbox row decides whether there is
anything left to send. A lost task, a restarted worker or an emptied Redis delays a notice until the next
sweep; it neither loses nor doubles it.
"""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from .services import notification_deliver, notifications_deliver_due

# The database being briefly away is worth a quick retry; anything later is the sweep's job.
DATABASE_RETRY = {
    "autoretry_for": (OperationalError, InterfaceError),
    "retry_backoff": 5,
    "retry_backoff_max": 60,
    "retry_jitter": True,
    "max_retries": 3,
}


@shared_task(**DATABASE_RETRY)
def deliver_notification(notification_id: int) -> str:
    """Deliver one notice if it is still pending and due; return its state, or "skipped"."""
    notification = notification_deliver(notification_id=notification_id)
    return notification.state if notification is not None else "skipped"


@shared_task(**DATABASE_RETRY)
def deliver_pending_notifications() -> int:
    """Deliver every pending notice that is due (left behind, or retries after backoff); return how many."""
    return notifications_deliver_due()
