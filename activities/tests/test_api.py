"""The activity endpoints: list, detail, register, cancel and the person's own registrations; refusals as
JSON with a stable code, nothing stored; in the OpenAPI schema."""

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.tests.factories import LearnerFactory
from activities.models import Registration, RegistrationStatus

from .factories import ActivityFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def test_the_list_pins_its_queries_and_shows_places_left(learner, django_assert_num_queries):
    full = ActivityFactory(capacity=1)
    RegistrationFactory(activity=full)
    ActivityFactory(draft=True)
    client = api(learner)
    client.get("/api/v1/activities/")
    with django_assert_num_queries(1) as one:
        response = client.get("/api/v1/activities/")
    assert [row["places_left"] for row in response.json()["results"]] == [0]
    for _ in range(3):
        ActivityFactory()
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get("/api/v1/activities/")
    assert len(response.json()["results"]) == 4


def test_register_then_cancel(learner):
    activity = ActivityFactory(online=True)
    client = api(learner)
    before = client.get(f"/api/v1/activities/{activity.pk}/").json()
    assert before["link"] == "" and before["registration"] is None

    response = client.post(f"/api/v1/activities/{activity.pk}/register/")
    assert response.status_code == 201
    body = response.json()
    assert body["registration"]["status"] == RegistrationStatus.REGISTERED
    assert body["link"] == activity.link
    assert body["places_left"] == activity.capacity - 1

    response = client.post(f"/api/v1/activities/{activity.pk}/cancel/")
    assert response.status_code == 200
    assert response.json()["registration"]["status"] == RegistrationStatus.CANCELLED


def test_the_full_activity_puts_the_next_on_the_waiting_list(learner):
    activity = ActivityFactory(capacity=1)
    RegistrationFactory(activity=activity)
    response = api(learner).post(f"/api/v1/activities/{activity.pk}/register/")
    assert response.json()["registration"] == {
        "status": RegistrationStatus.WAITLISTED,
        "waiting_position": 1,
        "attended": False,
    }


def test_closed_registration_is_a_409_and_stores_nothing(learner):
    activity = ActivityFactory(registration_opens_at=timezone.now() + timezone.timedelta(days=1))
    response = api(learner).post(f"/api/v1/activities/{activity.pk}/register/")
    assert response.status_code == 409
    assert response.json()["code"] == "registration_closed"
    assert not Registration.objects.exists()


def test_staff_registering_is_a_403(agent):
    activity = ActivityFactory()
    response = api(agent).post(f"/api/v1/activities/{activity.pk}/register/")
    assert response.status_code == 403
    assert not Registration.objects.exists()


def test_a_draft_is_a_404_and_anonymous_callers_are_refused(learner):
    draft = ActivityFactory(draft=True)
    assert api(learner).get(f"/api/v1/activities/{draft.pk}/").status_code == 404
    assert api(learner).post(f"/api/v1/activities/{draft.pk}/register/").status_code == 404
    assert api().get("/api/v1/activities/").status_code == 403
    assert not Registration.objects.exists()


def test_my_registrations_are_mine_only(learner, django_assert_num_queries):
    mine = RegistrationFactory(person=learner, attended_at=timezone.now())
    RegistrationFactory(person=LearnerFactory())
    client = api(learner)
    client.get("/api/v1/me/activity-registrations/")
    with django_assert_num_queries(1) as one:
        response = client.get("/api/v1/me/activity-registrations/")
    rows = response.json()["results"]
    assert [(row["id"], row["attended"]) for row in rows] == [(mine.pk, True)]
    for _ in range(3):
        RegistrationFactory(person=learner)
    with django_assert_num_queries(len(one.captured_queries)):
        client.get("/api/v1/me/activity-registrations/")


def test_the_endpoints_are_in_the_schema(agent):
    schema = api(agent).get("/api/v1/schema/", {"format": "json"}).json()
    for path in (
        "/api/v1/activities/",
        "/api/v1/activities/{id}/",
        "/api/v1/activities/{id}/register/",
        "/api/v1/activities/{id}/cancel/",
        "/api/v1/me/activity-registrations/",
    ):
        assert path in schema["paths"], path
