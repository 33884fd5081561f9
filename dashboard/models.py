"""A period report generated in the background, with its progress."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


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
