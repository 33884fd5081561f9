"""Rights-knowledge activities (权益知识普及活动): the events, who registered for them, who asked to hear of
new ones, and each activity's timeline."""

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import TimelineEvent
from core.search import SearchVector


class Kind(models.TextChoices):
    ONLINE = "online", _("Online")
    ON_SITE = "on_site", _("On site")


class State(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    CANCELLED = "cancelled", _("Cancelled")
    FINISHED = "finished", _("Finished")


class Activity(models.Model):
    """One online or on-site event that teaches learners their rights; staff prepare it in the admin."""

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    place = models.CharField(
        _("place"), max_length=200, blank=True, help_text=_("Where an on-site activity is held.")
    )
    link = models.URLField(
        _("link"), max_length=500, blank=True, help_text=_("Where an online activity is joined.")
    )
    capacity = models.PositiveIntegerField(_("places"))
    registration_opens_at = models.DateTimeField(_("registration opens at"))
    registration_closes_at = models.DateTimeField(_("registration closes at"))
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.DRAFT)
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("organiser"),
        on_delete=models.PROTECT,
        related_name="organised_activities",
    )
    check_in_code = models.CharField(
        _("check-in code"),
        max_length=12,
        blank=True,
        help_text=_("Optional: a code shown at the venue that registered people enter to check in."),
    )
    # Set once, when the first publication announced the activity to its subscribers: never twice.
    announced_at = models.DateTimeField(_("announced at"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    search_vector = models.GeneratedField(
        expression=SearchVector("title", "description"), output_field=SearchVectorField(), db_persist=True
    )

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["starts_at", "id"]
        indexes = [
            GinIndex(fields=["search_vector"], name="activity_search"),
            models.Index(fields=["state", "starts_at"], name="activity_state_start_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="activity_ends_after_start"),
            models.CheckConstraint(
                condition=Q(registration_closes_at__gt=F("registration_opens_at")),
                name="activity_registration_window",
            ),
            models.CheckConstraint(
                condition=Q(registration_closes_at__lte=F("ends_at")),
                name="activity_registration_closes_by_end",
            ),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="activity_capacity_positive"),
            models.CheckConstraint(
                condition=(Q(kind="online") & ~Q(link="") & Q(place=""))
                | (Q(kind="on_site") & ~Q(place="") & Q(link="")),
                name="activity_place_or_link_by_kind",
            ),
            models.CheckConstraint(
                condition=Q(state__in=["draft", "published", "cancelled", "finished"]),
                name="activity_state_known",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class RegistrationStatus(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    WAITLISTED = "waitlisted", _("On the waiting list")
    CANCELLED = "cancelled", _("Cancelled")


ACTIVE_STATUSES = (RegistrationStatus.REGISTERED, RegistrationStatus.WAITLISTED)


class Registration(models.Model):
    """One person's place (or place on the waiting list) at one activity."""

    activity = models.ForeignKey(
        Activity, verbose_name=_("activity"), on_delete=models.PROTECT, related_name="registrations"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="activity_registrations",
    )
    status = models.CharField(_("status"), max_length=12, choices=RegistrationStatus.choices)
    created_at = models.DateTimeField(_("registered at"), default=timezone.now)
    # The waiting list's order: when the person joined it (or registered).
    queued_at = models.DateTimeField(_("queued at"), default=timezone.now)
    promoted_at = models.DateTimeField(_("moved up at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True)
    attended_at = models.DateTimeField(_("attended at"), null=True, blank=True)
    attendance_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("attendance recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["queued_at", "id"]
        indexes = [
            models.Index(fields=["activity", "status", "queued_at"], name="registration_queue_idx"),
            models.Index(fields=["person", "created_at"], name="registration_person_idx"),
        ]
        constraints = [
            # One live registration per person and activity; a cancelled one may be followed by a new one.
            models.UniqueConstraint(
                fields=["activity", "person"],
                condition=Q(status__in=["registered", "waitlisted"]),
                name="registration_one_live_per_person",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["registered", "waitlisted", "cancelled"]),
                name="registration_status_known",
            ),
            models.CheckConstraint(
                condition=Q(attended_at__isnull=True) | Q(status="registered"),
                name="registration_attended_only_registered",
            ),
            models.CheckConstraint(
                condition=Q(cancelled_at__isnull=True) | Q(status="cancelled"),
                name="registration_cancelled_at_when_cancelled",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.activity_id} / {self.person_id} ({self.status})"

    @property
    def attended(self) -> bool:
        return self.attended_at is not None


class ActivitySubscription(models.Model):
    """A person's wish to be told of every activity published: one row while they want it."""

    person = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="activity_subscription",
    )
    created_at = models.DateTimeField(_("subscribed at"), default=timezone.now)

    class Meta:
        verbose_name = _("activity subscription")
        verbose_name_plural = _("activity subscriptions")

    def __str__(self) -> str:
        return str(self.person_id)


class EventKind(models.TextChoices):
    STATE_CHANGE = "state_change", _("State change")
    ANNOUNCED = "announced", _("Announced to subscribers")
    ATTENDANCE = "attendance", _("Attendance recorded")


class ActivityEvent(TimelineEvent):
    """One entry of an activity's timeline; rows are only ever added (see the migration)."""

    activity = models.ForeignKey(
        Activity, verbose_name=_("activity"), on_delete=models.PROTECT, related_name="events"
    )

    class Meta(TimelineEvent.Meta):
        verbose_name = _("activity event")
        verbose_name_plural = _("activity events")
        indexes = [models.Index(fields=["activity", "created_at"], name="activity_event_idx")]
