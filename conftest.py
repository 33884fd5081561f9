"""Fixtures shared by every app's tests.

Logging in in tests: ``Client.force_login(user)`` skips the log-in page, and for a staff member it also
skips the second factor, as it skips the password: the session is marked verified by a real confirmed TOTP
device of theirs (made if they have none), as if they had typed its code. A session cookie copied from such
a client into a browser is verified too. ``Client.login(username=..., password=...)`` checks the password
and passes a request, as django-axes asks. The real path (password, then the app's code or a recovery code)
is tested end to end in accounts/tests/test_second_factor.py and the browser tests.

Rate limits (DRF throttles, django-ratelimit) count in the test Redis: every test starts with no count.
"""

import importlib

import pytest
from django.http import HttpRequest
from django.test import Client

from accounts.tests.factories import LearnerFactory, StaffFactory

# Reference data that data migrations write: a transactional test's flush removes it, so those tests put it
# back first (every seed function is idempotent).
MIGRATION_SEEDS = (
    ("accounts.migrations.0002_role_groups", "create_role_groups"),
    ("privacy.migrations.0003_first_policy_and_erasure_handlers", "publish_first_policy"),
    ("privacy.migrations.0003_first_policy_and_erasure_handlers", "let_legal_handle_erasure"),
    ("privacy.migrations.0005_user_agreement", "publish_first_agreement"),
    ("complaints.migrations.0003_seed_departments_and_categories", "seed"),
    ("complaints.migrations.0015_category_not_as_advertised", "seed"),
    ("sla.migrations.0002_default_policies", "seed"),
    ("sla.migrations.0004_target_units", "count_resolution_in_working_days"),
    ("feedback.migrations.0002_defaults", "seed"),
    ("qualifications.migrations.0002_reviewers", "let_managers_vet"),
    ("courses.migrations.0004_instructor_qualification_kinds", "seed_kinds"),
    ("counseling.migrations.0003_counsellor_certificate", "seed"),
    ("courses.migrations.0006_development_defaults", "seed"),
    ("courses.migrations.0006_development_defaults", "let_managers_record"),
    ("refunds.migrations.0002_defaults", "seed"),
    ("courses.migrations.0007_default_questionnaire", "seed"),
    ("helpcentre.migrations.0002_sections_editors_append_only", "seed"),
    ("community.migrations.0002_boards", "seed"),
    ("community.migrations.0002_boards", "let_supervisors_moderate"),
    ("livechat.migrations.0002_sla_policy", "seed"),
)


def reseed_migration_data() -> None:
    from django.apps import apps
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()  # the flush removed the rows the cache still names
    for module, function in MIGRATION_SEEDS:
        getattr(importlib.import_module(module), function)(apps, None)


def staff_session_verify(client: Client, user) -> None:
    """Mark the client's session as having passed the second factor with a confirmed device of the user."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator app", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


_client_login = Client._login
_client_password_login = Client.login


def _login_with_second_factor(self, user, backend=None):
    _client_login(self, user, backend)
    if user.is_staff:
        staff_session_verify(self, user)


def _password_login_with_request(self, **credentials):
    if "request" not in credentials:
        request = HttpRequest()
        request.META["REMOTE_ADDR"] = "127.0.0.1"
        credentials["request"] = request
    return _client_password_login(self, **credentials)


@pytest.fixture(autouse=True)
def _test_client_logs_staff_in_verified(monkeypatch):
    monkeypatch.setattr(Client, "_login", _login_with_second_factor)
    monkeypatch.setattr(Client, "login", _password_login_with_request)


@pytest.fixture(autouse=True)
def _no_rate_limit_counts():
    """Forget the counts of DRF's throttles and django-ratelimit left by earlier tests."""
    from django.core.cache import cache

    client = cache._cache.get_client(write=True)
    for pattern in ("throttle_*", "rl:*"):
        keys = list(client.scan_iter(match=cache.make_key(pattern), count=1000))
        if keys:
            client.delete(*keys)


@pytest.fixture(autouse=True)
def _default_language():
    """Start every test in the default language: a request in English leaves it active in the thread."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _migration_data_in_transactional_tests(request):
    marker = request.node.get_closest_marker("django_db")
    transactional = bool(marker and marker.kwargs.get("transaction")) or any(
        name in request.fixturenames for name in ("transactional_db", "live_server")
    )
    if transactional:
        request.getfixturevalue("transactional_db")
        reseed_migration_data()
    return


@pytest.fixture
def learner(db):
    return LearnerFactory()


@pytest.fixture
def learner_client(learner) -> Client:
    client = Client()
    client.force_login(learner)
    return client


@pytest.fixture
def agent(db):
    return StaffFactory()


@pytest.fixture
def celery_worker_thread(transactional_db):
    """Run a real Celery worker in a thread, consuming every queue of the test Redis broker."""
    from tests.worker import worker_on_every_queue

    with worker_on_every_queue() as worker:
        yield worker


CHROMIUM_PATH = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, headless, driven by Playwright (Playwright's own browser download is not used)."""
    import os

    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the tests' ORM calls stay synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM_PATH, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="en-US", viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()
