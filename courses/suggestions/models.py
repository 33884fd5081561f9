"""Update suggestions (``GX-<year>-<number>``), the learners who support them, their append-only timeline and
evidence, and each course's versions (its change log)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.evidence import evidence_storage
from core.models import TimelineEvent
from core.references import ReferenceSortKey, reference_pattern

REFERENCE_PREFIX = "GX"
REFERENCE_PATTERN = reference_pattern(REFERENCE_PREFIX)
TEXT_MAX_LENGTH = 2000
REASON_MAX_LENGTH = 1000
VERSION_MAX_LENGTH = 30
# The unique constraint that keeps one vote per learner (the service names it in its refusal).
ONE_VOTE_EACH = "suggestion_support_once"


class CourseVersion(models.Model):
    """A version of a course's material, as its change log (版本更新记录) lists it."""

    course = models.ForeignKey(
        "courses.Course", verbose_name=_("course"), on_delete=models.PROTECT, related_name="versions"
    )
    number = models.CharField(_("version"), max_length=VERSION_MAX_LENGTH, help_text=_("For example 2.1."))
    released_on = models.DateField(_("released on"))
    notes = models.TextField(_("what changed"), max_length=TEXT_MAX_LENGTH, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("course version")
        verbose_name_plural = _("course versions")
        ordering = ["course", "-released_on", "-id"]
        constraints = [models.UniqueConstraint(fields=["course", "number"], name="course_version_once")]
        indexes = [models.Index(fields=["course", "-released_on"], name="course_version_log_idx")]

    def __str__(self) -> str:
        return self.number


class Kind(models.TextChoices):
    OUTDATED = "outdated", _("Outdated material")
    MISSING_TOPIC = "missing_topic", _("A missing topic")
    CHAPTER_ERROR = "chapter_error", _("An error in a chapter")


class State(models.TextChoices):
    OPEN = "open", pgettext_lazy("suggestion", "Proposed")
    ACCEPTED = "accepted", pgettext_lazy("suggestion", "Accepted")
    PLANNED = "planned", pgettext_lazy("suggestion", "Planned")
    DECLINED = "declined", pgettext_lazy("suggestion", "Declined")
    DONE = "done", pgettext_lazy("suggestion", "Done")


TERMINAL_STATES = frozenset({State.DECLINED, State.DONE})
OPEN_STATES = frozenset(State.values) - TERMINAL_STATES


class UpdateSuggestion(models.Model):
    reference = models.CharField(_("reference number"), max_length=20, unique=True, editable=False)
    course = models.ForeignKey(
        "courses.Course", verbose_name=_("course"), on_delete=models.PROTECT, related_name="suggestions"
    )
    proposer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        on_delete=models.PROTECT,
        related_name="course_suggestions",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    chapter = models.PositiveSmallIntegerField(_("chapter"), null=True, blank=True)
    text = models.TextField(_("suggestion"), max_length=TEXT_MAX_LENGTH)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.OPEN)
    decline_reason = models.TextField(_("reason declined"), max_length=REASON_MAX_LENGTH, blank=True)
    version = models.ForeignKey(
        CourseVersion,
        verbose_name=_("landed in version"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="suggestions",
    )
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("last answered by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("last answered at"), null=True, blank=True)
    created_at = models.DateTimeField(_("proposed at"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("update suggestion")
        verbose_name_plural = _("update suggestions")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["course", "state", "-created_at"], name="suggestion_course_idx"),
            models.Index(fields=["state", "created_at"], name="suggestion_queue_idx"),
            models.Index(ReferenceSortKey("reference"), name="suggestion_reference_order_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(reference__regex=REFERENCE_PATTERN), name="suggestion_reference_format"
            ),
            models.CheckConstraint(condition=Q(kind__in=Kind.values), name="suggestion_kind_known"),
            models.CheckConstraint(condition=Q(state__in=State.values), name="suggestion_state_known"),
            # An error is in a chapter, and only an error names one.
            models.CheckConstraint(
                condition=Q(kind=Kind.CHAPTER_ERROR, chapter__gte=1)
                | (~Q(kind=Kind.CHAPTER_ERROR) & Q(chapter__isnull=True)),
                name="suggestion_chapter_for_errors",
            ),
            models.CheckConstraint(
                condition=~Q(state=State.DECLINED) | ~Q(decline_reason=""),
                name="suggestion_declined_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(state=State.DONE, version__isnull=False)
                | (~Q(state=State.DONE) & Q(version=None)),
                name="suggestion_done_has_version",
            ),
            models.CheckConstraint(
                condition=Q(state__in=sorted(TERMINAL_STATES), closed_at__isnull=False)
                | (~Q(state__in=sorted(TERMINAL_STATES)) & Q(closed_at__isnull=True)),
                name="suggestion_closed_at_when_finished",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.state not in TERMINAL_STATES


class SuggestionSupport(models.Model):
    """One learner's vote for another's suggestion."""

    suggestion = models.ForeignKey(
        UpdateSuggestion,
        verbose_name=_("update suggestion"),
        on_delete=models.CASCADE,
        related_name="supports",
    )
    supporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("supporter"),
        on_delete=models.CASCADE,
        related_name="course_suggestions_supported",
    )
    created_at = models.DateTimeField(_("supported at"), default=timezone.now)

    class Meta:
        verbose_name = _("support")
        verbose_name_plural = _("supports")
        constraints = [models.UniqueConstraint(fields=["suggestion", "supporter"], name=ONE_VOTE_EACH)]
        indexes = [models.Index(fields=["supporter"], name="suggestion_supporter_idx")]

    def __str__(self) -> str:
        return f"{self.suggestion_id}:{self.supporter_id}"


class EventKind(models.TextChoices):
    PROPOSED = "proposed", pgettext_lazy("suggestion", "Proposed")
    STATE_CHANGE = "state_change", _("State change")


class SuggestionEvent(TimelineEvent):
    """One entry in a suggestion's timeline; a database trigger refuses any change or deletion."""

    suggestion = models.ForeignKey(
        UpdateSuggestion, verbose_name=_("update suggestion"), on_delete=models.PROTECT, related_name="events"
    )
    kind = models.CharField(_("kind"), max_length=40, choices=EventKind.choices)
    from_state = models.CharField(_("from state"), max_length=10, choices=State.choices, blank=True)
    to_state = models.CharField(_("to state"), max_length=10, choices=State.choices, blank=True)

    class Meta(TimelineEvent.Meta):
        verbose_name = _("suggestion event")
        verbose_name_plural = _("suggestion events")
        indexes = [models.Index(fields=["suggestion", "created_at"], name="suggestion_event_timeline_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=EventKind.values), name="suggestion_event_kind_known"
            ),
        ]


class SuggestionAttachment(models.Model):
    """An evidence file sent with a suggestion, checked by content (``core.evidence``), stored privately."""

    suggestion = models.ForeignKey(
        UpdateSuggestion,
        verbose_name=_("update suggestion"),
        on_delete=models.PROTECT,
        related_name="attachments",
    )
    file = models.FileField(_("file"), storage=evidence_storage, max_length=255)
    original_name = models.CharField(_("original file name"), max_length=255)
    content_type = models.CharField(_("detected content type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(size__gt=0), name="suggestion_attachment_not_empty"),
            models.CheckConstraint(
                condition=Q(sha256__regex=r"^[0-9a-f]{64}$"), name="suggestion_attachment_sha256_hex"
            ),
        ]

    def __str__(self) -> str:
        return self.original_name
