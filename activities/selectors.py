"""What each reader may see of activities: one rule that the pages, the API and the admin all call.

``activities_visible`` decides it: the learner-services team sees every activity, drafts included; everyone
else the published, cancelled and finished ones. A person's registrations are theirs alone.
"""

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.models import User
from core.search import search_filter
from privacy import policy

from .models import ACTIVE_STATUSES, Activity, ActivitySubscription, Registration, RegistrationStatus, State
from .permissions import is_activity_staff, may_register
from .services import CHECK_IN_EARLY, registration_is_open

PUBLIC_STATES = (State.PUBLISHED, State.CANCELLED, State.FINISHED)


def activities_visible(*, user: User | None) -> QuerySet[Activity]:
    """Every activity the reader may see (the anonymous reader too)."""
    activities = Activity.objects.all()
    if user is not None and is_activity_staff(user):
        return activities
    return activities.filter(state__in=PUBLIC_STATES)


def _with_places(activities: QuerySet[Activity]) -> QuerySet[Activity]:
    return activities.annotate(
        taken=Count("registrations", filter=Q(registrations__status=RegistrationStatus.REGISTERED)),
        waiting=Count("registrations", filter=Q(registrations__status=RegistrationStatus.WAITLISTED)),
    )


def activities_upcoming(*, user: User | None, query: str = "") -> QuerySet[Activity]:
    """The published activities not yet over, soonest first, each with its places taken; ``query`` searches
    their titles and descriptions."""
    upcoming = activities_visible(user=user).filter(state=State.PUBLISHED, ends_at__gt=timezone.now())
    if query.strip():
        upcoming = search_filter(upcoming, query, text_fields=["title", "description"], newest=("starts_at",))
        return _with_places(upcoming)
    return _with_places(upcoming).order_by("starts_at", "id")


def activity_get_for_user(*, user: User | None, pk: int) -> Activity:
    """Return the activity the reader may see, with its places taken; 404 when missing or not theirs."""
    activity = _with_places(activities_visible(user=user)).select_related("organiser").filter(pk=pk).first()
    if activity is None:
        raise Http404
    return activity


def registrations_for_person(*, user: User) -> QuerySet[Registration]:
    """The person's own registrations, newest first, with their activities."""
    return (
        policy.visible_to(user=user, queryset=Registration.objects.filter(person=user))
        .select_related("activity")
        .order_by("-created_at", "-id")
    )


def registrations_visible(*, user: User) -> QuerySet[Registration]:
    """Every registration the reader may see: their own, or all of them for the learner-services team."""
    return policy.visible_to(user=user, queryset=Registration.objects.all())


@dataclass(frozen=True)
class ActivityReading:
    """One activity as one reader sees it: places left, their own registration, what they may do."""

    activity: Activity
    places_left: int
    waiting: int
    registration: Registration | None
    waiting_position: int | None
    may_register: bool
    may_cancel: bool
    may_check_in: bool
    registration_open: bool


def activity_reading(*, activity: Activity, user: User | None) -> ActivityReading:
    """What the reader sees of an activity they may see (from ``activity_get_for_user``)."""
    taken = getattr(activity, "taken", None)
    if taken is None:
        taken = activity.registrations.filter(status=RegistrationStatus.REGISTERED).count()
    waiting = getattr(activity, "waiting", 0)
    registration = None
    position = None
    if user is not None and user.is_authenticated:
        registration = (
            Registration.objects.filter(activity=activity, person=user, status__in=ACTIVE_STATUSES).first()
            or Registration.objects.filter(activity=activity, person=user)
            .order_by("-created_at", "-id")
            .first()
        )
        if registration is not None and registration.status == RegistrationStatus.WAITLISTED:
            position = (
                Registration.objects.filter(
                    activity=activity,
                    status=RegistrationStatus.WAITLISTED,
                    queued_at__lte=registration.queued_at,
                )
                .exclude(queued_at=registration.queued_at, id__gt=registration.pk)
                .count()
            )
    now = timezone.now()
    live = registration is not None and registration.status in ACTIVE_STATUSES
    open_now = registration_is_open(activity, now=now)
    return ActivityReading(
        activity=activity,
        places_left=max(activity.capacity - taken, 0),
        waiting=waiting,
        registration=registration,
        waiting_position=position,
        may_register=bool(user is not None and may_register(user) and open_now and not live),
        may_cancel=live and now < activity.starts_at,
        may_check_in=bool(
            registration is not None
            and registration.status == RegistrationStatus.REGISTERED
            and registration.attended_at is None
            and activity.check_in_code
            and activity.state == State.PUBLISHED
            and activity.starts_at - CHECK_IN_EARLY <= now <= activity.ends_at
        ),
        registration_open=open_now,
    )


def activity_subscribed(*, user: User) -> bool:
    return ActivitySubscription.objects.filter(person=user).exists()
