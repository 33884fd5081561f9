"""Online customer service (在线客服): chats between a learner and the staff on duty, their messages, and who
is on duty.

A chat is numbered ``KF-<year>-<number>`` (``core.references``). It opens *waiting* for an agent when someone
is on duty, or as a *message* (留言) with a reply target on the shared SLA engine when nobody is; an agent
takes it (*active*), and either side may end it (*closed*). Messages are only ever added by the services;
the erasure of a person's data blanks the learner's own.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.references import ReferenceSortKey, reference_pattern

REFERENCE_PREFIX = "KF"
REFERENCE_PATTERN = reference_pattern(REFERENCE_PREFIX)
MAX_MESSAGE_LENGTH = 2000


class State(models.TextChoices):
    WAITING = "waiting", _("Waiting for an agent")
    ACTIVE = "active", _("In conversation")
    MESSAGE = "message", _("Message left (nobody on duty)")
    CLOSED = "closed", _("Ended")


OPEN_STATES = frozenset({State.WAITING, State.ACTIVE, State.MESSAGE})


class Chat(models.Model):
    reference = models.CharField(_("reference number"), max_length=20, unique=True, editable=False)
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("learner"),
        on_delete=models.PROTECT,
        related_name="chats",
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="chats_answered",
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices)
    # Where the learner opened it: a page of this site (the help article they were reading).
    opened_from = models.CharField(_("opened from"), max_length=200, blank=True)
    left_as_message = models.BooleanField(
        _("left as a message"), default=False, help_text=_("Nobody was on duty when the chat was opened.")
    )
    created_at = models.DateTimeField(_("opened at"), default=timezone.now)
    assigned_at = models.DateTimeField(_("taken at"), null=True, blank=True)
    first_reply_at = models.DateTimeField(_("first staff reply at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    # The complaint or feedback item the chat became, by its reference (TS-… or FK-…).
    converted_to = models.CharField(_("turned into"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("chat")
        verbose_name_plural = _("chats")
        ordering = ["-created_at", "-id"]
        permissions = [("answer_chat", "Can answer chats in the chat console")]
        indexes = [
            models.Index(ReferenceSortKey("reference"), name="livechat_reference_order_idx"),
            models.Index(fields=["learner", "-created_at"], name="livechat_chat_learner_idx"),
            models.Index(
                fields=["state", "created_at"],
                name="livechat_chat_open_idx",
                condition=~Q(state="closed"),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(reference__regex=REFERENCE_PATTERN), name="livechat_reference_format"
            ),
            models.CheckConstraint(
                condition=Q(state__in=[choice.value for choice in State]), name="livechat_chat_state"
            ),
            models.CheckConstraint(
                condition=~Q(state="active") | Q(agent__isnull=False), name="livechat_active_has_agent"
            ),
            models.CheckConstraint(
                condition=~Q(state="closed") | Q(closed_at__isnull=False), name="livechat_closed_has_time"
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES


class ChatMessage(models.Model):
    chat = models.ForeignKey(Chat, verbose_name=_("chat"), on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    from_staff = models.BooleanField(_("from staff"))
    body = models.CharField(_("message"), max_length=MAX_MESSAGE_LENGTH)
    created_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        verbose_name = _("chat message")
        verbose_name_plural = _("chat messages")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["chat", "created_at", "id"], name="livechat_message_order_idx")]

    def __str__(self) -> str:
        return f"{self.chat_id}:{self.pk}"


class DutyStatus(models.Model):
    """Whether a member of the customer-service staff is on duty and answers new chats now."""

    staff = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member of staff"),
        on_delete=models.CASCADE,
        related_name="chat_duty",
    )
    on_duty = models.BooleanField(_("on duty"), default=False)
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now)

    class Meta:
        verbose_name = _("duty status")
        verbose_name_plural = _("duty statuses")
        indexes = [models.Index(fields=["staff"], name="livechat_on_duty_idx", condition=Q(on_duty=True))]

    def __str__(self) -> str:
        return f"{self.staff_id}: {'on' if self.on_duty else 'off'}"
