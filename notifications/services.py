"""Writing notices to the outbox. Delivery is a separate worker's job."""

from collections.abc import Iterable

from django.db import transaction

from accounts.models import User

from .models import Notification

# The only keys a context may carry: none of them is personal data.
ALLOWED_CONTEXT_KEYS = frozenset({"reference", "state", "flag", "severity", "kind"})
DEFAULT_CHANNELS = (Notification.Channel.IN_APP, Notification.Channel.EMAIL)


def _check_context(context: dict) -> None:
    unknown = set(context) - ALLOWED_CONTEXT_KEYS
    if unknown:
        raise ValueError(f"Notification context may not carry {sorted(unknown)}: keep personal data out.")
    for key, value in context.items():
        if not isinstance(value, str | int | bool) and value is not None:
            raise ValueError(
                f"Notification context value for {key!r} must be a plain string, number or flag."
            )


def notification_enqueue(
    *,
    recipient: User,
    kind: str,
    context: dict,
    channels: Iterable[str] = DEFAULT_CHANNELS,
) -> list[Notification]:
    """Write one pending notice per channel for the recipient, in the caller's transaction.

    Requires a context made only of ``ALLOWED_CONTEXT_KEYS`` with plain values; raises ValueError otherwise.
    If the caller's transaction rolls back, the notices vanish with it: nothing is sent for a refused change.
    """
    _check_context(context)
    notices = [
        Notification(recipient=recipient, channel=channel, kind=kind, context=dict(context))
        for channel in dict.fromkeys(channels)
    ]
    with transaction.atomic():
        return Notification.objects.bulk_create(notices)
