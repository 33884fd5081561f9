"""The append-only timeline of a complaint, and the evidence files attached to it."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints.states import State
from core.evidence import EvidenceStorage, evidence_storage  # noqa: F401  (named by migrations)
from core.models import TimelineEvent

from .complaint import Complaint


class EventKind(models.TextChoices):
    STATE_CHANGE = "state_change", _("State change")
    PUBLIC_REPLY = "public_reply", _("Public reply")
    INTERNAL_NOTE = "internal_note", _("Internal note")
    INFORMATION_REQUEST = "information_request", _("Information request")
    COMPLAINANT_REPLY = "complainant_reply", _("Complainant's reply")
    COMPLAINANT_MESSAGE = "complainant_message", _("Message from the complainant")
    ASSIGNMENT = "assignment", _("Assignment")
    DELEGATION = "delegation", _("Delegation")
    SEVERITY_CHANGE = "severity_change", _("Severity change")
    FLAG_CHANGE = "flag_change", _("Flag change")
    AFFECTED_LEARNERS_ADDED = "affected_learners_added", _("Affected learners added")
    APPROVAL_REQUESTED = "approval_requested", _("Approval requested")
    APPROVAL_DECISION = "approval_decision", _("Approval decision")
    REMEDY_PROPOSED = "remedy_proposed", _("Remedy proposed")
    REMEDY_CARRIED_OUT = "remedy_carried_out", _("Remedy carried out")
    ESCALATION = "escalation", _("Escalation")
    EVIDENCE_ADDED = "evidence_added", _("Evidence added")
    SATISFACTION = "satisfaction", _("Satisfaction")
    APPEAL = "appeal", _("Appeal")
    APPEAL_DECISION = "appeal_decision", _("Appeal decision")
    MERGE = "merge", _("Merge")
    IMPROVEMENT_ACTION = "improvement_action", _("Improvement action")


class ComplaintEvent(TimelineEvent):
    """One entry in a complaint's timeline. Rows are never changed or deleted (a database trigger refuses)."""

    complaint = models.ForeignKey(
        Complaint, verbose_name=_("complaint"), on_delete=models.PROTECT, related_name="events"
    )
    kind = models.CharField(_("kind"), max_length=40, choices=EventKind.choices)
    is_public = models.BooleanField(
        _("visible to the complainant"), default=False, help_text=_("Complainants see public events only.")
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaint_events",
        help_text=_("Empty for changes the system makes by rule, such as closing after the waiting period."),
    )
    from_state = models.CharField(_("from state"), max_length=30, choices=State.choices, blank=True)
    to_state = models.CharField(_("to state"), max_length=30, choices=State.choices, blank=True)

    class Meta(TimelineEvent.Meta):
        verbose_name = _("complaint event")
        verbose_name_plural = _("complaint events")
        indexes = [models.Index(fields=["complaint", "created_at"], name="complaint_event_timeline_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=EventKind.values), name="complaint_event_kind_known"),
        ]

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.kind} {self.created_at:%Y-%m-%d %H:%M}"


class Attachment(models.Model):
    """An evidence file, stored privately under a random name; its type was checked by content."""

    complaint = models.ForeignKey(
        Complaint, verbose_name=_("complaint"), on_delete=models.PROTECT, related_name="attachments"
    )
    file = models.FileField(_("file"), storage=evidence_storage, max_length=255)
    original_name = models.CharField(_("original file name"), max_length=255)
    content_type = models.CharField(_("detected content type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="complaint_attachments",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(size__gt=0), name="attachment_not_empty"),
            models.CheckConstraint(
                condition=Q(sha256__regex=r"^[0-9a-f]{64}$"), name="attachment_sha256_hex"
            ),
        ]

    def __str__(self) -> str:
        return self.original_name
