"""Counselling (心理咨询): identity verification of clients, counsellors and their availability, appointments
and their timeline, reminders, and the no-show limit with its appeals.

No double booking by construction: the exclusion constraint ``appointment_no_overlap`` refuses two held or
confirmed appointments of one counsellor whose blocked times (the session with the buffers around it)
overlap, whatever path the rows take. Appointments are numbered ``ZX-<year>-<number>`` (``core.references``).
"""

import datetime
import zoneinfo

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import ArrayField, DateTimeRangeField, RangeBoundary, RangeOperators
from django.db import models
from django.db.models import F, Func, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.validators import normalize_resident_id
from core.evidence import evidence_storage
from core.models import LocalizedName, TimelineEvent
from core.references import ReferenceSortKey, reference_pattern
from privacy.fields import BlindIndexField, EncryptedDateField, EncryptedTextField

REFERENCE_PREFIX = "ZX"
REFERENCE_PATTERN = reference_pattern(REFERENCE_PREFIX)
MAX_REASON_LENGTH = 1000


class Language(models.TextChoices):
    MANDARIN = "zh", _("Mandarin")
    CANTONESE = "yue", _("Cantonese")
    ENGLISH = "en", _("English")


def _time_zones() -> list[tuple[str, str]]:
    zones = ["Asia/Shanghai", "Asia/Hong_Kong", "Asia/Urumqi", "Asia/Taipei", "Europe/London", "UTC"]
    return [(zone, zone) for zone in zones]


class IdentityVerification(models.Model):
    """A client's verified identity for counselling: real name, resident ID number and a mobile number
    confirmed by a code sent to it. The resident ID is encrypted and found through its blind index: one
    account per ID number, kept by a unique constraint."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="counselling_identity",
    )
    real_name = models.CharField(_("real name"), max_length=50)
    resident_id = EncryptedTextField(_("resident ID number"), max_length=18)
    resident_id_index = BlindIndexField(source="resident_id", normalizer=normalize_resident_id)
    date_of_birth = EncryptedDateField(_("date of birth"))
    mobile = EncryptedTextField(_("mobile number"), max_length=20)
    # The code sent to the mobile number, as a keyed hash; cleared once the number is verified.
    code_hash = models.CharField(_("code (keyed hash)"), max_length=64, blank=True)
    code_sent_at = models.DateTimeField(_("code sent at"), null=True, blank=True)
    code_expires_at = models.DateTimeField(_("code expires at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("wrong attempts"), default=0)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    ACCESS_LOG_LABELS = {"identity": _("identity verification")}

    class Meta:
        verbose_name = _("identity verification")
        verbose_name_plural = _("identity verifications")
        constraints = [
            models.UniqueConstraint(
                fields=["resident_id_index"],
                condition=Q(verified_at__isnull=False),
                name="counselling_identity_one_account_per_id",
            ),
        ]

    def __str__(self) -> str:
        return str(_("Identity of person %(id)s") % {"id": self.user_id})

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None

    def age_on(self, day: datetime.date) -> int:
        born = self.date_of_birth
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


class Speciality(LocalizedName):
    """What a counsellor works with (anxiety, study stress, family, …): the find page filters by it."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("speciality")
        verbose_name_plural = _("specialities")
        ordering = ["position", "code"]


# A counsellor's photo is one of these, as its content says (``services.counsellor_photo_check``).
PHOTO_TYPES = ("image/jpeg", "image/png")


def _photo_storage():
    return evidence_storage()  # private: served through the counsellor page's own view


class Counsellor(models.Model):
    """A counsellor's profile: the public part (name, photo, specialities, languages, approach, price) and the
    private contact; their session length, buffers and minimum notice; whether they may be booked."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.PROTECT,
        related_name="counsellor",
    )
    public_name = models.CharField(_("public name"), max_length=100)
    photo = models.FileField(_("photo"), storage=_photo_storage, max_length=255, blank=True)
    photo_type = models.CharField(_("photo type"), max_length=40, blank=True, editable=False)
    specialities = models.ManyToManyField(
        Speciality, verbose_name=_("specialities"), related_name="counsellors"
    )
    languages = ArrayField(
        models.CharField(max_length=5, choices=Language.choices),
        verbose_name=_("languages"),
        default=list,
        blank=True,
    )
    approach = models.TextField(_("approach"), max_length=2000, blank=True)
    price = models.DecimalField(
        _("price per session (CNY)"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Empty when sessions are free of charge."),
    )
    # Private: staff reach the counsellor with these; clients never see them.
    contact_phone = EncryptedTextField(_("contact phone"), max_length=20, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    time_zone = models.CharField(
        _("time zone"), max_length=40, choices=_time_zones(), default="Asia/Shanghai"
    )
    session_minutes = models.PositiveSmallIntegerField(_("session length (minutes)"), default=50)
    buffer_before_minutes = models.PositiveSmallIntegerField(_("buffer before (minutes)"), default=0)
    buffer_after_minutes = models.PositiveSmallIntegerField(_("buffer after (minutes)"), default=10)
    minimum_notice_hours = models.PositiveSmallIntegerField(_("minimum notice (hours)"), default=2)
    is_active = models.BooleanField(_("active"), default=True)
    is_suspended = models.BooleanField(_("suspended"), default=False)
    suspended_reason = models.CharField(_("reason for suspension"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("counsellor")
        verbose_name_plural = _("counsellors")
        ordering = ["public_name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(session_minutes__gte=15, session_minutes__lte=240),
                name="counsellor_session_length",
            ),
            models.CheckConstraint(
                condition=Q(buffer_before_minutes__lte=120, buffer_after_minutes__lte=120),
                name="counsellor_buffers_bounded",
            ),
            models.CheckConstraint(
                condition=Q(price__isnull=True) | Q(price__gte=0), name="counsellor_price"
            ),
            models.CheckConstraint(
                condition=~Q(is_suspended=True) | ~Q(suspended_reason=""),
                name="counsellor_suspension_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.public_name

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def session(self) -> datetime.timedelta:
        return datetime.timedelta(minutes=self.session_minutes)

    @property
    def buffer_before(self) -> datetime.timedelta:
        return datetime.timedelta(minutes=self.buffer_before_minutes)

    @property
    def buffer_after(self) -> datetime.timedelta:
        return datetime.timedelta(minutes=self.buffer_after_minutes)


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class WeeklyHours(models.Model):
    """Hours a counsellor works every week on one weekday, in their own time zone."""

    counsellor = models.ForeignKey(
        Counsellor, verbose_name=_("counsellor"), on_delete=models.CASCADE, related_name="weekly_hours"
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    starts = models.TimeField(_("from"))
    ends = models.TimeField(_("until"))

    class Meta:
        verbose_name = _("weekly hours")
        verbose_name_plural = _("weekly hours")
        ordering = ["counsellor", "weekday", "starts"]
        constraints = [
            models.CheckConstraint(condition=Q(ends__gt=F("starts")), name="weekly_hours_end_after_start"),
            models.CheckConstraint(condition=Q(weekday__gte=0, weekday__lte=6), name="weekly_hours_weekday"),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.starts:%H:%M}–{self.ends:%H:%M}"


class AvailabilityException(models.Model):
    """A change to one day's hours: a day off (the whole day, or some hours of it) or extra hours."""

    class Kind(models.TextChoices):
        DAY_OFF = "day_off", _("Day off")
        EXTRA_HOURS = "extra_hours", _("Extra hours")

    counsellor = models.ForeignKey(
        Counsellor, verbose_name=_("counsellor"), on_delete=models.CASCADE, related_name="exceptions"
    )
    day = models.DateField(_("day"))
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    starts = models.TimeField(_("from"), null=True, blank=True, help_text=_("Empty for the whole day off."))
    ends = models.TimeField(_("until"), null=True, blank=True)

    class Meta:
        verbose_name = _("availability exception")
        verbose_name_plural = _("availability exceptions")
        ordering = ["counsellor", "day", "starts"]
        indexes = [models.Index(fields=["counsellor", "day"], name="availability_exception_day_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["day_off", "extra_hours"]), name="exception_kind_known"
            ),
            # Extra hours always have times; a day off has both or neither.
            models.CheckConstraint(
                condition=Q(starts__isnull=True, ends__isnull=True, kind="day_off")
                | Q(starts__isnull=False, ends__isnull=False, ends__gt=F("starts")),
                name="exception_times_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day.isoformat()} {self.get_kind_display()}"

    @property
    def whole_day(self) -> bool:
        return self.starts is None


class State(models.TextChoices):
    HELD = "held", _("Held while the client confirms")
    CONFIRMED = "confirmed", _("Confirmed")
    EXPIRED = "expired", _("Hold expired")
    CANCELLED = "cancelled", _("Cancelled in time")
    CANCELLED_BY_COUNSELLOR = "cancelled_by_counsellor", _("Cancelled by the counsellor")
    COMPLETED = "completed", _("Attended")
    NO_SHOW = "no_show", _("No-show")
    NO_SHOW_WAIVED = "no_show_waived", _("No-show waived")


# The states that occupy the counsellor's time: the exclusion constraint covers these.
BLOCKING_STATES = (State.HELD, State.CONFIRMED)
TERMINAL_STATES = frozenset(
    {
        State.EXPIRED,
        State.CANCELLED,
        State.CANCELLED_BY_COUNSELLOR,
        State.COMPLETED,
        State.NO_SHOW,
        State.NO_SHOW_WAIVED,
    }
)


class NoShowKind(models.TextChoices):
    LATE_CANCELLATION = "late_cancellation", _("Cancelled less than 24 hours before the start")
    NOT_ATTENDED = "not_attended", _("Did not attend")


class WaiverReason(models.TextChoices):
    ILLNESS = "illness", _("Illness")
    EMERGENCY = "emergency", _("Emergency")
    PLATFORM_FAULT = "platform_fault", _("Platform fault")


class TsTzRange(Func):
    function = "TSTZRANGE"
    output_field = DateTimeRangeField()


class Appointment(models.Model):
    """One booked session of a client with a counsellor.

    ``blocked_from``/``blocked_until`` are the session with the counsellor's buffers before and after, as they
    were when it was booked: the exclusion constraint compares these ranges.
    """

    reference = models.CharField(_("reference number"), max_length=20, unique=True, editable=False)
    counsellor = models.ForeignKey(
        Counsellor, verbose_name=_("counsellor"), on_delete=models.PROTECT, related_name="appointments"
    )
    client = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("client"),
        on_delete=models.PROTECT,
        related_name="counselling_appointments",
    )
    state = models.CharField(_("state"), max_length=30, choices=State.choices, default=State.HELD)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    blocked_from = models.DateTimeField(_("blocked from"))
    blocked_until = models.DateTimeField(_("blocked until"))
    hold_expires_at = models.DateTimeField(_("hold expires at"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cancelled by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    cancellation_reason = models.TextField(
        _("reason for cancelling"), max_length=MAX_REASON_LENGTH, blank=True
    )
    no_show_kind = models.CharField(
        _("kind of no-show"), max_length=20, choices=NoShowKind.choices, blank=True
    )
    no_show_at = models.DateTimeField(_("no-show recorded at"), null=True, blank=True)
    waiver_reason = models.CharField(
        _("waiver reason"), max_length=20, choices=WaiverReason.choices, blank=True
    )
    waiver_note = models.TextField(_("waiver note"), max_length=MAX_REASON_LENGTH, blank=True)
    waived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("waived by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    waived_at = models.DateTimeField(_("waived at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("attended on record at"), null=True, blank=True)
    created_at = models.DateTimeField(_("booked at"), default=timezone.now)

    class Meta:
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        ordering = ["starts_at", "id"]
        indexes = [
            models.Index(fields=["counsellor", "starts_at"], name="appointment_counsellor_idx"),
            models.Index(fields=["client", "starts_at"], name="appointment_client_idx"),
            models.Index(fields=["state", "starts_at"], name="appointment_state_idx"),
            models.Index(
                fields=["hold_expires_at"], condition=Q(state="held"), name="appointment_hold_expiry_idx"
            ),
            models.Index(
                fields=["client", "no_show_at"], condition=Q(state="no_show"), name="appointment_no_show_idx"
            ),
            models.Index(ReferenceSortKey("reference"), name="appointment_reference_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(reference__regex=REFERENCE_PATTERN), name="appointment_reference_format"
            ),
            models.CheckConstraint(condition=Q(state__in=State.values), name="appointment_state_known"),
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="appointment_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(blocked_from__lte=F("starts_at"), blocked_until__gte=F("ends_at")),
                name="appointment_blocked_covers_session",
            ),
            models.CheckConstraint(
                condition=~Q(state="held") | Q(hold_expires_at__isnull=False), name="appointment_hold_expires"
            ),
            models.CheckConstraint(
                condition=~Q(state__in=["cancelled", "cancelled_by_counsellor"]) | ~Q(cancellation_reason=""),
                name="appointment_cancellation_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(state__in=["no_show", "no_show_waived"]) | ~Q(no_show_kind=""),
                name="appointment_no_show_has_kind",
            ),
            models.CheckConstraint(
                condition=~Q(state="no_show_waived") | ~Q(waiver_reason=""),
                name="appointment_waiver_has_reason",
            ),
            # No double booking, whatever path the rows take: a counsellor's held and confirmed appointments
            # never overlap, buffers included.
            ExclusionConstraint(
                name="appointment_no_overlap",
                expressions=[
                    ("counsellor", RangeOperators.EQUAL),
                    (TsTzRange("blocked_from", "blocked_until", RangeBoundary()), RangeOperators.OVERLAPS),
                ],
                condition=Q(state__in=[State.HELD, State.CONFIRMED]),
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.state not in TERMINAL_STATES


class AppointmentEventKind(models.TextChoices):
    STATE_CHANGE = "state_change", _("State change")
    RESCHEDULED = "rescheduled", _("Rescheduled")
    REMINDER = "reminder", _("Reminder sent")
    COUNSELLOR_LAPSED = "counsellor_lapsed", _("Counsellor no longer bookable")


class AppointmentEvent(TimelineEvent):
    """One entry in an appointment's timeline; rows are never changed or deleted (a database trigger
    refuses)."""

    appointment = models.ForeignKey(
        Appointment, verbose_name=_("appointment"), on_delete=models.PROTECT, related_name="events"
    )
    kind = models.CharField(_("kind"), max_length=40, choices=AppointmentEventKind.choices)
    from_state = models.CharField(_("from state"), max_length=30, choices=State.choices, blank=True)
    to_state = models.CharField(_("to state"), max_length=30, choices=State.choices, blank=True)

    class Meta(TimelineEvent.Meta):
        verbose_name = _("appointment event")
        verbose_name_plural = _("appointment events")
        indexes = [models.Index(fields=["appointment", "created_at"], name="appointment_event_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=AppointmentEventKind.values), name="appointment_event_kind_known"
            ),
        ]


class AppointmentReminder(models.Model):
    """A reminder sent before an appointment: one row per appointment and lead, so each goes once."""

    class Lead(models.TextChoices):
        DAY = "24h", _("24 hours before")
        HOUR = "1h", _("1 hour before")

    appointment = models.ForeignKey(
        Appointment, verbose_name=_("appointment"), on_delete=models.CASCADE, related_name="reminders"
    )
    lead = models.CharField(_("lead"), max_length=3, choices=Lead.choices)
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        verbose_name = _("appointment reminder")
        verbose_name_plural = _("appointment reminders")
        constraints = [
            models.UniqueConstraint(fields=["appointment", "lead"], name="appointment_reminder_once"),
        ]

    def __str__(self) -> str:
        return f"{self.appointment_id} {self.lead}"


class NoShowPolicy(models.Model):
    """The no-show limit: this many no-shows within the window limit new bookings for some days. One row."""

    no_shows = models.PositiveSmallIntegerField(_("no-shows"), default=3)
    window_days = models.PositiveSmallIntegerField(_("within (days)"), default=90)
    restriction_days = models.PositiveSmallIntegerField(_("bookings limited for (days)"), default=30)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        verbose_name = _("no-show limit")
        verbose_name_plural = _("no-show limits")
        constraints = [
            models.CheckConstraint(
                condition=Q(no_shows__gte=1, window_days__gte=1, restriction_days__gte=1),
                name="no_show_policy_positive",
            ),
        ]

    def __str__(self) -> str:
        return str(
            _("%(count)d no-shows in %(window)d days: %(days)d days without booking")
            % {"count": self.no_shows, "window": self.window_days, "days": self.restriction_days}
        )


class BookingRestriction(models.Model):
    """New bookings refused to a client for a while after repeated no-shows; lifted early by an appeal."""

    client = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("client"),
        on_delete=models.PROTECT,
        related_name="counselling_restrictions",
    )
    starts_at = models.DateTimeField(_("from"), default=timezone.now)
    ends_at = models.DateTimeField(_("until"))
    no_show_count = models.PositiveSmallIntegerField(_("no-shows counted"))
    last_no_show = models.ForeignKey(
        "Appointment", verbose_name=_("latest no-show"), on_delete=models.PROTECT, related_name="+"
    )
    lifted_at = models.DateTimeField(_("lifted at"), null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("lifted by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    lift_reason = models.CharField(_("why lifted"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("booking restriction")
        verbose_name_plural = _("booking restrictions")
        ordering = ["-starts_at", "-id"]
        indexes = [models.Index(fields=["client", "ends_at"], name="booking_restriction_client_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="restriction_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(lifted_at__isnull=True) | ~Q(lift_reason=""), name="restriction_lift_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return str(
            _("Bookings limited until %(day)s") % {"day": timezone.localdate(self.ends_at).isoformat()}
        )

    def is_active_at(self, moment: datetime.datetime) -> bool:
        return self.lifted_at is None and self.starts_at <= moment < self.ends_at


class RestrictionAppeal(models.Model):
    """A client's appeal against a booking restriction; staff decide it in the admin."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for a decision")
        GRANTED = "granted", _("Granted: restriction lifted")
        REFUSED = "refused", _("Refused")

    restriction = models.OneToOneField(
        BookingRestriction, verbose_name=_("restriction"), on_delete=models.PROTECT, related_name="appeal"
    )
    text = models.TextField(_("grounds"), max_length=MAX_REASON_LENGTH)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision"), max_length=MAX_REASON_LENGTH, blank=True)
    created_at = models.DateTimeField(_("filed at"), default=timezone.now)

    class Meta:
        verbose_name = _("restriction appeal")
        verbose_name_plural = _("restriction appeals")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=["pending", "granted", "refused"]), name="restriction_appeal_state"
            ),
            models.CheckConstraint(
                condition=Q(state="pending") | (Q(decided_at__isnull=False) & ~Q(decision_note="")),
                name="restriction_appeal_decided",
            ),
        ]

    def __str__(self) -> str:
        return str(_("Appeal against restriction %(id)s") % {"id": self.restriction_id})


# --- Session records, intake answers, spot-check grants ----------------------------------------------------

MAX_RECORD_LENGTH = 20000
MAX_PURPOSE_LENGTH = 300


class Intake(models.Model):
    """The client's answers to the intake questions, given when booking or before the first session with a
    counsellor; encrypted at rest. Read by that counsellor (and by a supervisor through a grant on the
    counsellor's records)."""

    client = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("client"),
        on_delete=models.PROTECT,
        related_name="counselling_intakes",
    )
    counsellor = models.ForeignKey(
        Counsellor, verbose_name=_("counsellor"), on_delete=models.PROTECT, related_name="intakes"
    )
    concern = EncryptedTextField(_("what brings you to counselling"), max_length=2000)
    history = EncryptedTextField(_("earlier counselling or treatment"), max_length=2000, blank=True)
    hopes = EncryptedTextField(_("what you hope for"), max_length=2000, blank=True)
    answered_at = models.DateTimeField(_("answered at"), default=timezone.now)

    ACCESS_LOG_LABELS = {"intake": _("intake answers")}

    class Meta:
        verbose_name = _("intake answers")
        verbose_name_plural = _("intake answers")
        constraints = [
            models.UniqueConstraint(fields=["client", "counsellor"], name="intake_once_per_counsellor"),
        ]

    def __str__(self) -> str:
        return str(_("Intake %(id)s") % {"id": self.pk})


class RiskFlag(models.TextChoices):
    NONE = "", _("No risk noted")
    SELF_HARM = "self_harm", _("Risk of self-harm")
    HARM_TO_OTHERS = "harm_to_others", _("Risk of harm to others")


class SessionRecord(models.Model):
    """The counsellor's confidential notes of one attended session, encrypted at rest; never in the admin.

    Read by its counsellor and, through a ``RecordGrant`` in force, by a supervisor; every read is in the
    access log with its purpose. ``counsellor`` and ``client`` repeat the appointment's so that grants and
    the monthly sample select records without a join."""

    appointment = models.OneToOneField(
        Appointment, verbose_name=_("appointment"), on_delete=models.PROTECT, related_name="record"
    )
    counsellor = models.ForeignKey(
        Counsellor, verbose_name=_("counsellor"), on_delete=models.PROTECT, related_name="records"
    )
    client = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("client"),
        on_delete=models.PROTECT,
        related_name="counselling_records",
    )
    notes = EncryptedTextField(_("session notes"), max_length=MAX_RECORD_LENGTH)
    risk_flag = models.CharField(_("risk flag"), max_length=20, choices=RiskFlag.choices, blank=True)
    session_at = models.DateTimeField(_("session at"))
    written_at = models.DateTimeField(_("written at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    ACCESS_LOG_LABELS = {"notes": _("session notes"), "risk_flag": _("risk flag")}

    class Meta:
        verbose_name = _("session record")
        verbose_name_plural = _("session records")
        ordering = ["-session_at", "-id"]
        indexes = [
            models.Index(fields=["counsellor", "session_at"], name="session_record_counsellor_idx"),
            models.Index(fields=["client"], condition=~Q(risk_flag=""), name="session_record_flagged_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(risk_flag__in=RiskFlag.values), name="session_record_risk_known"
            ),
        ]

    def __str__(self) -> str:
        return str(_("Record of session %(id)s") % {"id": self.appointment_id})


class RecordGrant(models.Model):
    """An explicit, time-limited permission for a supervisor to read session records: all of one
    counsellor's, or one record, from ``valid_from`` until ``valid_until``, for a stated purpose.

    django-guardian's direct permission tables hold grants without a time limit; a spot-check must end by
    itself, so it has its own rows, and the readers' query compares ``valid_until`` with the time of the read.
    """

    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("supervisor"),
        on_delete=models.PROTECT,
        related_name="counselling_record_grants",
    )
    counsellor = models.ForeignKey(
        Counsellor,
        verbose_name=_("all records of the counsellor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="record_grants",
    )
    record = models.ForeignKey(
        SessionRecord,
        verbose_name=_("one record"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="grants",
    )
    valid_from = models.DateTimeField(_("from"))
    valid_until = models.DateTimeField(_("until"))
    purpose = models.CharField(_("purpose"), max_length=MAX_PURPOSE_LENGTH)
    sample = models.ForeignKey(
        "SpotCheckSample",
        verbose_name=_("spot-check sample"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="grants",
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("granted by"), on_delete=models.PROTECT, related_name="+"
    )
    granted_at = models.DateTimeField(_("granted at"), default=timezone.now)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("spot-check grant")
        verbose_name_plural = _("spot-check grants")
        ordering = ["-granted_at", "-id"]
        indexes = [models.Index(fields=["supervisor", "valid_until"], name="record_grant_supervisor_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(counsellor__isnull=True, record__isnull=False)
                | Q(counsellor__isnull=False, record__isnull=True),
                name="record_grant_one_scope",
            ),
            models.CheckConstraint(condition=Q(valid_until__gt=F("valid_from")), name="record_grant_period"),
            models.CheckConstraint(condition=~Q(purpose=""), name="record_grant_has_purpose"),
            # A manager never grants themself; a supervisor's own draw of the monthly sample does.
            models.CheckConstraint(
                condition=Q(sample__isnull=False) | ~Q(supervisor=F("granted_by")),
                name="record_grant_not_to_oneself",
            ),
        ]

    def __str__(self) -> str:
        return str(_("Grant %(id)s") % {"id": self.pk})


class SpotCheckSample(models.Model):
    """One draw of the monthly random sample of a counsellor's records: who drew it and when, and the records
    it gave. The draw is seeded from the counsellor's id and the month, so drawing again gives the same list;
    every draw is kept."""

    counsellor = models.ForeignKey(
        Counsellor, verbose_name=_("counsellor"), on_delete=models.PROTECT, related_name="samples"
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month sampled."))
    seed = models.CharField(_("seed"), max_length=60)
    size = models.PositiveSmallIntegerField(_("records asked for"))
    records = models.ManyToManyField(SessionRecord, verbose_name=_("records drawn"), related_name="samples")
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("drawn by"), on_delete=models.PROTECT, related_name="+"
    )
    drawn_at = models.DateTimeField(_("drawn at"), default=timezone.now)

    class Meta:
        verbose_name = _("spot-check sample")
        verbose_name_plural = _("spot-check samples")
        ordering = ["-drawn_at", "-id"]
        indexes = [models.Index(fields=["counsellor", "month"], name="spot_check_sample_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(month__day=1), name="spot_check_sample_first_of_month"),
            models.CheckConstraint(condition=Q(size__gte=1, size__lte=50), name="spot_check_sample_size"),
        ]

    def __str__(self) -> str:
        return f"{self.counsellor_id} {self.month:%Y-%m}"


class SpotCheckFinding(models.Model):
    """What a supervisor found reading one sampled record."""

    class Outcome(models.TextChoices):
        SATISFACTORY = "satisfactory", _("Satisfactory")
        MINOR = "minor", _("Minor shortcomings")
        SERIOUS = "serious", _("Serious concern")

    sample = models.ForeignKey(
        SpotCheckSample, verbose_name=_("sample"), on_delete=models.PROTECT, related_name="findings"
    )
    record = models.ForeignKey(
        SessionRecord, verbose_name=_("record"), on_delete=models.PROTECT, related_name="findings"
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    note = models.TextField(_("note"), max_length=MAX_REASON_LENGTH, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("spot-check finding")
        verbose_name_plural = _("spot-check findings")
        ordering = ["-recorded_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["sample", "record"], name="spot_check_finding_once"),
            models.CheckConstraint(
                condition=Q(outcome__in=["satisfactory", "minor", "serious"]), name="spot_check_outcome_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sample_id}:{self.record_id} {self.outcome}"


# --- The safety case a risk flag opens ---------------------------------------------------------------------

SAFETY_REFERENCE_PREFIX = "AQ"
SAFETY_REFERENCE_PATTERN = reference_pattern(SAFETY_REFERENCE_PREFIX)


class SafetyCaseState(models.TextChoices):
    OPEN = "open", _("Open: waiting for the safety officer")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    FOLLOWED_UP = "followed_up", _("Followed up")
    CLOSED = "closed", _("Closed")


class SafetyCase(models.Model):
    """An urgent case opened by a risk flag on a session record, handled by the safety officer under a clock
    of the shared SLA engine: acknowledge, follow up (within 4 hours by default), close."""

    reference = models.CharField(_("reference number"), max_length=20, unique=True, editable=False)
    record = models.OneToOneField(
        SessionRecord, verbose_name=_("session record"), on_delete=models.PROTECT, related_name="safety_case"
    )
    client = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("client"), on_delete=models.PROTECT, related_name="+"
    )
    counsellor = models.ForeignKey(
        Counsellor, verbose_name=_("counsellor"), on_delete=models.PROTECT, related_name="safety_cases"
    )
    risk = models.CharField(_("risk"), max_length=20, choices=RiskFlag.choices)
    state = models.CharField(
        _("state"), max_length=20, choices=SafetyCaseState.choices, default=SafetyCaseState.OPEN
    )
    opened_at = models.DateTimeField(_("opened at"), default=timezone.now)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("safety officer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    follow_up = EncryptedTextField(_("follow-up"), max_length=MAX_REASON_LENGTH, blank=True)
    followed_up_at = models.DateTimeField(_("followed up at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    close_note = models.TextField(_("closing note"), max_length=MAX_REASON_LENGTH, blank=True)

    ACCESS_LOG_LABELS = {"follow_up": _("follow-up"), "risk": _("risk")}

    class Meta:
        verbose_name = _("safety case")
        verbose_name_plural = _("safety cases")
        ordering = ["-opened_at", "-id"]
        indexes = [models.Index(fields=["client"], condition=~Q(state="closed"), name="safety_case_open_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(reference__regex=SAFETY_REFERENCE_PATTERN), name="safety_case_reference_format"
            ),
            models.CheckConstraint(condition=Q(state__in=SafetyCaseState.values), name="safety_case_state"),
            models.CheckConstraint(condition=~Q(risk=""), name="safety_case_has_risk"),
            models.CheckConstraint(
                condition=Q(state="open") | Q(acknowledged_at__isnull=False, handler__isnull=False),
                name="safety_case_acknowledged",
            ),
            models.CheckConstraint(
                condition=~Q(state__in=["followed_up", "closed"]) | Q(followed_up_at__isnull=False),
                name="safety_case_followed_up",
            ),
            models.CheckConstraint(
                condition=~Q(state="closed") | Q(closed_at__isnull=False), name="safety_case_closed"
            ),
        ]

    def __str__(self) -> str:
        return self.reference


class SafetyCaseEvent(TimelineEvent):
    """One entry in a safety case's timeline (moves and escalations); append-only by a database trigger."""

    case = models.ForeignKey(
        SafetyCase, verbose_name=_("safety case"), on_delete=models.PROTECT, related_name="events"
    )

    class Meta(TimelineEvent.Meta):
        verbose_name = _("safety case event")
        verbose_name_plural = _("safety case events")
        indexes = [models.Index(fields=["case", "created_at"], name="safety_case_event_idx")]


class RatingRequest(models.Model):
    """The invitation to rate an attended session: one row per appointment, so it is sent once."""

    appointment = models.OneToOneField(
        Appointment, verbose_name=_("appointment"), on_delete=models.CASCADE, related_name="rating_request"
    )
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        verbose_name = _("rating request")
        verbose_name_plural = _("rating requests")

    def __str__(self) -> str:
        return str(self.appointment_id)


# --- Supervision: reviews, experts' assessments, penalties -------------------------------------------------


class ReviewDecision(models.TextChoices):
    CONTINUE = "continue", _("Continue as before")
    IMPROVE = "improve", _("Continue with an improvement plan")
    WARN = "warn", _("Warning")
    SUSPEND = "suspend", _("Suspend")
    REMOVE = "remove", _("Remove")


class CounsellorReview(models.Model):
    """A platform manager's periodic review of one counsellor: the figures of the period as gathered when it
    was recorded (ratings, no-shows, cancellations, complaints, spot-check findings) and the decision."""

    counsellor = models.ForeignKey(
        Counsellor, verbose_name=_("counsellor"), on_delete=models.PROTECT, related_name="reviews"
    )
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period until"))
    figures = models.JSONField(_("figures"), default=dict)
    decision = models.CharField(_("decision"), max_length=20, choices=ReviewDecision.choices)
    notes = models.TextField(_("reasons"), max_length=MAX_REASON_LENGTH)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reviewed by"), on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), default=timezone.now)

    class Meta:
        verbose_name = _("counsellor review")
        verbose_name_plural = _("counsellor reviews")
        ordering = ["-reviewed_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")), name="counsellor_review_period"
            ),
            models.CheckConstraint(
                condition=Q(decision__in=ReviewDecision.values), name="review_decision_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.counsellor_id} {self.period_start}–{self.period_end}"


class ExpertAssessment(models.Model):
    """An invited external expert's assessment of a counsellor, as recorded by the platform."""

    counsellor = models.ForeignKey(
        Counsellor, verbose_name=_("counsellor"), on_delete=models.PROTECT, related_name="assessments"
    )
    expert_name = models.CharField(_("expert"), max_length=100)
    expert_affiliation = models.CharField(_("affiliation"), max_length=200, blank=True)
    assessed_on = models.DateField(_("assessed on"))
    assessment = models.TextField(_("assessment"), max_length=MAX_RECORD_LENGTH)
    recommendation = models.CharField(_("recommendation"), max_length=20, choices=ReviewDecision.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("expert assessment")
        verbose_name_plural = _("expert assessments")
        ordering = ["-assessed_on", "-id"]

    def __str__(self) -> str:
        return f"{self.expert_name} {self.assessed_on}"


class PenaltyKind(models.TextChoices):
    WARNING = "warning", _("Warning")
    SUSPENSION = "suspension", _("Suspension")
    REMOVAL = "removal", _("Removal")


# Kinds that stop bookings while they are in force.
BLOCKING_PENALTIES = (PenaltyKind.SUSPENSION, PenaltyKind.REMOVAL)


class CounsellorPenalty(models.Model):
    """A penalty on a counsellor with its reason and period: a suspension or removal in force makes them not
    bookable (``selectors.counsellors_bookable``) and cancels their sessions within it. The counsellor sees it
    and may reply once."""

    counsellor = models.ForeignKey(
        Counsellor, verbose_name=_("counsellor"), on_delete=models.PROTECT, related_name="penalties"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=PenaltyKind.choices)
    reason = models.TextField(_("reason"), max_length=MAX_REASON_LENGTH)
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"), null=True, blank=True, help_text=_("Empty: without end."))
    review = models.ForeignKey(
        CounsellorReview,
        verbose_name=_("review"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="penalties",
    )
    imposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("imposed by"), on_delete=models.PROTECT, related_name="+"
    )
    imposed_at = models.DateTimeField(_("imposed at"), default=timezone.now)
    reply = models.TextField(_("counsellor's reply"), max_length=MAX_REASON_LENGTH, blank=True)
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)

    class Meta:
        verbose_name = _("counsellor penalty")
        verbose_name_plural = _("counsellor penalties")
        ordering = ["-starts_at", "-id"]
        indexes = [models.Index(fields=["counsellor", "starts_at"], name="counsellor_penalty_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=PenaltyKind.values), name="penalty_kind_known"),
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gt=F("starts_at")), name="penalty_period"
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="penalty_has_reason"),
            models.CheckConstraint(
                condition=Q(replied_at__isnull=True) | ~Q(reply=""), name="penalty_reply_has_text"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.counsellor_id}"

    def in_force_at(self, moment: datetime.datetime) -> bool:
        return self.starts_at <= moment and (self.ends_at is None or moment < self.ends_at)
