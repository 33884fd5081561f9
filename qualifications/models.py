"""Qualifications (资质): the certificates a counsellor or an instructor holds, vetted and kept current.

A qualification belongs to a holder (a row of a model a domain registered in ``registry``), is of a kind the
platform requires or accepts for that model, carries its number, issuer, level and validity, and a scanned
copy encrypted at rest. A reviewer who is not the holder verifies or rejects it; a verified one may be
suspended. A holder is qualified while every kind required of their model has a verified qualification valid
today (``selectors.qualified``): an expired or suspended certificate takes them out at once, by the query.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import LocalizedName, TimelineEvent
from privacy.fields import EncryptedBinaryField

NUMBER_MAX_LENGTH = 100
ISSUER_MAX_LENGTH = 200
LEVEL_MAX_LENGTH = 100
REASON_MAX_LENGTH = 1000
# Days before a qualification's last valid day on which its holder and the reviewers are reminded.
REMINDER_DAYS = (90, 60, 30)


class QualificationKind(LocalizedName):
    """A kind of qualification a model's holders hold (心理咨询师证书, 教师资格证); staff may add kinds."""

    holder_type = models.ForeignKey(
        ContentType, verbose_name=_("held by"), on_delete=models.PROTECT, related_name="+"
    )
    code = models.SlugField(_("code"), max_length=40)
    required = models.BooleanField(
        _("required"),
        default=False,
        help_text=_(
            "A holder without a verified, valid qualification of every required kind is not qualified."
        ),
    )
    expires = models.BooleanField(
        _("expires"), default=True, help_text=_("Whether a qualification of this kind has a last valid day.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("kind of qualification")
        verbose_name_plural = _("kinds of qualification")
        ordering = ["holder_type", "position", "code"]
        constraints = [
            models.UniqueConstraint(fields=["holder_type", "code"], name="qualification_kind_unique_code"),
            # A required kind that never lapses could never be re-checked.
            models.CheckConstraint(
                condition=Q(required=False) | Q(expires=True), name="qualification_kind_required_expires"
            ),
        ]


class State(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted, awaiting vetting")
    VERIFIED = "verified", _("Verified")
    REJECTED = "rejected", _("Rejected")
    SUSPENDED = "suspended", _("Suspended")


class Qualification(models.Model):
    holder_type = models.ForeignKey(
        ContentType, verbose_name=_("holder type"), on_delete=models.PROTECT, related_name="+"
    )
    holder_id = models.PositiveBigIntegerField(_("holder ID"))
    holder = GenericForeignKey("holder_type", "holder_id")
    kind = models.ForeignKey(
        QualificationKind, verbose_name=_("kind"), on_delete=models.PROTECT, related_name="qualifications"
    )
    number = models.CharField(_("certificate number"), max_length=NUMBER_MAX_LENGTH)
    issuer = models.CharField(_("issuing body"), max_length=ISSUER_MAX_LENGTH)
    level = models.CharField(_("level"), max_length=LEVEL_MAX_LENGTH, blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(
        _("valid until"), null=True, blank=True, help_text=_("Its last valid day.")
    )
    scan = EncryptedBinaryField(_("scanned copy"))
    scan_type = models.CharField(_("file type of the scan"), max_length=100)
    scan_name = models.CharField(_("file name of the scan"), max_length=255)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.SUBMITTED)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.PROTECT,
        related_name="qualifications_submitted",
    )
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="qualifications_reviewed",
    )
    reviewed_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    reason = models.TextField(_("reason"), max_length=REASON_MAX_LENGTH, blank=True)
    # When the platform acted on this qualification no longer counting (expired or suspended): once.
    lapse_handled_at = models.DateTimeField(_("lapse handled at"), null=True, blank=True)

    class Meta:
        verbose_name = _("qualification")
        verbose_name_plural = _("qualifications")
        ordering = ["-submitted_at", "-id"]
        permissions = [("vet_qualification", _("Can verify, reject and suspend qualifications"))]
        indexes = [
            models.Index(fields=["holder_type", "holder_id", "kind"], name="qualification_holder"),
            models.Index(
                fields=["valid_until"], condition=Q(state="verified"), name="qualification_verified_until"
            ),
            models.Index(
                fields=["submitted_at"], condition=Q(state="submitted"), name="qualification_waiting"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=F("valid_from")),
                name="qualification_valid_range",
            ),
            models.CheckConstraint(
                condition=~Q(state__in=["rejected", "suspended"]) | ~Q(reason=""),
                name="qualification_refusal_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(state="submitted") | Q(reviewed_by__isnull=False, reviewed_at__isnull=False),
                name="qualification_decision_has_reviewer",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.number}"

    def is_current(self, on=None) -> bool:
        """Whether it counts on a day (today by default): verified and within its validity."""
        on = on or timezone.localdate()
        return (
            self.state == State.VERIFIED
            and self.valid_from <= on
            and (self.valid_until is None or self.valid_until >= on)
        )


class QualificationEvent(TimelineEvent):
    """One step of a qualification's vetting: submitted, verified, rejected, suspended, reinstated, lapsed."""

    qualification = models.ForeignKey(
        Qualification, verbose_name=_("qualification"), on_delete=models.PROTECT, related_name="events"
    )

    class Meta(TimelineEvent.Meta):
        verbose_name = _("qualification event")
        verbose_name_plural = _("qualification events")
        indexes = [models.Index(fields=["qualification", "created_at"], name="qualification_event_at")]


class QualificationReminder(models.Model):
    """A reminder sent that a qualification lapses soon: once per qualification and threshold."""

    qualification = models.ForeignKey(
        Qualification, verbose_name=_("qualification"), on_delete=models.CASCADE, related_name="reminders"
    )
    days_before = models.PositiveSmallIntegerField(_("days before it lapses"))
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)
    recipients = models.PositiveIntegerField(_("people reminded"), default=0)

    class Meta:
        verbose_name = _("qualification reminder")
        verbose_name_plural = _("qualification reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["qualification", "days_before"], name="qualification_reminder_once"
            ),
            models.CheckConstraint(
                condition=Q(days_before__in=REMINDER_DAYS), name="qualification_reminder_threshold"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.qualification_id} −{self.days_before}d"
