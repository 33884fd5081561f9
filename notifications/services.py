"""Writing notices to the outbox, delivering them without loss or (in the common case) repeats, and a
person's channels and inbox.

Delivery: never lost, sent once in the common case
--------------------------------------------------
The outbox row is the source of truth. ``notification_deliver`` works in three commits. First it locks the
row (``SELECT … FOR UPDATE SKIP LOCKED``), checks that it is still pending and due, and records the attempt:
the attempt counted, ``attempt_started_at`` set, the e-mail's Message-ID noted, and the next attempt moved
``SEND_LEASE`` ahead, which is the lease: a second worker, a task Redis delivers again, or the sweep running
beside the immediate task finds the row locked, not yet due, or already sent, and leaves it. Then it hands
the message to the backend, outside any transaction (no SMTP inside ``atomic``; ``EMAIL_TIMEOUT`` bounds a
hanging mail server). Last it marks the row sent, or schedules the next attempt after a backend error.

The guarantee, honestly: a notice is never lost (a row stays pending until an attempt's outcome is recorded,
and the sweep retries it), and it is sent once except in one case. If the worker dies or the database goes
away after the backend accepted the message and before the row is marked sent, the row keeps its recorded
attempt; no delivery touches it while the lease runs, and after the lease the next attempt recognises the
unfinished one (it logs it) and sends again with the same e-mail Message-ID and the same SMS idempotency key.
So there is at most one duplicate per such crash, only if the lease has passed, and only where the provider
does not drop a repeated idempotency key (SMS) or the mail client does not fold messages with the same
Message-ID (e-mail).

Retries
-------
A backend error counts an attempt and sets ``next_attempt_at`` 1, 2, 4, 8… minutes ahead, at most an hour;
after ``MAX_ATTEMPTS`` attempts the notice is failed. The time of the next attempt is data: the sweep
(``notifications_deliver_due``, every minute) picks the row up again, so no long-delayed task is needed.
A notice that cannot be sent at all (no mobile number, no consent to SMS, an inactive account) is failed at
once with the reason, and nothing is sent.

Channel choices
---------------
A person's choices (``NotificationPreference``) are applied when a notice is written: the outbox then holds
only the notices the person asked for, and its failed rows stay meaningful. A change of mind applies to
notices written after it. Consent to SMS notices is different: it is the legal ground for sending, so it is
checked again when each SMS is sent.
"""

import json
import logging
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from smtplib import SMTPResponseException
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.errors import Unavailable
from privacy.models import Purpose
from privacy.selectors import purpose_consent_is_active
from privacy.services import purpose_consent_grant

from .kinds import notice_context_check, notice_kind_get
from .messages import RenderedNotice, notice_render
from .models import Notification, NotificationPreference
from .selectors import notification_channels_wanted
from .sms import sms_backend

logger = logging.getLogger(__name__)

# The only keys a context may carry: none of them is personal data.
ALLOWED_CONTEXT_KEYS = frozenset(
    {"reference", "state", "flag", "severity", "kind", "target", "due_at", "escalated_at"}
)
# Every channel a notice may go out on; the recipient's choices narrow them when the notice is written.
DEFAULT_CHANNELS = (Notification.Channel.IN_APP, Notification.Channel.EMAIL, Notification.Channel.SMS)

MAX_ATTEMPTS = 8
BACKOFF_FIRST = timedelta(minutes=1)
BACKOFF_MAX = timedelta(hours=1)

# How long a recorded attempt keeps other deliveries away from its row: longer than any send takes (the
# e-mail backend gives up after EMAIL_TIMEOUT), so only an attempt whose worker died is ever taken over.
SEND_LEASE = timedelta(minutes=10)

SWEEP_BATCH_SIZE = 100
# A sweep stops taking new batches after this long; beat starts the next one a minute after the last began.
SWEEP_TIME_BUDGET_SECONDS = 50.0


class Refusal:
    """Why a notice is failed without being sent; stored in ``last_error``."""

    RECIPIENT_INACTIVE = "recipient_inactive"
    NO_EMAIL_ADDRESS = "no_email_address"
    NO_MOBILE_NUMBER = "no_mobile_number"
    NO_SMS_CONSENT = "no_sms_consent"


class EmailNotAccepted(Unavailable):
    """The e-mail backend returned without sending the message."""


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
    """Write one pending notice per channel the recipient wants, in the caller's transaction.

    Requires a context made only of ``ALLOWED_CONTEXT_KEYS`` with plain values; raises ValueError otherwise.
    The recipient's channel choices narrow ``channels`` (the in-app inbox is always kept).
    If the caller's transaction rolls back, the notices vanish with it: nothing is sent for a refused change.
    Once it commits, a delivery task is queued for each notice; the sweep sends any whose task is lost.
    """
    _check_context(context)
    notice_context_check(kind=kind, context=context)
    wanted = notification_channels_wanted(user=recipient, channels=tuple(dict.fromkeys(channels)))
    notices = [
        Notification(recipient=recipient, channel=channel, kind=kind, context=dict(context))
        for channel in wanted
    ]
    with transaction.atomic():
        created = Notification.objects.bulk_create(notices)
        ids = [notice.pk for notice in created]
        if ids:
            transaction.on_commit(lambda: _queue_delivery(ids))
    return created


@dataclass(frozen=True)
class NoticeRequest:
    """One notice to one person, before their channel choices are applied."""

    recipient_id: int
    kind: str
    context: dict


# One statement for a whole batch: the active recipients only, each on the channels they want (the in-app
# inbox always; e-mail unless turned off; SMS only when turned on: the defaults of NotificationPreference),
# the same (person, kind, context) written once however often it was asked for.
_ENQUEUE_BULK_SQL = """
INSERT INTO notifications_notification (recipient_id, channel, kind, context, state, attempts,
    next_attempt_at, created_at, last_error, provider_message_id)
SELECT wanted.recipient_id, wanted.channel, wanted.kind, wanted.context, 'pending', 0, %(now)s, %(now)s,
    '', ''
FROM (
    SELECT DISTINCT ON (asked.recipient_id, asked.kind, asked.context, channel.name)
        asked.recipient_id, channel.name AS channel, asked.kind, asked.context, asked.position, channel.rank
    FROM unnest(%(recipients)s::bigint[], %(kinds)s::text[], %(contexts)s::jsonb[])
        WITH ORDINALITY AS asked(recipient_id, kind, context, position)
    JOIN accounts_user AS person ON person.id = asked.recipient_id AND person.is_active
    LEFT JOIN notifications_notificationpreference AS preference ON preference.user_id = person.id
    JOIN unnest(%(channels)s::text[]) WITH ORDINALITY AS channel(name, rank)
        ON channel.name = 'in_app'
        OR (channel.name = 'email' AND COALESCE(preference.email, true))
        OR (channel.name = 'sms' AND COALESCE(preference.sms, false))
    ORDER BY asked.recipient_id, asked.kind, asked.context, channel.name, asked.position
) AS wanted
ORDER BY wanted.position, wanted.rank
RETURNING recipient_id
"""


def notifications_enqueue_bulk(
    *,
    notices: Sequence[NoticeRequest],
    channels: Iterable[str] = DEFAULT_CHANNELS,
    now: datetime | None = None,
) -> dict[int, int]:
    """Write pending notices for many people in one statement, in the caller's transaction.

    The same rules as ``notification_enqueue``: contexts of allowed keys and plain values (ValueError
    otherwise, and nothing written), each recipient's channel choices, inactive people skipped. Returns how
    many rows each recipient got. Once the transaction commits, one delivery sweep is queued; the minute
    sweep delivers them if it cannot be.
    """
    if not notices:
        return {}
    for notice in notices:
        _check_context(notice.context)
        notice_context_check(kind=notice.kind, context=notice.context)
    params = {
        "now": now or timezone.now(),
        "recipients": [notice.recipient_id for notice in notices],
        "kinds": [notice.kind for notice in notices],
        "contexts": [json.dumps(notice.context, sort_keys=True) for notice in notices],
        "channels": list(dict.fromkeys(channels)),
    }
    written: dict[int, int] = {}
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_ENQUEUE_BULK_SQL, params)
        for (recipient_id,) in cursor.fetchall():
            written[recipient_id] = written.get(recipient_id, 0) + 1
        if written:
            transaction.on_commit(_queue_delivery_sweep)
    return written


def _queue_delivery_sweep() -> None:
    """Ask a worker to deliver the new notices now; if the broker is away, the minute sweep does it."""
    from .tasks import deliver_pending_notifications  # the tasks module imports this one

    try:
        deliver_pending_notifications.apply_async(retry=False, ignore_result=True)
    except Exception:
        logger.warning(
            "Could not queue the delivery sweep; the next scheduled sweep delivers.", exc_info=True
        )


def _queue_delivery(notification_ids: list[int]) -> None:
    """Queue one delivery task per notice; if the broker cannot take them, the sweep delivers them instead."""
    from .tasks import deliver_notification  # the tasks module imports this one

    for notification_id in notification_ids:
        try:
            # Fire and forget: no publishing retries and no result store (whose reconnects took ~19 s with
            # Redis away), as the change has committed and its request should not wait on Redis.
            deliver_notification.apply_async((notification_id,), retry=False, ignore_result=True)
        except Exception:
            logger.warning(
                "Could not queue delivery of notification %s; the sweep will deliver it.",
                notification_id,
                exc_info=True,
            )


def notification_backoff(*, attempts: int) -> timedelta:
    """Return the wait after the ``attempts``-th failed attempt: 1, 2, 4, 8… minutes, at most an hour."""
    return min(BACKOFF_FIRST * 2 ** min(max(attempts - 1, 0), 16), BACKOFF_MAX)


def _error_code(error: Exception) -> str:
    """Name a failure without quoting it: a provider's message may contain an address or a number."""
    code = type(error).__name__
    if isinstance(error, SMTPResponseException):
        code = f"{code} {error.smtp_code}"
    return code[:100]


def _refusal(notification: Notification) -> str | None:
    recipient = notification.recipient
    if not recipient.is_active:
        return Refusal.RECIPIENT_INACTIVE
    if notification.channel == Notification.Channel.EMAIL and not recipient.email:
        return Refusal.NO_EMAIL_ADDRESS
    if notification.channel == Notification.Channel.SMS:
        if not recipient.mobile:
            return Refusal.NO_MOBILE_NUMBER
        if not purpose_consent_is_active(user=recipient, purpose=Purpose.SMS_NOTICES):
            return Refusal.NO_SMS_CONSENT
    return None


def _mail_domain() -> str:
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def notification_message_id(notification: Notification) -> str:
    """Return the Message-ID every attempt of an e-mail notice carries: the same for a repeated send."""
    return f"<notification-{notification.pk}@{_mail_domain()}>"


def _send(notification: Notification, rendered: RenderedNotice) -> str:
    """Hand the notice to its channel's backend; return the provider's message id."""
    recipient = notification.recipient
    if notification.channel == Notification.Channel.EMAIL:
        message_id = notification_message_id(notification)
        message = EmailMessage(
            subject=rendered.subject,
            body=rendered.email_body,
            to=[recipient.email],
            headers={"Message-ID": message_id},
        )
        spec = notice_kind_get(notification.kind)
        if spec is not None and spec.attachments is not None:
            for attachment in spec.attachments(notification.context, recipient):
                message.attach(attachment.filename, attachment.content, attachment.mimetype)
        if message.send() != 1:
            raise EmailNotAccepted
        return message_id
    return sms_backend().send(
        to=recipient.mobile, text=rendered.sms, idempotency_key=str(notification.idempotency_key)
    )


def _attempt_begin(*, notification_id: int, now: datetime) -> tuple[Notification | None, bool]:
    """Take a pending, due notice and record the attempt in its own commit, before anything is sent.

    Recording the attempt also leases the row: its next attempt moves ``SEND_LEASE`` ahead, so another
    delivery (a redelivered task, the sweep) passes it over while this one sends. Returns the notice when it
    and whether it is to be sent now: not when it was failed as a refusal or, for the in-app inbox, marked
    sent here; (None, False) when there is nothing to do.
    """
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("recipient")
            .filter(pk=notification_id, state=Notification.State.PENDING, next_attempt_at__lte=now)
            .first()
        )
        if notification is None:
            return None, False
        refusal = _refusal(notification)
        if refusal is not None:
            notification.state = Notification.State.FAILED
            notification.last_error = refusal
            notification.attempt_started_at = None
            notification.save(update_fields=["state", "last_error", "attempt_started_at"])
            logger.info("Notification %s not sent: %s", notification.pk, refusal)
            return notification, False
        notification.attempts += 1
        if notification.channel == Notification.Channel.IN_APP:
            # The row is the message: marking it sent puts it in the inbox, and nothing leaves the database.
            _mark_sent(notification, provider_message_id="", now=now)
            return notification, False
        if notification.attempt_started_at is not None:
            # An earlier attempt began and its outcome was never recorded (its worker died, or the database
            # went away, after the hand-over): the message may have gone out. It goes again with the same
            # Message-ID and idempotency key, so a provider that drops repeats sends it once.
            logger.warning(
                "Notification %s: the outcome of an attempt begun at %s was never recorded; sending again "
                "with the same idempotency key.",
                notification.pk,
                notification.attempt_started_at.isoformat(),
            )
        notification.attempt_started_at = now
        notification.next_attempt_at = now + SEND_LEASE
        if notification.channel == Notification.Channel.EMAIL:
            notification.provider_message_id = notification_message_id(notification)
        notification.save(
            update_fields=["attempts", "attempt_started_at", "next_attempt_at", "provider_message_id"]
        )
    return notification, True


def _mark_sent(notification: Notification, *, provider_message_id: str, now: datetime) -> None:
    notification.state = Notification.State.SENT
    notification.sent_at = now
    notification.last_error = ""
    notification.attempt_started_at = None
    notification.provider_message_id = provider_message_id[:200]
    notification.save(
        update_fields=[
            "state",
            "sent_at",
            "attempts",
            "last_error",
            "provider_message_id",
            "attempt_started_at",
        ]
    )


def notification_deliver(*, notification_id: int, now: datetime | None = None) -> Notification | None:
    """Send one pending, due notice over its channel, at most once in the common case, and record the outcome.

    Returns the notice, or None when there was nothing to do: it is not pending, not yet due (``now``,
    default the current time), or another delivery holds or leases it. Safe to call any number of times.
    Causes, in three commits: the attempt recorded (counted, the row leased for ``SEND_LEASE``, the e-mail's
    Message-ID noted); the e-mail or SMS handed to the configured backend, outside any transaction; then the
    row marked sent, or on a backend error the next attempt scheduled (or the row failed after
    ``MAX_ATTEMPTS``). When the notice cannot be sent (see ``Refusal``), the row is failed and nothing sent;
    an in-app notice is marked sent in the first commit.
    """
    now = now or timezone.now()
    notification, to_send = _attempt_begin(notification_id=notification_id, now=now)
    if not to_send:
        return notification
    try:
        rendered = notice_render(
            kind=notification.kind,
            context=notification.context,
            language=notification.recipient.preferred_language,
        )
        provider_message_id = _send(notification, rendered)
    except Exception as error:
        # Whatever stopped the hand-over counts as a failed attempt, so a notice that can never be sent
        # ends failed instead of being retried every minute.
        with transaction.atomic():
            _record_failure(notification, error=error, now=now)
        return notification
    with transaction.atomic():
        _mark_sent(notification, provider_message_id=provider_message_id, now=now)
    return notification


def _record_failure(notification: Notification, *, error: Exception, now: datetime) -> None:
    notification.last_error = _error_code(error)
    notification.attempt_started_at = None
    if notification.attempts >= MAX_ATTEMPTS:
        notification.state = Notification.State.FAILED
    else:
        notification.next_attempt_at = now + notification_backoff(attempts=notification.attempts)
    notification.save(
        update_fields=["state", "attempts", "last_error", "next_attempt_at", "attempt_started_at"]
    )
    logger.warning(
        "Notification %s (%s) attempt %s failed: %s",
        notification.pk,
        notification.channel,
        notification.attempts,
        notification.last_error,
    )


def notifications_deliver_due(*, now: datetime | None = None, batch_size: int = SWEEP_BATCH_SIZE) -> int:
    """Deliver every pending notice due by ``now`` (default: when the sweep starts); return how many.

    Reads due rows in batches, each one query on the partial index ``notification_due_idx``, walking
    forward by (next_attempt_at, id): a row another delivery holds is passed over, not read again, and a
    row that failed leaves the range because its next attempt lies ahead. Stops taking batches after
    ``SWEEP_TIME_BUDGET_SECONDS``; the next sweep carries on. Sweeps that overlap are safe.
    """
    cutoff = now or timezone.now()
    started = time.monotonic()
    handled = 0
    after: tuple[datetime, int] | None = None
    while True:
        due = Notification.objects.filter(state=Notification.State.PENDING, next_attempt_at__lte=cutoff)
        if after is not None:
            due = due.filter(Q(next_attempt_at__gt=after[0]) | Q(next_attempt_at=after[0], pk__gt=after[1]))
        batch = list(due.order_by("next_attempt_at", "pk").values_list("next_attempt_at", "pk")[:batch_size])
        for _due_at, notification_id in batch:
            if notification_deliver(notification_id=notification_id, now=now) is not None:
                handled += 1
        if len(batch) < batch_size or time.monotonic() - started > SWEEP_TIME_BUDGET_SECONDS:
            return handled
        after = batch[-1]


@transaction.atomic
def notification_preference_set(
    *,
    user: User,
    email: bool,
    sms: bool,
    actor: User,
    consent_to_sms: bool = False,
    ip_address: str | None = None,
    user_agent: str = "",
) -> NotificationPreference:
    """Save which channels the person wants notices on, besides the in-app inbox.

    With ``consent_to_sms`` the person also gives their consent to SMS notices here (recorded as on the My
    data page). Requires ``actor`` to be the person (raises PermissionDenied otherwise). Raises
    ValidationError on the ``sms`` field when SMS is asked for without a mobile number or without consent to
    SMS notices, and then records nothing. Applies to notices written from now on.
    """
    if actor.pk != user.pk:
        raise PermissionDenied
    if sms and not user.mobile:
        raise ValidationError(
            {"sms": ValidationError(_("Add your mobile number to your account first."), code="no_mobile")}
        )
    if sms and consent_to_sms:
        purpose_consent_grant(
            user=user,
            purpose=Purpose.SMS_NOTICES,
            given_by=actor,
            ip_address=ip_address,
            user_agent=user_agent,
        )
    if sms and not purpose_consent_is_active(user=user, purpose=Purpose.SMS_NOTICES):
        message = _("Give your consent to SMS notices on the My data page first.")
        raise ValidationError({"sms": ValidationError(message, code="no_sms_consent")})
    preference, _created = NotificationPreference.objects.update_or_create(
        user=user, defaults={"email": email, "sms": sms, "updated_at": timezone.now()}
    )
    return preference


def notifications_mark_all_read(*, user: User, actor: User) -> int:
    """Mark every unread in-app notice of the person read; return how many. Only the person may."""
    if actor.pk != user.pk:
        raise PermissionDenied
    return Notification.objects.filter(
        recipient=user,
        channel=Notification.Channel.IN_APP,
        state=Notification.State.SENT,
        read_at__isnull=True,
    ).update(read_at=timezone.now())
