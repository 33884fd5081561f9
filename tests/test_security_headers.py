"""Every page carries the strict Content-Security-Policy, and no cache keeps a page that may hold personal
data: every answer to a logged-in user and every API answer is ``private, no-store``; static files keep their
caching."""

import base64
import hashlib
import re

import pytest
from django.test import Client
from django.urls import reverse

from accounts.roles import Role
from accounts.tests.factories import LearnerFactory, StaffFactory
from complaints.tests.factories import ComplaintFactory

pytestmark = pytest.mark.django_db

STRICT_DIRECTIVES = {
    "default-src": "'self'",
    "script-src": "'self'",
    "img-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def policy_of(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return dict(directive.strip().split(" ", 1) for directive in header.split(";") if directive.strip())


def cache_directives(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part.strip()}


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("path", ["/", "/accounts/log-in/", "/admin/login/", "/api/v1/schema/"])
def test_every_page_carries_the_strict_policy(client, path):
    policy = policy_of(client.get(path))

    for directive, sources in STRICT_DIRECTIVES.items():
        assert policy[directive] == sources
    # styles come from the site, and one inline block is allowed by its hash: never any inline at will
    assert policy["style-src"].startswith("'self' 'sha256-")
    assert "unsafe-inline" not in policy["style-src"] and "unsafe-eval" not in policy["script-src"]


def test_only_the_api_docs_may_show_data_images(client):
    staff = logged_in(StaffFactory(roles=[Role.AGENT]))

    assert "data:" in policy_of(staff.get("/api/v1/docs/"))["img-src"]
    assert "data:" not in policy_of(staff.get("/admin/"))["img-src"]


@pytest.mark.urls("tests.error_urls")
def test_the_error_pages_inline_style_is_the_one_the_policy_allows(settings):
    # given a server error, whose page is standalone: its styles are inline, not from the static manifest
    settings.DEBUG = False
    response = Client(raise_request_exception=False).get("/fails/")
    assert response.status_code == 500

    # then the page's style block hashes to the one inline style the policy allows (edit both together)
    style = re.search(r"<style>(.*?)</style>", response.content.decode(), re.DOTALL).group(1)
    digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    assert policy_of(response)["style-src"] == f"'self' 'sha256-{digest}'"


@pytest.mark.parametrize(
    ("role", "path"),
    [
        (Role.LEARNER, "/"),
        (Role.LEARNER, "/complaints/"),
        (Role.LEARNER, "/complaints/new/"),
        (Role.LEARNER, "/accounts/me/"),
        (Role.LEARNER, "/privacy/my-data/"),
        (Role.LEARNER, "/notifications/"),
        (Role.AGENT, "/admin/"),
        (Role.AGENT, "/admin/complaints/complaint/"),
        (Role.MANAGER, "/dashboard/"),
    ],
)
def test_a_page_for_a_logged_in_user_is_never_stored(role, path):
    user = LearnerFactory() if role == Role.LEARNER else StaffFactory(roles=[role])

    response = logged_in(user).get(path)

    assert response.status_code == 200
    assert {"private", "no-store"} <= cache_directives(response)


def test_a_complaint_and_its_workspace_are_never_stored():
    complaint = ComplaintFactory()
    agent = StaffFactory(department=complaint.department, roles=[Role.SUPERVISOR])

    learner_page = logged_in(complaint.complainant).get(f"/complaints/{complaint.reference}/")
    workspace = logged_in(agent).get(reverse("admin:complaints_complaint_change", args=[complaint.pk]))

    assert (learner_page.status_code, workspace.status_code) == (200, 200)
    assert {"private", "no-store"} <= cache_directives(learner_page)
    assert {"private", "no-store"} <= cache_directives(workspace)


def test_a_redirect_or_a_refusal_to_a_logged_in_user_is_never_stored_either():
    learner = logged_in(LearnerFactory())

    refused = learner.get("/dashboard/")
    missing = learner.get("/complaints/TS-2026-999999/")

    assert (refused.status_code, missing.status_code) == (403, 404)
    assert {"private", "no-store"} <= cache_directives(refused)
    assert {"private", "no-store"} <= cache_directives(missing)


@pytest.mark.parametrize("logged", [True, False])
def test_every_api_answer_is_never_stored(client, logged):
    api = logged_in(LearnerFactory()) if logged else client

    response = api.get("/api/v1/complaints/")

    assert response.status_code == (200 if logged else 403)
    assert {"private", "no-store"} <= cache_directives(response)


def test_a_public_page_for_a_visitor_keeps_the_default_caching(client):
    for path in ("/", "/accounts/sign-up/"):
        response = client.get(path)
        assert response.status_code == 200
        assert "no-store" not in cache_directives(response), path


def test_static_files_keep_their_caching_for_a_logged_in_user(settings):
    settings.WHITENOISE_USE_FINDERS = True  # served from the source folders, as without collectstatic
    response = logged_in(LearnerFactory()).get("/static/css/site.css")

    assert response.status_code == 200
    assert "no-store" not in cache_directives(response)
    assert "private" not in cache_directives(response)
