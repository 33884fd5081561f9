"""Reviews of how the institution protects learners' rights, with their decisions and reminders.

One record serves three purposes (``Review.Kind``): the six-monthly review of the feedback process
(流程评审), the leadership group's quarterly review of complaints (投诉复盘会), and the periodic evaluation
of one rights measure (绩效评估). Each review has findings and decisions (what changes, who owns it, by
when); a quarterly complaint review also keeps the figures of its quarter as they were when it was held.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import LocalizedName


class ReviewKind(models.TextChoices):
    PROCESS = "process", _("Feedback process review")
    COMPLAINTS = "complaints", _("Quarterly complaint review")
    MEASURE = "measure", _("Evaluation of a rights measure")


class RightsMeasure(LocalizedName):
    """A measure that protects learners' rights (the refund rules, the 24-hour cancellation rule, the
    one-hour acknowledgement…), evaluated every so often by the person responsible for it."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    description = models.TextField(_("description"), blank=True)
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person responsible"),
        on_delete=models.PROTECT,
        related_name="rights_measures",
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("rights measure")
        verbose_name_plural = _("rights measures")
        ordering = ["code"]


class ReviewSchedule(models.Model):
    """How often a kind of review is due (for an evaluation: of which measure), and when to remind.

    The next review is due ``interval_months`` after the last one held of the same kind and measure, or on
    ``first_due_on`` while there is none.
    """

    kind = models.CharField(_("kind of review"), max_length=20, choices=ReviewKind.choices)
    measure = models.ForeignKey(
        RightsMeasure,
        verbose_name=_("rights measure"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="schedules",
        help_text=_("Only for the evaluation of a rights measure."),
    )
    interval_months = models.PositiveSmallIntegerField(
        _("every (months)"), validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    first_due_on = models.DateField(_("first due on"), help_text=_("When the first review is due."))
    remind_days_before = models.PositiveSmallIntegerField(
        _("remind (days before)"), default=14, validators=[MaxValueValidator(365)]
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("review schedule")
        verbose_name_plural = _("review schedules")
        ordering = ["kind", "measure", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "measure"], name="review_schedule_once_per_kind", nulls_distinct=False
            ),
            models.CheckConstraint(
                condition=(Q(kind="measure") & Q(measure__isnull=False))
                | (~Q(kind="measure") & Q(measure__isnull=True)),
                name="review_schedule_measure_for_evaluations",
            ),
            models.CheckConstraint(
                condition=Q(interval_months__gte=1, interval_months__lte=60),
                name="review_schedule_interval_range",
            ),
        ]

    def __str__(self) -> str:
        if self.measure_id:
            return f"{self.get_kind_display()}: {self.measure}"
        return str(self.get_kind_display())


class Review(models.Model):
    kind = models.CharField(_("kind of review"), max_length=20, choices=ReviewKind.choices)
    measure = models.ForeignKey(
        RightsMeasure,
        verbose_name=_("rights measure"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reviews",
    )
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person responsible"),
        on_delete=models.PROTECT,
        related_name="reviews_responsible",
    )
    held_on = models.DateField(_("held on"))
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    participants = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("participants"), related_name="reviews_attended", blank=True
    )
    findings = models.TextField(_("findings"))
    opinions_summary = models.TextField(
        _("opinions gathered"),
        blank=True,
        help_text=_("What learners, teachers and the team said when asked before the review."),
    )
    opinions_source = models.CharField(
        _("where the opinions come from"),
        max_length=300,
        blank=True,
        help_text=_("A reference or address of the survey or meeting that gathered them."),
    )
    opinions_survey = models.ForeignKey(
        "surveys.Survey",
        verbose_name=_("opinion survey"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reviews",
        limit_choices_to={"purpose": "opinions"},
        help_text=_("The survey that asked learners, teachers and the team before the review."),
    )
    # The quarter's complaint figures as they were when the review was recorded (quarterly complaint
    # reviews only): computed once by the service, never refreshed.
    figures = models.JSONField(_("complaint figures"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["-held_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")), name="review_period_order"
            ),
            models.CheckConstraint(
                condition=(Q(kind="measure") & Q(measure__isnull=False))
                | (~Q(kind="measure") & Q(measure__isnull=True)),
                name="review_measure_for_evaluations",
            ),
        ]
        indexes = [models.Index(fields=["kind", "measure", "-held_on"], name="review_last_held_idx")]

    def __str__(self) -> str:
        what = f"{self.get_kind_display()}: {self.measure}" if self.measure_id else self.get_kind_display()
        return f"{what} ({self.held_on:%Y-%m-%d})"


class ReviewDecision(models.Model):
    """What a review decided to change, who owns the change, and by when."""

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")

    review = models.ForeignKey(
        Review, verbose_name=_("review"), on_delete=models.CASCADE, related_name="decisions"
    )
    change = models.TextField(_("what changes"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="review_decisions",
    )
    due_date = models.DateField(_("due date"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.OPEN)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("marked done by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("review decision")
        verbose_name_plural = _("review decisions")
        ordering = ["due_date", "id"]
        indexes = [
            models.Index(fields=["due_date"], condition=Q(state="open"), name="review_decision_open_idx")
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(state="done") & Q(done_at__isnull=False))
                | (Q(state="open") & Q(done_at__isnull=True)),
                name="review_decision_done_at_when_done",
            ),
        ]

    def __str__(self) -> str:
        return self.change[:60]

    @property
    def is_overdue(self) -> bool:
        return self.state == self.State.OPEN and self.due_date < timezone.localdate()


class ReviewReminder(models.Model):
    """A reminder sent for one due date of one schedule, at one level: once, by the unique constraint."""

    class Level(models.TextChoices):
        DUE_SOON = "due_soon", _("Due soon")
        OVERDUE = "overdue", _("Overdue")

    schedule = models.ForeignKey(
        ReviewSchedule, verbose_name=_("schedule"), on_delete=models.CASCADE, related_name="reminders"
    )
    due_on = models.DateField(_("due on"))
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    recipients = models.PositiveIntegerField(_("people told"), default=0)
    created_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        verbose_name = _("review reminder")
        verbose_name_plural = _("review reminders")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["schedule", "due_on", "level"], name="review_reminder_once_per_due_date"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.schedule_id} {self.due_on} {self.level}"
