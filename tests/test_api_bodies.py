"""Every POST endpoint of the API refuses a body it cannot read with a 400 in JSON, and stores nothing.

The endpoints are collected from the URLconf, so a new one is covered the day it is added.
"""

import collections

import pytest
from django.apps import apps
from drf_spectacular.generators import EndpointEnumerator

from accounts.tests.factories import UserFactory
from complaints.tests.api_helpers import logged_in
from complaints.tests.factories import ComplaintFactory
from core.parsers import MAX_JSON_DEPTH

pytestmark = pytest.mark.django_db


def post_endpoints() -> list[str]:
    return sorted(
        path for path, _regex, method, _view in EndpointEnumerator().get_api_endpoints() if method == "POST"
    )


def test_the_api_has_post_endpoints_to_check():
    assert "/api/v1/complaints/" in post_endpoints()
    assert "/api/v1/complaints/{reference}/acknowledge/" in post_endpoints()


def row_counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def nested(depth: int, *, opening: str = "[", closing: str = "]") -> str:
    return opening * depth + closing * depth


BODIES = {
    "lists 100,000 deep": nested(100_000),
    "objects 100,000 deep": '{"a":' * 100_000 + "1" + "}" * 100_000,
    "a field's value nested past the limit": '{"title": ' + nested(MAX_JSON_DEPTH) + "}",
    "not JSON at all": '{"title": ',
}


@pytest.mark.parametrize("body", BODIES.values(), ids=BODIES.keys())
@pytest.mark.parametrize("endpoint", post_endpoints())
def test_an_unreadable_json_body_is_refused_with_400_and_stores_nothing(endpoint, body):
    # given a complaint staff may act on, named in the URL
    complaint = ComplaintFactory()
    client = logged_in(UserFactory(is_staff=True, is_superuser=True))
    # Any other part of the address names a record that need not exist: an unreadable body is refused first.
    url = endpoint.format_map(collections.defaultdict(lambda: "1", reference=complaint.reference, pk=1))
    before = row_counts()

    # when
    response = client.post(url, body, content_type="application/json")

    # then
    assert response.status_code == 400, response.content[:300]
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "parse_error"
    assert response.json()["detail"]
    assert row_counts() == before


def test_a_body_as_deep_as_the_limit_is_read_and_validated():
    complaint = ComplaintFactory()
    client = logged_in(UserFactory(is_staff=True, is_superuser=True))
    body = '{"body": ' + nested(MAX_JSON_DEPTH - 1) + "}"

    response = client.post(
        f"/api/v1/complaints/{complaint.reference}/notes/", body, content_type="application/json"
    )

    assert response.status_code == 400
    assert list(response.json()) == ["body"]  # a field's error: the body was read
