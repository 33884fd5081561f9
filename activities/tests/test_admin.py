"""The staff's activity screens: preparing with the rules next to the fields, moves through the services,
and attendance recorded with the registrations' actions."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from accounts.tests.factories import LearnerFactory
from activities.models import Activity, ActivitySubscription, Registration, State
from activities.notices import NoticeKind
from notifications.models import Notification

from .factories import DAY, ActivityFactory, RegistrationFactory

pytestmark = pytest.mark.django_db
FORMAT = "%Y-%m-%d"


def staff_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def form_data(**changes):
    starts = timezone.localtime() + 7 * DAY
    data = {
        "title": "校园权益知识讲座",
        "description": "学员个人信息保护。",
        "kind": "on_site",
        "place": "教学楼 A 座 201",
        "link": "",
        "capacity": "30",
        "starts_at_0": starts.strftime(FORMAT),
        "starts_at_1": "14:00:00",
        "ends_at_0": starts.strftime(FORMAT),
        "ends_at_1": "16:00:00",
        "registration_opens_at_0": timezone.localdate().strftime(FORMAT),
        "registration_opens_at_1": "00:00:00",
        "registration_closes_at_0": starts.strftime(FORMAT),
        "registration_closes_at_1": "12:00:00",
        "check_in_code": "",
    }
    return data | changes


def test_staff_prepare_an_activity_in_the_admin(agent):
    data = form_data(organiser=str(agent.pk))
    response = staff_client(agent).post("/admin/activities/activity/add/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    activity = Activity.objects.get()
    assert activity.state == State.DRAFT and activity.organiser == agent
    assert timezone.localtime(activity.starts_at).hour == 14  # entered in the institution's time zone
    assert activity.events.count() == 1


def test_an_online_activity_without_a_link_is_refused_next_to_the_field(agent):
    data = form_data(organiser=str(agent.pk), kind="online", place="")
    response = staff_client(agent).post("/admin/activities/activity/add/", data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert set(errors) == {"link"}
    assert not Activity.objects.exists()


def test_publishing_in_the_admin_announces_to_subscribers(agent):
    subscriber = LearnerFactory()
    ActivitySubscription.objects.create(person=subscriber)
    activity = ActivityFactory(draft=True)
    response = staff_client(agent).post(f"/admin/activities/activity/{activity.pk}/move/publish/")
    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.state == State.PUBLISHED
    assert Notification.objects.filter(kind=NoticeKind.PUBLISHED, recipient=subscriber).exists()


def test_a_cancel_without_its_reason_is_refused_and_changes_nothing(agent, activity):
    response = staff_client(agent).post(f"/admin/activities/activity/{activity.pk}/move/cancel/", {})
    assert response.status_code == 400
    activity.refresh_from_db()
    assert activity.state == State.PUBLISHED
    assert not Notification.objects.exists()


def test_staff_mark_who_attended_and_the_learner_sees_it(agent, learner):
    activity = ActivityFactory(
        starts_at=timezone.now() - DAY,
        registration_opens_at=timezone.now() - 5 * DAY,
        registration_closes_at=timezone.now() - 2 * DAY,
    )
    came = RegistrationFactory(activity=activity, person=learner)
    absent = RegistrationFactory(activity=activity)
    response = staff_client(agent).post(
        "/admin/activities/registration/",
        {"action": "mark_attended", "_selected_action": [str(came.pk)], "index": "0"},
    )
    assert response.status_code == 302
    came.refresh_from_db()
    absent.refresh_from_db()
    assert came.attended_at is not None and absent.attended_at is None

    learner_client = Client()
    learner_client.force_login(learner)
    body = learner_client.get(f"/activities/{activity.pk}/").content.decode()
    assert "您参加了本次活动" in body or "You attended this activity." in body


def test_learners_do_not_reach_the_admin_screens(learner, activity):
    RegistrationFactory(activity=activity)
    client = staff_client(learner)
    assert client.get("/admin/activities/registration/").status_code == 302
    response = client.post(f"/admin/activities/activity/{activity.pk}/move/cancel/", {"reason": "x"})
    assert response.status_code == 302  # to the log-in page
    activity.refresh_from_db()
    assert activity.state == State.PUBLISHED


def test_the_registration_list_costs_the_same_queries_whatever_its_length(agent, django_assert_num_queries):
    activity = ActivityFactory()
    RegistrationFactory(activity=activity)
    client = staff_client(agent)
    client.get("/admin/activities/registration/")
    with django_assert_num_queries(11) as one:
        client.get("/admin/activities/registration/")
    for _ in range(5):
        RegistrationFactory(activity=ActivityFactory())
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get("/admin/activities/registration/")
    assert response.status_code == 200
    assert Registration.objects.count() == 6


def test_the_activity_list_costs_the_same_queries_whatever_its_length(agent, django_assert_num_queries):
    ActivityFactory()
    client = staff_client(agent)
    client.get("/admin/activities/activity/")
    with django_assert_num_queries(9) as one:
        client.get("/admin/activities/activity/")
    for _ in range(5):
        ActivityFactory(starts_at=timezone.now() + datetime.timedelta(days=9))
    with django_assert_num_queries(len(one.captured_queries)):
        assert client.get("/admin/activities/activity/").status_code == 200
