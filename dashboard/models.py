"""A period report generated in the background, with its progress."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .facts import FACT_COLUMNS


class ReportRun(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="report_runs",
    )
    period_first = models.DateField(_("first day"))
    period_last = models.DateField(_("last day"))
    department = models.ForeignKey(
        "accounts.Department", verbose_name=_("department"), on_delete=models.SET_NULL, null=True, blank=True
    )
    category = models.ForeignKey(
        "complaints.Category", verbose_name=_("category"), on_delete=models.SET_NULL, null=True, blank=True
    )
    channel = models.CharField(_("channel"), max_length=20, blank=True)
    language = models.CharField(_("language"), max_length=10)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED)
    percent = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    pdf = models.FileField(_("PDF"), upload_to="reports/", blank=True)
    figures_csv = models.FileField(_("figures (CSV)"), upload_to="reports/", blank=True)
    complaints_csv = models.FileField(_("complaints (CSV)"), upload_to="reports/", blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("requested at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("period report")
        verbose_name_plural = _("period reports")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(percent__lte=100), name="report_run_percent_at_most_100"),
            models.CheckConstraint(
                condition=Q(period_last__gte=models.F("period_first")), name="report_run_period_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.period_first} – {self.period_last}"


class DailyFacts(models.Model):
    """The key every stored daily fact has: a local day, and the complaints' department, category, channel.

    Derived data: ``dashboard.facts`` defines every column, ``dashboard.services.rollup_refresh`` writes the
    rows, and the dashboard reads them for the days that have not changed since (see ``dashboard.facts``).
    """

    day = models.DateField(_("day"))
    department = models.ForeignKey(
        "accounts.Department", verbose_name=_("department"), on_delete=models.CASCADE, related_name="+"
    )
    category = models.ForeignKey(
        "complaints.Category", verbose_name=_("category"), on_delete=models.CASCADE, related_name="+"
    )
    channel = models.CharField(_("channel"), max_length=20)

    class Meta:
        abstract = True


class ComplaintDay(DailyFacts):
    """The stored daily facts of one (day, department, category, channel), as of the last refresh."""

    class Meta:
        verbose_name = _("daily complaint figures")
        verbose_name_plural = _("daily complaint figures")
        constraints = [
            models.UniqueConstraint(
                fields=["day", "department", "category", "channel"], name="complaint_day_once"
            ),
        ]
        indexes = [
            # "Open now" sums the rows of the days that still have open complaints, whatever the period.
            models.Index(fields=["day"], condition=Q(open__gt=0), name="complaint_day_open_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.department_id}/{self.category_id}/{self.channel}"


for _column in FACT_COLUMNS:
    ComplaintDay.add_to_class(_column, models.IntegerField(default=0))


class ComplaintSubjectDay(DailyFacts):
    """The stored number of complaints filed on one day naming one course and/or instructor, per department,
    category and channel: the hot spots' counts (see ``dashboard.facts.SUBJECT_FACTS``)."""

    subject_course = models.ForeignKey(
        "courses.Course", verbose_name=_("course"), on_delete=models.CASCADE, null=True, related_name="+"
    )
    subject_instructor = models.ForeignKey(
        "courses.Instructor",
        verbose_name=_("instructor"),
        on_delete=models.CASCADE,
        null=True,
        related_name="+",
    )
    filed = models.IntegerField(_("complaints filed"), default=0)

    class Meta:
        verbose_name = _("daily complaints about courses and instructors")
        verbose_name_plural = _("daily complaints about courses and instructors")
        constraints = [
            models.UniqueConstraint(
                fields=["day", "department", "category", "channel", "subject_course", "subject_instructor"],
                name="complaint_subject_day_once",
                nulls_distinct=False,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.subject_course_id}/{self.subject_instructor_id}"


class RollupInvalidation(models.Model):
    """A moment whose local day's stored facts are stale: written by database triggers on every change to a
    complaint, its clocks or its appeal, and cleared by the refresh that recomputes the day."""

    id = models.BigAutoField(primary_key=True)
    at = models.DateTimeField(_("moment"))

    class Meta:
        verbose_name = _("stale day of the daily figures")
        verbose_name_plural = _("stale days of the daily figures")

    def __str__(self) -> str:
        return str(self.at)


class RollupState(models.Model):
    """The one row saying when the daily facts were last refreshed, and in which time zone's days."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    refreshed_at = models.DateTimeField(_("refreshed at"), null=True, blank=True)
    time_zone = models.CharField(_("time zone"), max_length=60)

    class Meta:
        verbose_name = _("daily figures refresh")
        verbose_name_plural = _("daily figures refreshes")
        constraints = [models.CheckConstraint(condition=Q(id=1), name="rollup_state_single_row")]

    def __str__(self) -> str:
        return f"{self.refreshed_at} ({self.time_zone})"
