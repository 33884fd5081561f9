"""Feedback items (反馈), their timeline, the paper batches and representative meetings they come from.

A feedback item is a learner's suggestion or opinion: reviewed, planned, rectified, its result notified and
rated. Items are numbered ``FK-<year>-<number>`` (``core.references``). An anonymous item keeps no person at
all: whoever gave it follows it through a secret link whose hash alone is stored.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.evidence import evidence_storage
from core.models import LocalizedName, TimelineEvent
from core.references import ReferenceSortKey, reference_pattern
from core.search import SearchVector

REFERENCE_PREFIX = "FK"
REFERENCE_PATTERN = reference_pattern(REFERENCE_PREFIX)
MAX_TEXT_LENGTH = 5000


class Channel(models.TextChoices):
    ONLINE = "online", _("Online form")
    SURVEY = "survey", _("Term survey")
    PAPER = "paper", _("Paper form")
    MEETING = "meeting", _("Representative meeting")
    CHAT = "chat", _("Online customer service")


class State(models.TextChoices):
    RECEIVED = "received", _("Received")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")
    CONVERTED = "converted", _("Converted into a complaint")
    PLANNED = "planned", _("Handling plan made")
    RECTIFYING = "rectifying", _("In rectification")
    RESULT_NOTIFIED = "result_notified", _("Result notified")
    RATED = "rated", _("Rated")
    CLOSED = "closed", _("Closed")


TERMINAL_STATES = frozenset({State.REJECTED, State.CONVERTED, State.CLOSED})
OPEN_STATES = frozenset(State.values) - TERMINAL_STATES


class FeedbackCategory(LocalizedName):
    """What feedback is about (course content, teacher, …); staff may add categories."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    is_active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("feedback category")
        verbose_name_plural = _("feedback categories")
        ordering = ["position", "code"]


class PaperBatch(models.Model):
    """A stack of paper forms keyed in, or a scanned batch imported from a file."""

    class Kind(models.TextChoices):
        KEYED = "keyed", _("Keyed in by hand")
        IMPORTED = "imported", _("Imported from a file")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    term = models.ForeignKey(
        "courses.Term",
        verbose_name=_("term"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    school_class = models.ForeignKey(
        "courses.SchoolClass",
        verbose_name=_("class"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("entered by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("paper batch")
        verbose_name_plural = _("paper batches")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {timezone.localtime(self.created_at):%Y-%m-%d %H:%M}"


class RepresentativeMeeting(models.Model):
    """A meeting of class representatives (学员代表会议); each point raised becomes a feedback item."""

    held_on = models.DateField(_("held on"))
    term = models.ForeignKey(
        "courses.Term",
        verbose_name=_("term"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    classes = models.ManyToManyField("courses.SchoolClass", verbose_name=_("classes"), related_name="+")
    representatives = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("representatives present"),
        related_name="representative_meetings",
    )
    minutes = models.TextField(_("minutes"), max_length=MAX_TEXT_LENGTH * 4, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("representative meeting")
        verbose_name_plural = _("representative meetings")
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return str(_("Representative meeting of %(date)s") % {"date": self.held_on.isoformat()})


class FeedbackItem(models.Model):
    reference = models.CharField(_("reference number"), max_length=20, unique=True, editable=False)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.ONLINE)
    category = models.ForeignKey(
        FeedbackCategory, verbose_name=_("category"), on_delete=models.PROTECT, related_name="items"
    )
    course = models.ForeignKey(
        "courses.Course",
        verbose_name=_("course"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="feedback_items",
    )
    instructor = models.ForeignKey(
        "courses.Instructor",
        verbose_name=_("instructor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="feedback_items",
    )
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="feedback_items",
        help_text=_("The department the feedback is about; the course's when a course is named."),
    )
    is_urgent = models.BooleanField(_("urgent"), default=False)
    text = models.TextField(_("feedback"), max_length=MAX_TEXT_LENGTH)
    # What staff search finds an item by (core.search), kept by the database from its text (no title).
    search_vector = models.GeneratedField(
        expression=SearchVector(None, "text"), output_field=SearchVectorField(), db_persist=True
    )
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("learner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="feedback_items",
        help_text=_("Empty when the feedback was given anonymously."),
    )
    is_anonymous = models.BooleanField(_("anonymous"), default=False)
    # The SHA-256 of the secret link an anonymous giver follows the item with; the link itself is not kept.
    follow_key_hash = models.CharField(_("follow link key (hash)"), max_length=64, blank=True, editable=False)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="feedback_entered",
        help_text=_("The staff member who keyed or imported it; empty when the learner gave it online."),
    )
    term = models.ForeignKey(
        "courses.Term",
        verbose_name=_("term"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="feedback_items",
    )
    school_class = models.ForeignKey(
        "courses.SchoolClass",
        verbose_name=_("class"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="feedback_items",
    )
    batch = models.ForeignKey(
        PaperBatch,
        verbose_name=_("paper batch"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="items",
    )
    meeting = models.ForeignKey(
        RepresentativeMeeting,
        verbose_name=_("representative meeting"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="items",
    )
    # The term survey's free-text answer it was raised from (answers name no one, so neither does this).
    survey_answer = models.UUIDField(_("survey answer"), null=True, blank=True, unique=True, editable=False)

    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.RECEIVED)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="feedback_owned",
    )
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    complaint = models.OneToOneField(
        "complaints.Complaint",
        verbose_name=_("complaint"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="feedback_item",
        help_text=_("The complaint this feedback was converted into."),
    )
    # The handling plan (处理方案).
    plan_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("plan owner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="feedback_plans",
    )
    plan_actions = models.TextField(_("planned actions"), blank=True)
    plan_due_on = models.DateField(_("plan due date"), null=True, blank=True)
    result = models.TextField(_("result"), blank=True)
    rating = models.PositiveSmallIntegerField(_("rating of the handling"), null=True, blank=True)
    rating_comment = models.TextField(_("comment on the handling"), blank=True)

    clocks = GenericRelation(
        "sla.Clock",
        content_type_field="subject_type",
        object_id_field="subject_id",
        related_query_name="feedback",
    )

    created_at = models.DateTimeField(_("received at"), default=timezone.now)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    planned_at = models.DateTimeField(_("plan made at"), null=True, blank=True)
    result_notified_at = models.DateTimeField(_("result notified at"), null=True, blank=True)
    rated_at = models.DateTimeField(_("rated at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("feedback item")
        verbose_name_plural = _("feedback items")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["state", "created_at"], name="feedback_queue_idx"),
            models.Index(fields=["learner", "created_at"], name="feedback_learner_idx"),
            models.Index(fields=["created_at"], name="feedback_created_idx"),
            models.Index(ReferenceSortKey("reference"), name="feedback_reference_order_idx"),
            # Staff find feedback by a few characters of its text (core.search).
            GinIndex(fields=["search_vector"], name="feedback_search_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(reference__regex=REFERENCE_PATTERN), name="feedback_reference_format"
            ),
            models.CheckConstraint(condition=Q(state__in=State.values), name="feedback_state_known"),
            models.CheckConstraint(condition=Q(channel__in=Channel.values), name="feedback_channel_known"),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="feedback_rating_1_to_5",
            ),
            # Anonymous means no person at all; a named item has one.
            models.CheckConstraint(
                condition=Q(is_anonymous=True, learner__isnull=True)
                | Q(is_anonymous=False, learner__isnull=False),
                name="feedback_anonymous_has_no_learner",
            ),
            models.CheckConstraint(
                condition=~Q(state=State.CONVERTED) | Q(complaint__isnull=False),
                name="feedback_converted_has_complaint",
            ),
            models.CheckConstraint(
                condition=~Q(state=State.REJECTED) | ~Q(rejection_reason=""),
                name="feedback_rejected_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(state__in=sorted(TERMINAL_STATES), closed_at__isnull=False)
                | (~Q(state__in=sorted(TERMINAL_STATES)) & Q(closed_at__isnull=True)),
                name="feedback_closed_at_when_finished",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.state not in TERMINAL_STATES


class EventKind(models.TextChoices):
    STATE_CHANGE = "state_change", _("State change")
    NOTE = "note", _("Internal note")
    ESCALATION = "escalation", _("Escalation")
    IMPROVEMENT_ACTION = "improvement_action", _("Improvement action")
    RATING = "rating", _("Rating")


class FeedbackEvent(TimelineEvent):
    """One entry in a feedback item's timeline; rows are never changed or deleted (a database trigger
    refuses)."""

    item = models.ForeignKey(
        FeedbackItem, verbose_name=_("feedback item"), on_delete=models.PROTECT, related_name="events"
    )
    kind = models.CharField(_("kind"), max_length=40, choices=EventKind.choices)
    is_public = models.BooleanField(
        _("visible to the learner"), default=False, help_text=_("Learners see public events only.")
    )
    from_state = models.CharField(_("from state"), max_length=20, choices=State.choices, blank=True)
    to_state = models.CharField(_("to state"), max_length=20, choices=State.choices, blank=True)

    class Meta(TimelineEvent.Meta):
        verbose_name = _("feedback event")
        verbose_name_plural = _("feedback events")
        indexes = [models.Index(fields=["item", "created_at"], name="feedback_event_timeline_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=EventKind.values), name="feedback_event_kind_known"),
        ]


class FeedbackAttachment(models.Model):
    """An evidence file the giver sent with an item, checked by content (``core.evidence``) and stored
    privately; an anonymous item's files name nobody."""

    item = models.ForeignKey(
        FeedbackItem, verbose_name=_("feedback item"), on_delete=models.PROTECT, related_name="attachments"
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
        null=True,
        blank=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(size__gt=0), name="feedback_attachment_not_empty"),
            models.CheckConstraint(
                condition=Q(sha256__regex=r"^[0-9a-f]{64}$"), name="feedback_attachment_sha256_hex"
            ),
        ]

    def __str__(self) -> str:
        return self.original_name


def _import_storage():
    return evidence_storage()  # private files: no public URL


class ImportJob(models.Model):
    """An upload of a scanned batch of paper forms: checked whole, then imported whole or not at all."""

    class State(models.TextChoices):
        CHECKING = "checking", _("Checking")
        REFUSED = "refused", _("Refused: errors in rows")
        READY = "ready", _("Checked: ready to import")
        IMPORTING = "importing", _("Importing")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Failed")

    file = models.FileField(_("file"), storage=_import_storage, max_length=255)
    file_name = models.CharField(_("file name"), max_length=255)
    file_kind = models.CharField(_("file kind"), max_length=10)
    term = models.ForeignKey(
        "courses.Term",
        verbose_name=_("term"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    school_class = models.ForeignKey(
        "courses.SchoolClass",
        verbose_name=_("class"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.CHECKING)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    # The first errors found, one per row and field: {"row": 7, "field": "course", "message": "…"}.
    errors = models.JSONField(_("errors"), default=list, blank=True)
    error_count = models.PositiveIntegerField(_("errors found"), default=0)
    preview = models.JSONField(_("preview"), default=list, blank=True)
    batch = models.OneToOneField(
        PaperBatch,
        verbose_name=_("paper batch"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("import of paper forms")
        verbose_name_plural = _("imports of paper forms")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.file_name
