"""The complaint itself, the learners it affects, and the explicit grants that delegate it."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from complaints.states import TERMINAL_STATES, State
from core.references import ReferenceSortKey, reference_pattern
from core.search import SearchVector

from .rules import Severity

# Complaints are numbered TS-<year>-<number> (core.references).
REFERENCE_PREFIX = "TS"
REFERENCE_PATTERN = reference_pattern(REFERENCE_PREFIX)
# The longest free text a page or the API accepts: a description, a reply, a reason, a note.
MAX_TEXT_LENGTH = 5000


class Channel(models.TextChoices):
    WEB = "web", _("Website")
    APP = "app", _("Mobile app")
    PHONE = "phone", _("Phone hotline")
    EMAIL = "email", _("E-mail")
    WALK_IN = "walk_in", _("Walk-in counter")
    WECHAT = "wechat", _("WeChat")
    LETTER = "letter", _("Letter")
    FEEDBACK = "feedback", _("Converted from feedback")
    CHAT = "chat", _("Online customer service")


# Channels where the complainant files in person online; staff log the others on their behalf.
SELF_SERVICE_CHANNELS = frozenset({Channel.WEB, Channel.APP})


class Complaint(models.Model):
    # What the access log calls the parts of a complaint that are not one field (privacy.AccessLogEntry).
    ACCESS_LOG_LABELS = {"timeline": _("timeline"), "evidence": _("evidence")}

    reference = models.CharField(_("reference number"), max_length=20, unique=True, editable=False)
    complainant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("complainant"),
        on_delete=models.PROTECT,
        related_name="complaints_filed",
    )
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("learner"),
        on_delete=models.PROTECT,
        related_name="complaints_affecting",
        help_text=_("The learner affected; the complainant themselves when a learner files."),
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("filed by"),
        on_delete=models.PROTECT,
        related_name="complaints_logged",
        help_text=_("The complainant, or the staff member who logged it from another channel."),
    )
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices, default=Channel.WEB)
    category = models.ForeignKey(
        "complaints.Category", verbose_name=_("category"), on_delete=models.PROTECT, related_name="complaints"
    )
    severity = models.CharField(
        _("severity"), max_length=20, choices=Severity.choices, default=Severity.GENERAL
    )
    is_urgent = models.BooleanField(_("urgent"), default=False)
    legal_flag = models.BooleanField(_("legal flag"), default=False)
    safety_flag = models.BooleanField(_("safety flag"), default=False)

    subject_course = models.ForeignKey(
        "courses.Course",
        verbose_name=_("course concerned"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints",
    )
    subject_instructor = models.ForeignKey(
        "courses.Instructor",
        verbose_name=_("instructor concerned"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints",
    )
    subject_department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("department concerned"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints_about",
    )
    subject_staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff member concerned"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints_about",
    )

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    # What staff search finds a complaint by (core.search): kept by the database from the title and the
    # description, so no write path can forget it, and read as a value, never cut again per row searched.
    search_vector = models.GeneratedField(
        expression=SearchVector("title", "description"), output_field=SearchVectorField(), db_persist=True
    )

    state = models.CharField(_("state"), max_length=30, choices=State.choices, default=State.SUBMITTED)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints_owned",
    )
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("assigned department"),
        on_delete=models.PROTECT,
        related_name="complaints_assigned",
    )
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_complaints",
    )

    # The SLA clocks and escalations of the complaint (sla points at any subject by content type and id).
    clocks = GenericRelation(
        "sla.Clock",
        content_type_field="subject_type",
        object_id_field="subject_id",
        related_query_name="complaint",
    )
    escalations = GenericRelation(
        "sla.Escalation",
        content_type_field="subject_type",
        object_id_field="subject_id",
        related_query_name="complaint",
    )

    satisfaction_rating = models.PositiveSmallIntegerField(_("satisfaction rating"), null=True, blank=True)
    satisfaction_comment = models.TextField(_("satisfaction comment"), blank=True)

    created_at = models.DateTimeField(_("filed at"), default=timezone.now)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    first_responded_at = models.DateTimeField(_("first responded at"), null=True, blank=True)
    responded_at = models.DateTimeField(_("responded at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["state", "department"], name="complaint_queue_idx"),
            models.Index(fields=["owner", "state"], name="complaint_owner_state_idx"),
            models.Index(fields=["created_at"], name="complaint_created_idx"),
            # The dashboard reads the complaints closed on a day.
            models.Index(
                fields=["closed_at"], condition=Q(closed_at__isnull=False), name="complaint_closed_idx"
            ),
            models.Index(fields=["complainant", "category", "created_at"], name="complaint_duplicate_idx"),
            # The queue sorted by reference number: by number, not by text (…-1000000 after …-999999).
            models.Index(ReferenceSortKey("reference"), name="complaint_reference_order_idx"),
            # Staff find complaints by a few characters of their title or description (core.search).
            GinIndex(fields=["search_vector"], name="complaint_search_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(reference__regex=REFERENCE_PATTERN), name="complaint_reference_format"
            ),
            models.CheckConstraint(condition=Q(state__in=State.values), name="complaint_state_known"),
            models.CheckConstraint(
                condition=Q(severity__in=Severity.values), name="complaint_severity_known"
            ),
            models.CheckConstraint(condition=Q(channel__in=Channel.values), name="complaint_channel_known"),
            models.CheckConstraint(
                condition=Q(satisfaction_rating__isnull=True)
                | Q(satisfaction_rating__gte=1, satisfaction_rating__lte=5),
                name="complaint_rating_1_to_5",
            ),
            models.CheckConstraint(
                condition=Q(state=State.MERGED, merged_into__isnull=False)
                | (~Q(state=State.MERGED) & Q(merged_into__isnull=True)),
                name="complaint_merged_has_target",
            ),
            models.CheckConstraint(condition=~Q(merged_into=F("pk")), name="complaint_not_merged_into_self"),
            models.CheckConstraint(
                condition=Q(owner__isnull=True)
                | Q(subject_staff__isnull=True)
                | ~Q(owner=F("subject_staff")),
                name="complaint_owner_not_subject",
            ),
            models.CheckConstraint(
                condition=Q(state__in=sorted(TERMINAL_STATES), closed_at__isnull=False)
                | (~Q(state__in=sorted(TERMINAL_STATES)) & Q(closed_at__isnull=True)),
                name="complaint_closed_at_when_finished",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.state not in TERMINAL_STATES


class AffectedLearner(models.Model):
    """A learner a complaint affects: the complaint's own learner, co-complainants, a group's members."""

    complaint = models.ForeignKey(
        Complaint, verbose_name=_("complaint"), on_delete=models.CASCADE, related_name="affected_learners"
    )
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("learner"),
        on_delete=models.PROTECT,
        related_name="complaints_affected_by",
    )
    added_at = models.DateTimeField(_("added at"), default=timezone.now)

    class Meta:
        verbose_name = _("affected learner")
        verbose_name_plural = _("affected learners")
        constraints = [
            models.UniqueConstraint(fields=["complaint", "learner"], name="affected_learner_once"),
        ]

    def __str__(self) -> str:
        return f"{self.complaint_id} · {self.learner_id}"


class ComplaintUserObjectPermission(UserObjectPermissionBase):
    """Explicit grants on one complaint (a case delegated to a colleague), in a direct table."""

    content_object = models.ForeignKey(
        Complaint, on_delete=models.CASCADE, related_name="granted_user_permissions"
    )


class ComplaintGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(
        Complaint, on_delete=models.CASCADE, related_name="granted_group_permissions"
    )
