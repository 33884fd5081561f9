"""SLA policies, business calendars, one clock per subject and target, and escalations.

A subject is any row a domain registers (``sla.subjects``): a clock and its escalations point at it by content
type and id, so this app knows no domain. A clock's due and warning times are stored and indexed (partial
indexes on running clocks only), so the sweep finds what is due with set-based queries; each (subject,
target, level) escalates once, by a unique constraint.
"""

import datetime

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from sla.business_calendar import BusinessCalendar


class Severity(models.TextChoices):
    """How grave a subject is; the policy table holds targets per severity (a domain's own choices match)."""

    GENERAL = "general", _("General")
    IMPORTANT = "important", _("Important")
    MAJOR = "major", _("Major")


class WorkCalendar(models.Model):
    """When clocks run: round the clock, or office hours with the official Chinese holidays and 调休."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    time_zone = models.CharField(_("time zone"), max_length=60, default="Asia/Shanghai")
    round_the_clock = models.BooleanField(
        _("24 hours a day, 7 days a week"),
        default=True,
        help_text=_("Turn off to count only office hours."),
    )
    follows_official_calendar = models.BooleanField(
        _("follow the official Chinese holidays and make-up working days"), default=True
    )

    class Meta:
        verbose_name = _("business calendar")
        verbose_name_plural = _("business calendars")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def as_business_calendar(self) -> BusinessCalendar:
        """Return the calendar the due-time arithmetic works with (reads its hours and dates)."""
        if self.round_the_clock:
            return BusinessCalendar.twenty_four_seven(time_zone=self.time_zone)
        hours: dict[int, list] = {}
        for interval in self.office_hours.all():
            hours.setdefault(interval.weekday, []).append((interval.opens, interval.closes))
        dates = list(self.dates.all())
        return BusinessCalendar(
            round_the_clock=False,
            time_zone=self.time_zone,
            office_hours={weekday: tuple(sorted(spans)) for weekday, spans in hours.items()},
            follows_official_calendar=self.follows_official_calendar,
            extra_closed_dates=frozenset(d.date for d in dates if d.kind == CalendarDate.Kind.CLOSED),
            extra_working_dates=frozenset(d.date for d in dates if d.kind == CalendarDate.Kind.WORKING),
        )


class OfficeHours(models.Model):
    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    calendar = models.ForeignKey(WorkCalendar, on_delete=models.CASCADE, related_name="office_hours")
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"), help_text=_("00:00 means midnight at the end of the day."))

    class Meta:
        verbose_name = _("office hours")
        verbose_name_plural = _("office hours")
        ordering = ["calendar", "weekday", "opens"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes__gt=models.F("opens")) | Q(closes=datetime.time(0)),
                name="office_hours_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"


class CalendarDate(models.Model):
    """A date the institution closes on, or works on, beyond the official calendar."""

    class Kind(models.TextChoices):
        CLOSED = "closed", pgettext_lazy("calendar day", "Closed")
        WORKING = "working", _("Working day")

    calendar = models.ForeignKey(WorkCalendar, on_delete=models.CASCADE, related_name="dates")
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("calendar date")
        verbose_name_plural = _("calendar dates")
        ordering = ["calendar", "date"]
        constraints = [models.UniqueConstraint(fields=["calendar", "date"], name="calendar_date_once")]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()}"


class Target(models.TextChoices):
    ACKNOWLEDGE = "acknowledge", _("Acknowledgement")
    FIRST_RESPONSE = "first_response", _("First response")
    RESOLUTION = "resolution", _("Resolution")


class TargetUnit(models.TextChoices):
    """What a target counts: business time on the calendar, or whole working days of it."""

    BUSINESS_HOURS = "business_hours", _("business hours")
    WORKING_DAYS = "working_days", _("working days")


class SlaPolicy(models.Model):
    """The targets for one severity, urgent or not, on a business calendar.

    A policy with no kind of subject is the default table: it serves every subject that has no policy of its
    own for that severity and urgency (complaints use it). A domain whose targets differ (feedback: a handling
    plan within 24 hours when urgent) keeps rows for its own kind of subject.
    """

    subject_type = models.ForeignKey(
        ContentType,
        verbose_name=_("for"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty: the default targets, for every kind of record without targets of its own."),
    )
    severity = models.CharField(_("severity"), max_length=20, choices=Severity.choices)
    is_urgent = models.BooleanField(_("urgent"))
    acknowledge_within = models.DurationField(_("acknowledge within"))
    acknowledge_unit = models.CharField(
        _("acknowledgement counted in"),
        max_length=20,
        choices=TargetUnit.choices,
        default=TargetUnit.BUSINESS_HOURS,
    )
    first_response_within = models.DurationField(_("first response within"))
    first_response_unit = models.CharField(
        _("first response counted in"),
        max_length=20,
        choices=TargetUnit.choices,
        default=TargetUnit.BUSINESS_HOURS,
    )
    resolve_within = models.DurationField(
        _("resolve within"), help_text=_("In working days, give whole days: “3 days” is three working days.")
    )
    resolve_unit = models.CharField(
        _("resolution counted in"), max_length=20, choices=TargetUnit.choices, default=TargetUnit.WORKING_DAYS
    )
    warning_percent = models.PositiveSmallIntegerField(
        # xgettext:no-python-format
        _("warn the owner at (% of the target)"),
        default=75,
        help_text=_("Between 1 and 99."),
    )
    calendar = models.ForeignKey(WorkCalendar, verbose_name=_("calendar"), on_delete=models.PROTECT)

    class Meta:
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")
        ordering = ["subject_type", "severity", "is_urgent"]
        constraints = [
            models.UniqueConstraint(
                fields=["subject_type", "severity", "is_urgent"],
                name="sla_policy_one_per_kind",
                nulls_distinct=False,
            ),
            models.CheckConstraint(
                condition=Q(warning_percent__gte=1, warning_percent__lte=99), name="sla_warning_percent"
            ),
            models.CheckConstraint(
                condition=Q(acknowledge_within__gt=datetime.timedelta(0))
                & Q(first_response_within__gt=datetime.timedelta(0))
                & Q(resolve_within__gt=datetime.timedelta(0)),
                name="sla_targets_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_severity_display()}{' ★' if self.is_urgent else ''}"

    def target_duration(self, target: str) -> datetime.timedelta:
        return getattr(self, _TARGET_FIELDS[Target(target)][0])

    def target_unit(self, target: str) -> str:
        return getattr(self, _TARGET_FIELDS[Target(target)][1])

    def clean(self) -> None:
        """Refuse a working-days target that is not a whole number of days, at its field."""
        errors = {}
        for duration_field, unit_field in _TARGET_FIELDS.values():
            duration = getattr(self, duration_field)
            in_days = getattr(self, unit_field) == TargetUnit.WORKING_DAYS and duration is not None
            if in_days and (duration.days < 1 or duration != datetime.timedelta(days=duration.days)):
                errors[duration_field] = ValidationError(
                    _("A target in working days is a whole number of days, such as “3 days”."),
                    code="working_days_whole",
                )
        if errors:
            raise ValidationError(errors)


_TARGET_FIELDS = {
    Target.ACKNOWLEDGE: ("acknowledge_within", "acknowledge_unit"),
    Target.FIRST_RESPONSE: ("first_response_within", "first_response_unit"),
    Target.RESOLUTION: ("resolve_within", "resolve_unit"),
}


# A running clock: started, not met, not cancelled, not paused.
RUNNING = Q(met_at__isnull=True, cancelled_at__isnull=True, paused_at__isnull=True)


class Clock(models.Model):
    """One target's clock for one subject (a complaint, or whatever else a domain registered)."""

    subject_type = models.ForeignKey(
        ContentType, verbose_name=_("kind of subject"), on_delete=models.PROTECT, related_name="+"
    )
    subject_id = models.PositiveBigIntegerField(_("subject"))
    subject = GenericForeignKey("subject_type", "subject_id")
    target = models.CharField(_("target"), max_length=20, choices=Target.choices)
    duration = models.DurationField(_("target duration"))
    warning_percent = models.PositiveSmallIntegerField(_("warning at (%)"))
    calendar = models.ForeignKey(WorkCalendar, verbose_name=_("calendar"), on_delete=models.PROTECT)
    started_at = models.DateTimeField(_("started at"))
    paused_at = models.DateTimeField(_("paused since"), null=True, blank=True)
    paused_for = models.DurationField(_("business time paused"), default=datetime.timedelta(0))
    warn_at = models.DateTimeField(_("warning at"))
    due_at = models.DateTimeField(_("due at"))
    met_at = models.DateTimeField(_("met at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("stopped at"), null=True, blank=True)
    warned_at = models.DateTimeField(_("warned at"), null=True, blank=True)
    breached_at = models.DateTimeField(_("breached at"), null=True, blank=True)
    # Set by the subject's facts (a major complaint): a breach then also goes to the leadership group, even
    # when the subject became major after its breach.
    breach_reaches_leadership = models.BooleanField(_("a breach reaches the leadership group"), default=False)
    leadership_escalated_at = models.DateTimeField(_("leadership told at"), null=True, blank=True)

    class Meta:
        verbose_name = _("SLA clock")
        verbose_name_plural = _("SLA clocks")
        ordering = ["due_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["subject_type", "subject_id", "target"], name="clock_one_per_target"
            ),
        ]
        indexes = [
            # The sweep reads only running clocks not yet warned / breached, by time.
            models.Index(
                fields=["warn_at"], condition=RUNNING & Q(warned_at__isnull=True), name="clock_warn_due_idx"
            ),
            models.Index(
                fields=["due_at"],
                condition=RUNNING & Q(breached_at__isnull=True),
                name="clock_breach_due_idx",
            ),
            # Breached clocks whose subject became grave after the breach: the leadership is still to be told.
            models.Index(
                fields=["breached_at"],
                condition=RUNNING
                & Q(breached_at__isnull=False, breach_reaches_leadership=True, leadership_escalated_at=None),
                name="clock_leadership_due_idx",
            ),
            # The queue's "nearest due time" per subject.
            models.Index(
                fields=["subject_type", "subject_id", "due_at"],
                condition=RUNNING,
                name="clock_running_by_subject",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject_type_id}:{self.subject_id} {self.target}"

    @property
    def is_running(self) -> bool:
        return self.met_at is None and self.cancelled_at is None and self.paused_at is None

    @property
    def is_overdue(self) -> bool:
        return self.is_running and self.due_at < timezone.now()

    def time_left(self, now: datetime.datetime | None = None) -> datetime.timedelta:
        """Real time until the due time (negative when overdue)."""
        return self.due_at - (now or timezone.now())


class Escalation(models.Model):
    """One step of the escalation ladder for one clock: exactly once, by the unique constraint."""

    class Level(models.TextChoices):
        WARNING = "warning", _("Warning to the owner")
        BREACH = "breach", _("Breach notice to the department supervisor")
        LEADERSHIP = "leadership", _("Breach of a major complaint, to the leadership group")

    subject_type = models.ForeignKey(
        ContentType, verbose_name=_("kind of subject"), on_delete=models.PROTECT, related_name="+"
    )
    subject_id = models.PositiveBigIntegerField(_("subject"))
    subject = GenericForeignKey("subject_type", "subject_id")
    clock = models.ForeignKey(
        Clock, verbose_name=_("clock"), on_delete=models.CASCADE, related_name="escalations"
    )
    target = models.CharField(_("target"), max_length=20, choices=Target.choices)
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    created_at = models.DateTimeField(_("escalated at"), default=timezone.now)
    # Nobody could be found to tell, even through the fallback chain: the admin and the dashboard show these.
    reached_nobody = models.BooleanField(_("reached nobody"), default=False)

    class Meta:
        verbose_name = _("escalation")
        verbose_name_plural = _("escalations")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["subject_type", "subject_id", "target", "level"], name="escalation_once_per_level"
            ),
        ]
        indexes = [
            models.Index(
                fields=["created_at"], condition=Q(reached_nobody=True), name="escalation_unreached_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject_type_id}:{self.subject_id} {self.target} {self.level}"
