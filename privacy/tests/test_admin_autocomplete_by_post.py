"""The admin's autocomplete is asked by POST: a name, an e-mail address or a mobile number typed into an
autocomplete field travels in the request's body, never in a URL that a request log keeps.

A GET with ``?term=`` searches nothing and is answered 405 before the admin would send it to log in with
the term in the next address; a POST reads nothing from its query string; a POST without the CSRF token is
refused. The answer keeps the shape select2 reads: ``results`` of ``id`` and ``text``, and ``pagination``.
"""

import logging

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from accounts.models import User
from accounts.roles import Role
from accounts.tests.factories import LearnerFactory, StaffFactory
from core.autocomplete import ReadableAutocompleteAdminMixin
from privacy.models import AccessLogEntry

pytestmark = pytest.mark.django_db

AUTOCOMPLETE = reverse("admin:autocomplete")
LEARNER_FIELD = {"app_label": "accounts", "model_name": "guardianship", "field_name": "learner"}


@pytest.fixture
def clerk(db):
    """A member of staff who keeps guardianships and may read people's records (for the autocomplete)."""
    clerk = StaffFactory(roles=[Role.SUPERVISOR])
    clerk.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_user", "view_guardianship", "add_guardianship"])
    )
    return User.objects.get(pk=clerk.pk)


@pytest.fixture
def learners(db):
    return LearnerFactory(display_name="陈静怡"), LearnerFactory(display_name="李雷")


def logged_in(user, **options) -> Client:
    client = Client(**options)
    client.force_login(user)
    return client


def test_a_posted_term_finds_the_person_and_logs_the_read(clerk, learners):
    chen, _li = learners

    # when the learner field asks for "静怡" in the body
    response = logged_in(clerk).post(AUTOCOMPLETE, {**LEARNER_FIELD, "term": "静怡"})

    # then the learner is offered, in the shape select2 reads
    assert response.status_code == 200
    assert response.json() == {
        "results": [{"id": str(chen.pk), "text": str(chen)}],
        "pagination": {"more": False},
    }
    # and the read is logged by whom, through which screen and of whom, never the term
    entry = AccessLogEntry.objects.get()
    assert (entry.actor, entry.subject, entry.object_id) == (clerk, chen, str(chen.pk))
    assert (entry.kind, entry.channel) == ("search", "admin")
    assert entry.screen == "admin:autocomplete:accounts_user"
    assert "静怡" not in f"{entry.reason} {entry.fields}"


def test_the_posted_page_is_the_one_answered(clerk):
    for number in range(25):
        LearnerFactory(display_name=f"陈{number:02d}")
    client = logged_in(clerk)

    first = client.post(AUTOCOMPLETE, {**LEARNER_FIELD, "term": "陈"}).json()
    second = client.post(AUTOCOMPLETE, {**LEARNER_FIELD, "term": "陈", "page": "2"}).json()

    assert (len(first["results"]), first["pagination"]) == (20, {"more": True})
    assert (len(second["results"]), second["pagination"]) == (5, {"more": False})
    assert not {row["id"] for row in first["results"]} & {row["id"] for row in second["results"]}


def test_a_get_with_a_term_searches_nothing_and_logs_nothing_of_it(clerk, learners, caplog):
    # when the autocomplete is asked the old way, the term in the URL
    with caplog.at_level(logging.DEBUG):
        response = logged_in(clerk).get(AUTOCOMPLETE, {**LEARNER_FIELD, "term": "静怡"})

    # then it is refused, nobody is shown and nothing is logged of the term
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert "陈静怡" not in response.text
    assert not AccessLogEntry.objects.exists()
    assert "静怡" not in caplog.text and "term" not in caplog.text


def test_a_get_with_a_term_logged_out_is_refused_without_a_log_in_address_holding_it(learners):
    response = Client().get(AUTOCOMPLETE, {**LEARNER_FIELD, "term": "静怡"})
    assert response.status_code == 405
    assert "Location" not in response
    assert not AccessLogEntry.objects.exists()


def test_a_post_reads_no_term_from_its_query_string(clerk, learners):
    chen, li = learners

    # when the term is in the address of a POST and not in its body
    response = logged_in(clerk).post(f"{AUTOCOMPLETE}?term=%E9%9D%99%E6%80%A1", LEARNER_FIELD)

    # then it narrows nothing: the list is the one asked for with no term
    assert response.status_code == 200
    offered = {int(row["id"]) for row in response.json()["results"]}
    assert {chen.pk, li.pk} <= offered
    assert not AccessLogEntry.objects.filter(reason__contains="静怡").exists()


def test_a_post_without_the_csrf_token_is_refused_and_shows_nobody(clerk, learners):
    client = logged_in(clerk, enforce_csrf_checks=True)

    refused = client.post(AUTOCOMPLETE, {**LEARNER_FIELD, "term": "静怡"})

    assert refused.status_code == 403
    assert "陈静怡" not in refused.text
    assert not AccessLogEntry.objects.exists()

    # while the same POST with the page's token is answered
    client.get(reverse("admin:accounts_guardianship_add"))
    token = client.cookies["csrftoken"].value
    answered = client.post(AUTOCOMPLETE, {**LEARNER_FIELD, "term": "静怡"}, headers={"X-CSRFToken": token})
    assert answered.status_code == 200
    assert [row["text"] for row in answered.json()["results"]] == [str(learners[0])]


def test_the_add_page_asks_by_post_with_the_script_after_djangos_own(clerk):
    page = logged_in(clerk).get(reverse("admin:accounts_guardianship_add"))

    assert page.status_code == 200
    # select2 reads its request's method from the field's attributes, over the script's options
    assert page.text.count('data-ajax--type="POST"') == 2  # the guardian and the learner
    assert 'data-ajax--type="GET"' not in page.text
    djangos = page.text.index("admin/js/autocomplete.js")
    ours = page.text.index("admin-site/autocomplete-by-post.js")
    assert djangos < ours


def test_every_admin_with_autocomplete_fields_uses_the_widget_that_posts():
    plain = [
        type(model_admin).__name__
        for model_admin in admin.site._registry.values()
        if model_admin.autocomplete_fields and not isinstance(model_admin, ReadableAutocompleteAdminMixin)
    ]
    assert plain == []
