"""The qualifications API: holders list and submit theirs, reviewers decide; refusals change nothing."""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.tests.factories import LearnerFactory, StaffFactory
from qualifications.models import Qualification, State

from .conftest import TODAY, row, scan, submit

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _form(mentor, licence, **change):
    return {
        "holder": f"core_testapp.mentor:{mentor.pk}",
        "kind": licence.pk,
        "number": "PSY-API-1",
        "issuer": "人社部",
        "valid_from": "2025-01-01",
        "valid_until": (TODAY + datetime.timedelta(days=300)).isoformat(),
        "scan": scan(),
        **change,
    }


def test_the_holder_submits_and_reads_their_own(mentor, licence):
    client = _client(mentor.user)

    created = client.post("/api/v1/qualifications/", _form(mentor, licence))
    listed = client.get("/api/v1/qualifications/")

    assert created.status_code == 201, created.content
    assert created.json()["state"] == State.SUBMITTED and "scan" not in created.json()
    assert [q["number"] for q in listed.json()["results"]] == ["PSY-API-1"]


@pytest.mark.parametrize(
    "change, field",
    [
        ({"number": ""}, "number"),
        ({"valid_from": "not a date"}, "valid_from"),
        ({"valid_until": (TODAY - datetime.timedelta(days=1)).isoformat()}, "valid_until"),
        ({"scan": scan("x.png", b"GIF89a not allowed")}, "scan"),
        ({"holder": "nonsense"}, "holder"),
    ],
)
def test_bad_input_answers_at_its_field_and_writes_nothing(mentor, licence, change, field):
    answer = _client(mentor.user).post("/api/v1/qualifications/", _form(mentor, licence, **change))

    assert answer.status_code == 400
    body = answer.json()
    assert field in body or body.get("field") == field, body
    assert not Qualification.objects.exists()


def test_someone_elses_holder_record_is_not_found(mentor, licence):
    answer = _client(LearnerFactory()).post("/api/v1/qualifications/", _form(mentor, licence))

    assert answer.status_code == 404
    assert not Qualification.objects.exists()


def test_a_reviewer_decides_and_others_cannot(mentor, licence, reviewer):
    qualification = submit(mentor, licence)

    own = _client(mentor.user).post(f"/api/v1/qualifications/{qualification.pk}/verify/")
    stranger = _client(StaffFactory()).post(f"/api/v1/qualifications/{qualification.pk}/verify/")
    no_reason = _client(reviewer).post(f"/api/v1/qualifications/{qualification.pk}/reject/", {"reason": ""})
    assert (own.status_code, stranger.status_code, no_reason.status_code) == (403, 404, 400)
    assert row(qualification)["state"] == State.SUBMITTED

    verified = _client(reviewer).post(f"/api/v1/qualifications/{qualification.pk}/verify/")
    again = _client(reviewer).post(f"/api/v1/qualifications/{qualification.pk}/verify/")

    assert verified.status_code == 200 and verified.json()["is_current"] is True
    assert again.status_code == 409


def test_the_list_costs_the_same_queries_whatever_its_length(
    mentor, licence, reviewer, django_assert_num_queries
):
    submit(mentor, licence)
    client = _client(reviewer)
    client.get("/api/v1/qualifications/")
    with CaptureQueriesContext(connection) as two:
        client.get("/api/v1/qualifications/")
    for _ in range(6):
        submit(mentor, licence)
    with django_assert_num_queries(len(two.captured_queries)):
        client.get("/api/v1/qualifications/")
