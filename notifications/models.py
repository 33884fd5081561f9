"""The outbox: a notice is a row written in the same transaction as the change that causes it."""

import uuid

from django.conf import settings
from django.contrib.postgres.functions import RandomUUID
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """One notice to one person over one channel; a delivery worker sends pending rows and records the result.

    The context holds only what the message template needs and no personal data beyond a complaint's
    reference: names, texts and contact details are read at delivery time, under the access policy.
    """

    class Channel(models.TextChoices):
        EMAIL = "email", _("E-mail")
        SMS = "sms", _("SMS")
        IN_APP = "in_app", _("In the app")

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    kind = models.SlugField(_("kind"), max_length=60)
    context = models.JSONField(_("context"), default=dict, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    # Why the last attempt failed, as a short code or exception name: never a provider's message, which may
    # quote an address or a number.
    last_error = models.CharField(_("last error"), max_length=100, blank=True)
    provider_message_id = models.CharField(_("provider's message ID"), max_length=200, blank=True)
    # Passed to the SMS provider with every attempt, so a provider that drops repeats sends one message. The
    # database default covers the rows the SLA sweep writes in SQL.
    idempotency_key = models.UUIDField(
        _("idempotency key"), default=uuid.uuid4, db_default=RandomUUID(), unique=True, editable=False
    )
    # Set, in its own commit, just before a message is handed to its backend; cleared when the outcome is
    # recorded. A row found with it set had an attempt whose outcome was never recorded (see services).
    attempt_started_at = models.DateTimeField(_("attempt started at"), null=True, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["created_at", "id"]
        indexes = [
            # The delivery sweep reads due pending rows only.
            models.Index(
                fields=["next_attempt_at"], condition=Q(state="pending"), name="notification_due_idx"
            ),
            models.Index(fields=["recipient", "channel", "created_at"], name="notification_inbox_idx"),
            # The unread count in every page's header.
            models.Index(
                fields=["recipient"],
                condition=Q(channel="in_app", state="sent", read_at__isnull=True),
                name="notification_unread_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(channel__in=["email", "sms", "in_app"]), name="notification_channel_known"
            ),
            models.CheckConstraint(
                condition=(Q(state="sent") & Q(sent_at__isnull=False))
                | (~Q(state="sent") & Q(sent_at__isnull=True)),
                name="notification_sent_at_when_sent",
            ),
            models.CheckConstraint(
                condition=Q(read_at__isnull=True) | Q(channel="in_app", state="sent"),
                name="notification_read_only_in_app",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient_id} ({self.channel})"


class NotificationPreference(models.Model):
    """Which channels a person wants notices on, besides the in-app inbox that is always on.

    No row means the defaults: e-mail on, SMS off (SMS also needs a mobile number and consent to SMS notices).
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="notification_preference",
    )
    email = models.BooleanField(_("notices by e-mail"), default=True)
    sms = models.BooleanField(_("notices by SMS"), default=False)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return f"{self.user_id}: email={self.email} sms={self.sms}"
