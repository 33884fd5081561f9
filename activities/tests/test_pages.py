"""The activity pages: the upcoming list, one activity with its buttons, registering, cancelling, checking in
and the person's own registrations; drafts and other people's registrations stay out of sight."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from accounts.tests.factories import LearnerFactory
from activities.models import ActivitySubscription, Registration, RegistrationStatus, State

from .factories import DAY, ActivityFactory, RegistrationFactory

pytestmark = pytest.mark.django_db
HOUR = datetime.timedelta(hours=1)


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_list_shows_upcoming_published_activities_to_anyone():
    shown = ActivityFactory(title="消费者权益日线上讲座", online=True)
    ActivityFactory(title="草稿讲座", draft=True)
    ActivityFactory(title="已结束讲座", state=State.FINISHED)
    ActivityFactory(
        title="昨天的讲座",
        starts_at=timezone.now() - 2 * DAY,
        registration_opens_at=timezone.now() - 5 * DAY,
        registration_closes_at=timezone.now() - 3 * DAY,
    )
    response = Client().get("/activities/")
    body = response.content.decode()
    assert response.status_code == 200
    assert shown.title in body
    assert "草稿讲座" not in body and "已结束讲座" not in body and "昨天的讲座" not in body


def test_the_list_searches_titles_and_descriptions():
    ActivityFactory(title="学员个人信息保护讲座")
    ActivityFactory(title="退费规则说明会")
    body = Client().get("/activities/", {"q": "个人信息"}).content.decode()
    assert "学员个人信息保护讲座" in body
    assert "退费规则说明会" not in body


def test_the_list_costs_the_same_queries_whatever_its_length(django_assert_num_queries, learner):
    client = signed_in(learner)
    ActivityFactory()
    client.get("/activities/")  # the session and the navigation's first reads
    with django_assert_num_queries(8) as one:
        client.get("/activities/")
    for _ in range(5):
        RegistrationFactory(activity=ActivityFactory())
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get("/activities/")
    assert response.status_code == 200
    assert response.content.decode().count('class="card complaint-card"') == 6


def test_a_draft_is_not_found_for_learners(learner):
    draft = ActivityFactory(draft=True)
    assert signed_in(learner).get(f"/activities/{draft.pk}/").status_code == 404
    assert signed_in(learner).post(f"/activities/{draft.pk}/register/").status_code == 404
    assert not Registration.objects.exists()


def test_the_detail_shows_places_left_and_the_register_button(learner):
    activity = ActivityFactory(capacity=3)
    RegistrationFactory(activity=activity)
    body = signed_in(learner).get(f"/activities/{activity.pk}/").content.decode()
    assert 'id="places-left"' in body and "2 / 3" not in body
    assert "剩余 2 个（共 3 个）" in body or "2 of 3" in body
    assert 'id="register-button"' in body


def test_anonymous_readers_see_the_activity_but_no_button():
    activity = ActivityFactory()
    body = Client().get(f"/activities/{activity.pk}/").content.decode()
    assert activity.title in body
    assert 'id="register-button"' not in body


def test_registering_and_cancelling_on_the_page(learner):
    activity = ActivityFactory()
    client = signed_in(learner)
    response = client.post(f"/activities/{activity.pk}/register/")
    assert response.status_code == 302
    registration = Registration.objects.get(person=learner)
    assert registration.status == RegistrationStatus.REGISTERED
    body = client.get(f"/activities/{activity.pk}/").content.decode()
    assert 'id="cancel-button"' in body and 'id="register-button"' not in body

    assert client.post(f"/activities/{activity.pk}/cancel/").status_code == 302
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CANCELLED


def test_registering_twice_shows_the_refusal_and_stores_nothing(learner):
    activity = ActivityFactory()
    RegistrationFactory(activity=activity, person=learner)
    response = signed_in(learner).post(f"/activities/{activity.pk}/register/")
    assert response.status_code == 409
    assert 'role="alert"' in response.content.decode()
    assert Registration.objects.count() == 1


def test_staff_cannot_register_on_the_page(agent):
    activity = ActivityFactory()
    response = signed_in(agent).post(f"/activities/{activity.pk}/register/")
    assert response.status_code == 403
    assert not Registration.objects.exists()


def test_register_is_post_only_and_needs_a_log_in():
    activity = ActivityFactory()
    assert Client().post(f"/activities/{activity.pk}/register/").status_code == 302
    assert signed_in(LearnerFactory()).get(f"/activities/{activity.pk}/register/").status_code == 405
    assert not Registration.objects.exists()


def test_a_wrong_check_in_code_is_shown_next_to_the_field(learner):
    activity = ActivityFactory(
        starts_at=timezone.now() - HOUR / 2,
        registration_opens_at=timezone.now() - 3 * DAY,
        registration_closes_at=timezone.now() - HOUR,
        check_in_code="QY2026",
    )
    registration = RegistrationFactory(activity=activity, person=learner)
    client = signed_in(learner)
    response = client.post(f"/activities/{activity.pk}/check-in/", {"code": "NOPE"})
    assert response.status_code == 400
    assert 'class="field-errors" id="id_code_error"' in response.content.decode()
    registration.refresh_from_db()
    assert registration.attended_at is None

    assert client.post(f"/activities/{activity.pk}/check-in/", {"code": "QY2026"}).status_code == 302
    registration.refresh_from_db()
    assert registration.attended_at is not None


def test_my_registrations_shows_mine_with_attendance_and_not_others(learner, django_assert_num_queries):
    attended = RegistrationFactory(person=learner, attended_at=timezone.now())
    other = RegistrationFactory()
    client = signed_in(learner)
    client.get("/activities/mine/")
    with django_assert_num_queries(7) as one:
        response = client.get("/activities/mine/")
    body = response.content.decode()
    assert attended.activity.title in body
    assert other.activity.title not in body
    assert "已参加" in body or "Attended" in body
    for _ in range(4):
        RegistrationFactory(person=learner)
    with django_assert_num_queries(len(one.captured_queries)):
        client.get("/activities/mine/")


def test_subscribing_and_unsubscribing_on_the_list(learner):
    client = signed_in(learner)
    assert client.post("/activities/subscription/", {"subscribed": "on"}).status_code == 302
    assert ActivitySubscription.objects.filter(person=learner).exists()
    assert client.post("/activities/subscription/", {}).status_code == 302
    assert not ActivitySubscription.objects.exists()


def test_the_navigation_links_the_activities(learner):
    assert 'href="/activities/"' in signed_in(learner).get("/").content.decode()
