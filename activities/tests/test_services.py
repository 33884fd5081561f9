"""Activities' services: preparing and moving activities, registering with places and a waiting list,
announcements to subscribers, reminders and attendance; and what each refuses, changing nothing."""

import datetime

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.roles import Role
from accounts.tests.factories import LearnerFactory, UserFactory
from activities import services
from activities.errors import (
    ActivityError,
    ActivityMoveNotAllowed,
    ActivityPermissionDenied,
    AlreadyRegistered,
    CheckInRefused,
    NotRegistered,
    RegistrationClosed,
)
from activities.models import (
    Activity,
    ActivityEvent,
    ActivitySubscription,
    EventKind,
    Kind,
    Registration,
    RegistrationStatus,
    State,
)
from activities.notices import NoticeKind
from notifications.models import Notification
from notifications.services import notifications_deliver_due

from .factories import DAY, ActivityFactory, RegistrationFactory

pytestmark = pytest.mark.django_db
HOUR = datetime.timedelta(hours=1)


def values(**changes):
    starts = timezone.now() + 7 * DAY
    base = {
        "title": "校园权益知识讲座",
        "description": "学员个人信息保护。",
        "kind": Kind.ON_SITE,
        "starts_at": starts,
        "ends_at": starts + 2 * HOUR,
        "place": "教学楼 A 座 201",
        "link": "",
        "capacity": 2,
        "registration_opens_at": timezone.now() - DAY,
        "registration_closes_at": starts - HOUR,
    }
    return base | changes


# Preparing activities


def test_staff_prepare_a_draft_with_its_first_timeline_entry(agent):
    activity = services.activity_create(actor=agent, **values())
    assert activity.state == State.DRAFT
    assert activity.organiser == agent
    assert list(activity.events.values_list("kind", "to_state")) == [(EventKind.STATE_CHANGE, State.DRAFT)]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"place": ""}, "place"),
        ({"link": "https://meeting.example.edu.cn/j/1"}, "link"),
        ({"kind": Kind.ONLINE}, "link"),
        ({"kind": Kind.ONLINE, "link": "https://meeting.example.edu.cn/j/1"}, "place"),
        ({"ends_at": timezone.now() + DAY}, "ends_at"),
        ({"registration_closes_at": timezone.now() - 2 * DAY}, "registration_closes_at"),
        ({"registration_closes_at": timezone.now() + 30 * DAY}, "registration_closes_at"),
        ({"capacity": 0}, "capacity"),
    ],
)
def test_place_or_link_dates_and_places_are_checked_per_kind_and_nothing_is_stored(agent, changes, field):
    with pytest.raises(ActivityError) as refused:
        services.activity_create(actor=agent, **values(**changes))
    assert refused.value.field == field
    assert not Activity.objects.exists()


def test_the_database_refuses_an_online_activity_without_a_link():
    with pytest.raises(IntegrityError), transaction.atomic():
        ActivityFactory(online=True, link="")


def test_a_learner_may_not_prepare_activities(learner):
    with pytest.raises(ActivityPermissionDenied):
        services.activity_create(actor=learner, **values())
    assert not Activity.objects.exists()


def test_a_cancelled_activity_cannot_be_changed(agent):
    activity = ActivityFactory(state=State.CANCELLED)
    with pytest.raises(ActivityError):
        services.activity_update(activity=activity, actor=agent, title="改名")
    activity.refresh_from_db()
    assert activity.title != "改名"


# Moves and announcements


def test_publishing_announces_to_subscribers_once_by_email_and_in_app(agent):
    subscriber, other = LearnerFactory(), LearnerFactory()
    services.activity_subscription_set(person=subscriber, actor=subscriber, subscribed=True)
    activity = services.activity_create(actor=agent, **values())

    services.activity_publish(activity=activity, actor=agent)
    notifications_deliver_due()

    notices = Notification.objects.filter(kind=NoticeKind.PUBLISHED)
    assert sorted(notices.values_list("recipient_id", "channel")) == [
        (subscriber.pk, Notification.Channel.EMAIL),
        (subscriber.pk, Notification.Channel.IN_APP),
    ]
    assert not notices.filter(recipient=other).exists()
    assert set(notices.values_list("state", flat=True)) == {Notification.State.SENT}
    assert [message.to for message in mail.outbox] == [[subscriber.email]]
    assert "校园权益知识讲座" in mail.outbox[0].subject
    assert f"/activities/{activity.pk}/" in mail.outbox[0].body

    # Taken back to draft and published again: no second announcement.
    services.activity_unpublish(activity=activity, actor=agent)
    services.activity_publish(activity=activity, actor=agent)
    notifications_deliver_due()
    assert notices.count() == 2
    assert len(mail.outbox) == 1
    assert activity.events.filter(kind=EventKind.ANNOUNCED).count() == 1


def test_publishing_a_published_activity_is_refused_and_sends_nothing(agent):
    subscriber = LearnerFactory()
    services.activity_subscription_set(person=subscriber, actor=subscriber, subscribed=True)
    activity = services.activity_publish(
        activity=services.activity_create(actor=agent, **values()), actor=agent
    )
    sent = Notification.objects.count()
    with pytest.raises(ActivityMoveNotAllowed):
        services.activity_publish(activity=activity, actor=agent)
    assert Notification.objects.count() == sent


def test_unsubscribing_stops_the_announcements(agent):
    learner = LearnerFactory()
    services.activity_subscription_set(person=learner, actor=learner, subscribed=True)
    services.activity_subscription_set(person=learner, actor=learner, subscribed=False)
    services.activity_publish(activity=services.activity_create(actor=agent, **values()), actor=agent)
    assert not ActivitySubscription.objects.exists()
    assert not Notification.objects.exists()


def test_nobody_sets_another_persons_subscription(learner):
    other = LearnerFactory()
    with pytest.raises(ActivityPermissionDenied):
        services.activity_subscription_set(person=other, actor=learner, subscribed=True)
    assert not ActivitySubscription.objects.exists()


def test_cancelling_tells_the_registered_and_the_waiting_and_not_the_cancelled(agent):
    activity = ActivityFactory(capacity=1)
    registered, waiting, gone = (RegistrationFactory(activity=activity) for _ in range(3))
    Registration.objects.filter(pk=waiting.pk).update(status=RegistrationStatus.WAITLISTED)
    Registration.objects.filter(pk=gone.pk).update(
        status=RegistrationStatus.CANCELLED, cancelled_at=timezone.now()
    )
    services.activity_cancel(activity=activity, actor=agent, reason="讲师临时有事")
    told = set(Notification.objects.filter(kind=NoticeKind.CANCELLED).values_list("recipient_id", flat=True))
    assert told == {registered.person_id, waiting.person_id}


def test_an_activity_not_started_cannot_be_finished(agent, activity):
    with pytest.raises(ActivityError):
        services.activity_finish(activity=activity, actor=agent)
    activity.refresh_from_db()
    assert activity.state == State.PUBLISHED


def test_the_timeline_is_append_only(agent):
    activity = services.activity_create(actor=agent, **values())
    with pytest.raises(IntegrityError), transaction.atomic():
        ActivityEvent.objects.filter(activity=activity).update(body="改写")


# Registering


def test_places_then_the_waiting_list(activity):
    activity.capacity = 2
    activity.save()
    first, second, third = (
        services.registration_create(activity=activity, actor=LearnerFactory()) for _ in range(3)
    )
    assert [first.status, second.status, third.status] == [
        RegistrationStatus.REGISTERED,
        RegistrationStatus.REGISTERED,
        RegistrationStatus.WAITLISTED,
    ]


def test_a_parent_registers_too(parent, activity):
    assert (
        services.registration_create(activity=activity, actor=parent).status == RegistrationStatus.REGISTERED
    )


@pytest.mark.parametrize("roles", [[Role.AGENT], [Role.INSTRUCTOR], []])
def test_only_learners_and_parents_register(activity, roles):
    with pytest.raises(ActivityPermissionDenied):
        services.registration_create(activity=activity, actor=UserFactory(roles=roles))
    assert not Registration.objects.exists()


def test_no_double_registration(learner, activity):
    services.registration_create(activity=activity, actor=learner)
    with pytest.raises(AlreadyRegistered):
        services.registration_create(activity=activity, actor=learner)
    assert Registration.objects.count() == 1


def test_the_database_refuses_two_live_registrations_of_one_person(learner, activity):
    RegistrationFactory(activity=activity, person=learner)
    with pytest.raises(IntegrityError), transaction.atomic():
        RegistrationFactory(activity=activity, person=learner, status=RegistrationStatus.WAITLISTED)


def test_registering_again_after_cancelling_is_a_new_registration(learner, activity):
    services.registration_create(activity=activity, actor=learner)
    services.registration_cancel(activity=activity, actor=learner)
    again = services.registration_create(activity=activity, actor=learner)
    assert again.status == RegistrationStatus.REGISTERED
    assert Registration.objects.filter(person=learner).count() == 2


@pytest.mark.parametrize(
    "changes",
    [
        {"registration_opens_at": timezone.now() + DAY},
        {"registration_opens_at": timezone.now() - 3 * DAY, "registration_closes_at": timezone.now() - DAY},
        {"state": State.DRAFT},
        {"state": State.CANCELLED},
    ],
)
def test_registration_closed_outside_its_window_or_when_not_published(learner, changes):
    activity = ActivityFactory(**changes)
    with pytest.raises(RegistrationClosed):
        services.registration_create(activity=activity, actor=learner)
    assert not Registration.objects.exists()


# Cancelling and the waiting list


def test_a_cancelled_place_goes_to_the_first_waiting_who_is_told(activity):
    activity.capacity = 1
    activity.save()
    holder, first, second = LearnerFactory(), LearnerFactory(), LearnerFactory()
    for person in (holder, first, second):
        services.registration_create(activity=activity, actor=person)

    services.registration_cancel(activity=activity, actor=holder)

    statuses = dict(Registration.objects.values_list("person_id", "status"))
    assert statuses == {
        holder.pk: RegistrationStatus.CANCELLED,
        first.pk: RegistrationStatus.REGISTERED,
        second.pk: RegistrationStatus.WAITLISTED,
    }
    promoted = Notification.objects.filter(kind=NoticeKind.PROMOTED)
    assert set(promoted.values_list("recipient_id", flat=True)) == {first.pk}


def test_leaving_the_waiting_list_promotes_nobody(activity):
    activity.capacity = 1
    activity.save()
    holder, waiting = LearnerFactory(), LearnerFactory()
    services.registration_create(activity=activity, actor=holder)
    services.registration_create(activity=activity, actor=waiting)
    services.registration_cancel(activity=activity, actor=waiting)
    assert Registration.objects.get(person=holder).status == RegistrationStatus.REGISTERED
    assert not Notification.objects.filter(kind=NoticeKind.PROMOTED).exists()


def test_cancelling_without_a_registration_is_refused(learner, activity):
    with pytest.raises(NotRegistered):
        services.registration_cancel(activity=activity, actor=learner)


def test_no_cancelling_once_the_activity_started(learner):
    activity = ActivityFactory(
        starts_at=timezone.now() - HOUR,
        registration_opens_at=timezone.now() - 3 * DAY,
        registration_closes_at=timezone.now() - 2 * HOUR,
    )
    registration = RegistrationFactory(activity=activity, person=learner)
    with pytest.raises(RegistrationClosed):
        services.registration_cancel(activity=activity, actor=learner)
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.REGISTERED


# Reminders


def test_the_day_before_reminder_goes_once_to_those_with_a_place():
    soon = ActivityFactory(
        starts_at=timezone.now() + 20 * HOUR, registration_closes_at=timezone.now() + 19 * HOUR
    )
    later = ActivityFactory(starts_at=timezone.now() + 3 * DAY)
    placed = RegistrationFactory(activity=soon)
    RegistrationFactory(activity=soon, status=RegistrationStatus.WAITLISTED)
    RegistrationFactory(activity=soon, status=RegistrationStatus.CANCELLED, cancelled_at=timezone.now())
    RegistrationFactory(activity=later)

    assert services.activity_reminders_send() == 1
    assert services.activity_reminders_send() == 0

    reminders = Notification.objects.filter(kind=NoticeKind.REMINDER)
    assert set(reminders.values_list("recipient_id", flat=True)) == {placed.person_id}
    assert reminders.filter(channel=Notification.Channel.IN_APP).count() == 1
    placed.refresh_from_db()
    assert placed.reminded_at is not None


def test_no_reminder_for_a_cancelled_activity():
    soon = ActivityFactory(
        starts_at=timezone.now() + 20 * HOUR,
        registration_closes_at=timezone.now() + 19 * HOUR,
        state=State.CANCELLED,
    )
    RegistrationFactory(activity=soon)
    assert services.activity_reminders_send() == 0
    assert not Notification.objects.exists()


# Attendance


def test_staff_record_attendance_of_people_with_a_place_only(agent, activity):
    placed = RegistrationFactory(activity=activity)
    waiting = RegistrationFactory(activity=activity, status=RegistrationStatus.WAITLISTED)
    changed = services.registrations_attendance_record(
        registrations=Registration.objects.all(), actor=agent, attended=True
    )
    assert changed == 1
    placed.refresh_from_db()
    waiting.refresh_from_db()
    assert placed.attended_at is not None and placed.attendance_recorded_by == agent
    assert waiting.attended_at is None
    assert activity.events.filter(kind=EventKind.ATTENDANCE).count() == 1


def test_a_learner_may_not_record_attendance(learner, activity):
    registration = RegistrationFactory(activity=activity, person=learner)
    with pytest.raises(ActivityPermissionDenied):
        services.registrations_attendance_record(registrations=[registration], actor=learner, attended=True)
    registration.refresh_from_db()
    assert registration.attended_at is None


def _running(**fields):
    return ActivityFactory(
        starts_at=timezone.now() - HOUR / 2,
        registration_opens_at=timezone.now() - 3 * DAY,
        registration_closes_at=timezone.now() - HOUR,
        **fields,
    )


def test_check_in_with_the_venue_code(learner):
    activity = _running(check_in_code="QY2026")
    RegistrationFactory(activity=activity, person=learner)
    registration = services.registration_check_in(activity=activity, actor=learner, code=" qy2026 ")
    assert registration.attended_at is not None


@pytest.mark.parametrize("code", ["WRONG", ""])
def test_check_in_with_a_wrong_code_is_refused(learner, code):
    activity = _running(check_in_code="QY2026")
    registration = RegistrationFactory(activity=activity, person=learner)
    with pytest.raises(CheckInRefused) as refused:
        services.registration_check_in(activity=activity, actor=learner, code=code)
    assert refused.value.field == "code"
    registration.refresh_from_db()
    assert registration.attended_at is None


def test_no_check_in_days_before_the_start(learner, activity):
    activity.check_in_code = "QY2026"
    activity.save()
    registration = RegistrationFactory(activity=activity, person=learner)
    with pytest.raises(CheckInRefused):
        services.registration_check_in(activity=activity, actor=learner, code="QY2026")
    registration.refresh_from_db()
    assert registration.attended_at is None
