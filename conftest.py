"""Fixtures shared by every app's tests."""

import importlib

import pytest
from django.test import Client

from accounts.tests.factories import LearnerFactory, StaffFactory

# Reference data that data migrations write: a transactional test's flush removes it, so those tests put it
# back first (every seed function is idempotent).
MIGRATION_SEEDS = (
    ("accounts.migrations.0002_role_groups", "create_role_groups"),
    ("privacy.migrations.0003_first_policy_and_erasure_handlers", "publish_first_policy"),
    ("privacy.migrations.0003_first_policy_and_erasure_handlers", "let_legal_handle_erasure"),
    ("complaints.migrations.0003_seed_departments_and_categories", "seed"),
    ("sla.migrations.0002_default_policies", "seed"),
    ("sla.migrations.0004_target_units", "count_resolution_in_working_days"),
)


def reseed_migration_data() -> None:
    from django.apps import apps
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()  # the flush removed the rows the cache still names
    for module, function in MIGRATION_SEEDS:
        getattr(importlib.import_module(module), function)(apps, None)


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
    """Run a real Celery worker in a thread, consuming from the test Redis broker."""
    from celery.contrib.testing.worker import start_worker

    from config.celery import app

    app.loader.import_default_modules()
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10) as worker:
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
