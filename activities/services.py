"""Every change to activities: preparing and moving them, registering and cancelling (with the waiting list),
subscribing to announcements, the day-before reminders and attendance.

Places are counted on the activity's locked row: every registration and cancellation of one activity takes
``SELECT … FOR UPDATE`` on it first, so two people racing for the last place are served one after the other
and the second joins the waiting list. The unique constraint on live registrations keeps a person from
holding two, whatever path the write takes.
"""

import datetime
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.workflow import workflow_lock
from notifications.models import Notification
from notifications.services import NoticeRequest, notification_enqueue, notifications_enqueue_bulk

from .errors import (
    ActivityError,
    ActivityPermissionDenied,
    AlreadyRegistered,
    CheckInRefused,
    NotRegistered,
    RegistrationClosed,
)
from .models import (
    ACTIVE_STATUSES,
    Activity,
    ActivityEvent,
    ActivitySubscription,
    EventKind,
    Kind,
    Registration,
    RegistrationStatus,
    State,
)
from .notices import NoticeKind
from .permissions import is_activity_staff, may_register
from .workflow import Transition, activity_transition

ANNOUNCEMENT_CHANNELS = (Notification.Channel.IN_APP, Notification.Channel.EMAIL)
REMINDER_AHEAD = datetime.timedelta(hours=24)
# Check-in with the venue's code opens this long before the start and closes at the end.
CHECK_IN_EARLY = datetime.timedelta(hours=1)
EDITABLE_FIELDS = (
    "title",
    "description",
    "kind",
    "starts_at",
    "ends_at",
    "place",
    "link",
    "capacity",
    "registration_opens_at",
    "registration_closes_at",
    "check_in_code",
)


def activity_problems(values: dict[str, Any]) -> dict[str, str]:
    """Say, per field, what the rules refuse in an activity's values (empty when they are all right)."""
    problems: dict[str, str] = {}
    kind = values.get("kind")
    place = (values.get("place") or "").strip()
    link = (values.get("link") or "").strip()
    if kind == Kind.ON_SITE:
        if not place:
            problems["place"] = _("An on-site activity needs a place.")
        if link:
            problems["link"] = _("An on-site activity has a place, not a link.")
    elif kind == Kind.ONLINE:
        if not link:
            problems["link"] = _("An online activity needs a link.")
        if place:
            problems["place"] = _("An online activity has a link, not a place.")
    starts, ends = values.get("starts_at"), values.get("ends_at")
    opens, closes = values.get("registration_opens_at"), values.get("registration_closes_at")
    if starts and ends and ends <= starts:
        problems["ends_at"] = _("The activity must end after it starts.")
    if opens and closes and closes <= opens:
        problems["registration_closes_at"] = _("Registration must close after it opens.")
    elif closes and ends and closes > ends:
        problems["registration_closes_at"] = _("Registration must close by the end of the activity.")
    capacity = values.get("capacity")
    if capacity is not None and capacity < 1:
        problems["capacity"] = _("An activity needs at least one place.")
    return problems


def _check(values: dict[str, Any]) -> None:
    problems = activity_problems(values)
    if problems:
        field, message = next(iter(problems.items()))
        raise ActivityError(message, code="invalid", field=field)


def _check_organiser(organiser: User) -> None:
    if not is_activity_staff(organiser):
        raise ActivityError(
            _("The organiser must be a member of the learner-services team."),
            code="invalid",
            field="organiser",
        )


def _require_staff(actor: User) -> None:
    if not is_activity_staff(actor):
        raise ActivityPermissionDenied


@transaction.atomic
def activity_create(*, actor: User, organiser: User | None = None, **values: Any) -> Activity:
    """Prepare a draft activity. Requires the learner-services team; raises ActivityError on the first field
    the rules refuse (see ``activity_problems``), creating nothing."""
    _require_staff(actor)
    unknown = set(values) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown activity fields: {sorted(unknown)}")
    values = {"place": "", "link": "", "check_in_code": "", **values}
    _check(values)
    _check_organiser(organiser or actor)
    activity = Activity.objects.create(organiser=organiser or actor, state=State.DRAFT, **values)
    ActivityEvent.objects.create(
        activity=activity, kind=EventKind.STATE_CHANGE, actor=actor, to_state=State.DRAFT
    )
    return activity


@transaction.atomic
def activity_update(
    *, activity: Activity, actor: User, organiser: User | None = None, **values: Any
) -> Activity:
    """Change an activity's details (not its state: that is a move). Requires the learner-services team;
    refuses a finished or cancelled activity, and values the rules refuse, changing nothing."""
    _require_staff(actor)
    unknown = set(values) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown activity fields: {sorted(unknown)}")
    locked = workflow_lock(activity)
    if locked.state in (State.CANCELLED, State.FINISHED):
        raise ActivityError(_("A cancelled or finished activity cannot be changed."), code="closed")
    merged = {name: getattr(locked, name) for name in EDITABLE_FIELDS} | values
    _check(merged)
    for name, value in values.items():
        setattr(locked, name, value)
    if organiser is not None:
        _check_organiser(organiser)
        locked.organiser = organiser
    locked.save(update_fields=[*values, *(["organiser"] if organiser is not None else [])])
    return locked


@transaction.atomic
def activity_publish(*, activity: Activity, actor: User) -> Activity:
    """Publish a draft; the first publication announces it to every subscriber (in-app and by e-mail).

    Requires the learner-services team. Raises ActivityMoveNotAllowed for an activity not in draft. A
    publication after the activity was taken back to draft announces nothing again: ``announced_at`` is set
    once, on the locked row, in the same transaction as the notices.
    """
    _require_staff(actor)
    locked = workflow_lock(activity)
    first = locked.announced_at is None
    now = timezone.now()
    published = activity_transition(
        activity=locked,
        transition=Transition.PUBLISH,
        actor=actor,
        changes={"announced_at": now} if first else None,
    )
    if first:
        subscribers = ActivitySubscription.objects.filter(person__is_active=True).order_by("person_id")
        requests = [
            NoticeRequest(
                recipient_id=person_id, kind=NoticeKind.PUBLISHED, context={"reference": str(locked.pk)}
            )
            for person_id in subscribers.values_list("person_id", flat=True)
        ]
        written = notifications_enqueue_bulk(notices=requests, channels=ANNOUNCEMENT_CHANNELS, now=now)
        ActivityEvent.objects.create(
            activity=locked,
            kind=EventKind.ANNOUNCED,
            actor=actor,
            data={"subscribers": len(written)},
            created_at=now,
        )
    return published


def activity_unpublish(*, activity: Activity, actor: User) -> Activity:
    """Take a published activity back to draft to correct it; its registrations stay. Staff only."""
    _require_staff(actor)
    return activity_transition(activity=activity, transition=Transition.UNPUBLISH, actor=actor)


@transaction.atomic
def activity_cancel(*, activity: Activity, actor: User, reason: str = "") -> Activity:
    """Cancel a draft or published activity and tell everyone registered or waiting. Staff only."""
    _require_staff(actor)
    cancelled = activity_transition(activity=activity, transition=Transition.CANCEL, actor=actor, body=reason)
    people = (
        Registration.objects.filter(activity=cancelled, status__in=ACTIVE_STATUSES)
        .order_by("person_id")
        .values_list("person_id", flat=True)
    )
    notifications_enqueue_bulk(
        notices=[
            NoticeRequest(
                recipient_id=person_id, kind=NoticeKind.CANCELLED, context={"reference": str(cancelled.pk)}
            )
            for person_id in people
        ]
    )
    return cancelled


def activity_finish(*, activity: Activity, actor: User) -> Activity:
    """Mark a published activity finished once it has started. Staff only."""
    _require_staff(actor)
    if activity.starts_at > timezone.now():
        raise ActivityError(_("An activity that has not started yet cannot be finished."), code="not_started")
    return activity_transition(activity=activity, transition=Transition.FINISH, actor=actor)


def registration_is_open(activity: Activity, *, now: datetime.datetime | None = None) -> bool:
    """Whether the activity takes registrations now: published, inside its registration window."""
    now = now or timezone.now()
    return (
        activity.state == State.PUBLISHED
        and activity.registration_opens_at <= now < activity.registration_closes_at
        and now < activity.ends_at
    )


@transaction.atomic
def registration_create(*, activity: Activity, actor: User) -> Registration:
    """Register the actor (a learner or parent) for the activity: a place while any is left, else the waiting
    list.

    Locks the activity's row, so places are counted one registration at a time. Raises
    ActivityPermissionDenied for anyone but a learner or parent, RegistrationClosed outside the window (or
    when the activity is not published) and AlreadyRegistered when the actor holds a live registration; each
    time nothing is stored.
    """
    if not may_register(actor):
        raise ActivityPermissionDenied(_("Only learners and parents register for activities."))
    locked = workflow_lock(activity)
    if not registration_is_open(locked):
        raise RegistrationClosed
    live = Registration.objects.filter(activity=locked, status__in=ACTIVE_STATUSES)
    if live.filter(person=actor).exists():
        raise AlreadyRegistered
    taken = live.filter(status=RegistrationStatus.REGISTERED).count()
    status = RegistrationStatus.REGISTERED if taken < locked.capacity else RegistrationStatus.WAITLISTED
    now = timezone.now()
    try:
        with transaction.atomic():
            return Registration.objects.create(
                activity=locked, person=actor, status=status, created_at=now, queued_at=now
            )
    except IntegrityError as error:  # the unique constraint: a live registration written meanwhile
        raise AlreadyRegistered from error


@transaction.atomic
def registration_cancel(*, activity: Activity, actor: User) -> Registration:
    """Cancel the actor's registration (or place on the waiting list) before the activity starts.

    When a place is given up, the first person on the waiting list takes it and is told. Raises
    NotRegistered when the actor holds no live registration and RegistrationClosed once the activity has
    started; nothing changes then.
    """
    locked = workflow_lock(activity)
    registration = (
        Registration.objects.select_for_update()
        .filter(activity=locked, person=actor, status__in=ACTIVE_STATUSES)
        .first()
    )
    if registration is None:
        raise NotRegistered
    now = timezone.now()
    if now >= locked.starts_at:
        raise RegistrationClosed(_("The activity has started: registrations can no longer be cancelled."))
    held_place = registration.status == RegistrationStatus.REGISTERED
    registration.status = RegistrationStatus.CANCELLED
    registration.cancelled_at = now
    registration.save(update_fields=["status", "cancelled_at"])
    if held_place and locked.state == State.PUBLISHED:
        _promote_waiting(locked, now=now)
    return registration


def _promote_waiting(activity: Activity, *, now: datetime.datetime) -> Registration | None:
    """Give the free places to the first on the waiting list, in the order they joined it, and tell them."""
    taken = Registration.objects.filter(activity=activity, status=RegistrationStatus.REGISTERED).count()
    free = activity.capacity - taken
    if free <= 0:
        return None
    waiting = list(
        Registration.objects.select_for_update()
        .filter(activity=activity, status=RegistrationStatus.WAITLISTED)
        .select_related("person")
        .order_by("queued_at", "id")[:free]
    )
    for registration in waiting:
        registration.status = RegistrationStatus.REGISTERED
        registration.promoted_at = now
        registration.save(update_fields=["status", "promoted_at"])
        if registration.person.is_active:
            notification_enqueue(
                recipient=registration.person,
                kind=NoticeKind.PROMOTED,
                context={"reference": str(activity.pk)},
            )
    return waiting[0] if waiting else None


@transaction.atomic
def registration_check_in(*, activity: Activity, actor: User, code: str) -> Registration:
    """Record that the actor attended, with the code shown at the venue, from an hour before the start to the
    end. Raises CheckInRefused (on ``code``) for a wrong code, an activity without one, or outside that
    time; NotRegistered without a place. Nothing changes then."""
    locked = workflow_lock(activity)
    registration = (
        Registration.objects.select_for_update()
        .filter(activity=locked, person=actor, status=RegistrationStatus.REGISTERED)
        .first()
    )
    if registration is None:
        raise NotRegistered(_("Only people with a place can check in."))
    now = timezone.now()
    if locked.state != State.PUBLISHED or not (locked.starts_at - CHECK_IN_EARLY <= now <= locked.ends_at):
        raise CheckInRefused(_("Check-in is open from an hour before the start until the end."))
    if not locked.check_in_code or code.strip().upper() != locked.check_in_code.strip().upper():
        raise CheckInRefused
    if registration.attended_at is None:
        registration.attended_at = now
        registration.attendance_recorded_by = actor
        registration.save(update_fields=["attended_at", "attendance_recorded_by"])
    return registration


@transaction.atomic
def registrations_attendance_record(
    *, registrations: QuerySet[Registration] | Iterable[Registration], actor: User, attended: bool
) -> int:
    """Record (or take back) attendance of people with a place; return how many changed. Staff only.

    Registrations without a place (waiting, cancelled) are left alone. Writes one timeline event per
    activity concerned.
    """
    _require_staff(actor)
    ids = [registration.pk for registration in registrations]
    rows = Registration.objects.select_for_update().filter(pk__in=ids, status=RegistrationStatus.REGISTERED)
    rows = rows.filter(attended_at__isnull=attended)
    now = timezone.now()
    changed: dict[int, int] = {}
    for registration in rows.order_by("pk"):
        registration.attended_at = now if attended else None
        registration.attendance_recorded_by = actor if attended else None
        registration.save(update_fields=["attended_at", "attendance_recorded_by"])
        changed[registration.activity_id] = changed.get(registration.activity_id, 0) + 1
    for activity_id, count in changed.items():
        ActivityEvent.objects.create(
            activity_id=activity_id,
            kind=EventKind.ATTENDANCE,
            actor=actor,
            data={"attended": attended, "count": count},
            created_at=now,
        )
    return sum(changed.values())


def activity_subscription_set(*, person: User, actor: User, subscribed: bool) -> bool:
    """Turn the person's announcements of new activities on or off; return whether they are on. Only the
    person may."""
    if actor.pk != person.pk:
        raise ActivityPermissionDenied
    if subscribed:
        ActivitySubscription.objects.get_or_create(person=person)
    else:
        ActivitySubscription.objects.filter(person=person).delete()
    return subscribed


def activity_reminders_send(*, now: datetime.datetime | None = None) -> int:
    """Remind everyone with a place at a published activity starting within a day; return how many.

    Each registration is reminded once: the rows are locked (skipping those another sweep holds), marked
    reminded and their notices written in one transaction, so a sweep run twice, or two at once, sends
    each reminder once.
    """
    now = now or timezone.now()
    with transaction.atomic():
        due = list(
            Registration.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(
                status=RegistrationStatus.REGISTERED,
                reminded_at__isnull=True,
                activity__state=State.PUBLISHED,
                activity__starts_at__gt=now,
                activity__starts_at__lte=now + REMINDER_AHEAD,
            )
            .order_by("pk")
            .values_list("pk", "person_id", "activity_id")
        )
        if not due:
            return 0
        Registration.objects.filter(pk__in=[pk for pk, _person, _activity in due]).update(reminded_at=now)
        notifications_enqueue_bulk(
            notices=[
                NoticeRequest(
                    recipient_id=person_id, kind=NoticeKind.REMINDER, context={"reference": str(activity_id)}
                )
                for _pk, person_id, activity_id in due
            ],
            now=now,
        )
    return len(due)
