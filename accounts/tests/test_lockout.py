"""No one guesses their way in: wrong passwords lock the account, and many from one address lock the address,
on the site's log-in page and the admin's, with the figures of config/settings/base.py (django-axes)."""

import pytest
import time_machine
from axes.models import AccessAttempt
from django.test import Client
from django.utils import timezone

from accounts.tests.factories import LearnerFactory, StaffFactory
from config.settings import base

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password"
LOG_IN = "/accounts/log-in/"


@pytest.fixture(autouse=True)
def _configured_limits(settings):
    # The test settings raise the limits for the rest of the suite; these tests use the real ones.
    settings.AXES_FAILURE_LIMIT = base.AXES_FAILURE_LIMIT
    settings.LOGIN_FAILURES_PER_ADDRESS = base.LOGIN_FAILURES_PER_ADDRESS


def try_log_in(email: str, password: str, *, address: str = "10.0.0.1", page: str = LOG_IN):
    client = Client(REMOTE_ADDR=address)
    response = client.post(page, {"username": email, "password": password})
    return response, client


def logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_fifty_wrong_passwords_then_the_right_one_does_not_log_in():
    learner = LearnerFactory(password=PASSWORD)
    for _attempt in range(50):
        try_log_in(learner.email, "not-the-password")

    response, client = try_log_in(learner.email, PASSWORD)

    assert response.status_code == 429
    assert not logged_in(client)
    assert "登录已暂停" in response.text
    assert "30 分钟" in response.text


def test_the_account_locks_at_its_limit_and_not_before():
    learner = LearnerFactory(password=PASSWORD)
    for _attempt in range(base.AXES_FAILURE_LIMIT - 1):
        try_log_in(learner.email, "not-the-password")

    response, client = try_log_in(learner.email, PASSWORD)
    assert response.status_code == 302
    assert logged_in(client)

    try_log_in(learner.email, "not-the-password")
    response, client = try_log_in(learner.email, PASSWORD)
    assert response.status_code == 429
    assert not logged_in(client)


def test_a_locked_account_stays_locked_from_another_address_and_whatever_the_case_of_the_email():
    learner = LearnerFactory(password=PASSWORD)
    for attempt in range(base.AXES_FAILURE_LIMIT):
        email = learner.email.upper() if attempt % 2 else learner.email
        try_log_in(email, "not-the-password", address=f"10.0.1.{attempt}")

    response, client = try_log_in(learner.email, PASSWORD, address="10.9.9.9")

    assert response.status_code == 429
    assert not logged_in(client)


def test_an_address_that_tried_many_accounts_is_limited_for_a_different_account_too():
    other = LearnerFactory(password=PASSWORD)
    for number in range(base.LOGIN_FAILURES_PER_ADDRESS):
        try_log_in(f"guess{number}@example.edu.cn", "not-the-password", address="10.0.0.7")

    response, client = try_log_in(other.email, PASSWORD, address="10.0.0.7")
    assert response.status_code == 429
    assert not logged_in(client)

    # the account itself was never guessed at: from elsewhere it logs in
    response, client = try_log_in(other.email, PASSWORD, address="10.0.0.8")
    assert response.status_code == 302
    assert logged_in(client)


def test_an_address_below_its_limit_still_logs_in_other_accounts():
    other = LearnerFactory(password=PASSWORD)
    for number in range(base.LOGIN_FAILURES_PER_ADDRESS - 1):
        try_log_in(f"guess{number}@example.edu.cn", "not-the-password", address="10.0.0.7")

    response, client = try_log_in(other.email, PASSWORD, address="10.0.0.7")

    assert response.status_code == 302
    assert logged_in(client)


def test_the_admins_log_in_page_is_locked_too():
    staff = StaffFactory(password=PASSWORD)
    for _attempt in range(base.AXES_FAILURE_LIMIT):
        try_log_in(staff.email, "not-the-password", page="/admin/login/")

    response, client = try_log_in(staff.email, PASSWORD, page="/admin/login/")

    assert response.status_code == 429
    assert not logged_in(client)
    assert "登录已暂停" in response.text


def test_the_lockout_page_speaks_the_visitors_language():
    learner = LearnerFactory(password=PASSWORD)
    for _attempt in range(base.AXES_FAILURE_LIMIT):
        try_log_in(learner.email, "not-the-password")
    client = Client(REMOTE_ADDR="10.0.0.1")
    client.cookies["django_language"] = "en"

    response = client.post(LOG_IN, {"username": learner.email, "password": PASSWORD})

    assert response.status_code == 429
    assert "Log-in paused" in response.text
    assert "30 minutes" in response.text


def test_a_lockout_ends_after_its_period():
    learner = LearnerFactory(password=PASSWORD)
    for _attempt in range(base.AXES_FAILURE_LIMIT):
        try_log_in(learner.email, "not-the-password")
    assert try_log_in(learner.email, PASSWORD)[0].status_code == 429

    with time_machine.travel(timezone.now() + base.AXES_COOLOFF_TIME + timezone.timedelta(minutes=1)):
        response, client = try_log_in(learner.email, PASSWORD)

    assert response.status_code == 302
    assert logged_in(client)


def test_staff_lift_a_lockout_in_the_admin():
    learner = LearnerFactory(password=PASSWORD)
    for _attempt in range(base.AXES_FAILURE_LIMIT):
        try_log_in(learner.email, "not-the-password")
    attempts = list(AccessAttempt.objects.filter(username=learner.email))
    assert [attempt.failures_since_start for attempt in attempts] == [base.AXES_FAILURE_LIMIT]
    administrator = StaffFactory(is_superuser=True)
    staff = Client()
    staff.force_login(administrator)

    listing = staff.get("/admin/axes/accessattempt/")
    assert listing.status_code == 200
    assert learner.email in listing.text
    lifted = staff.post(
        "/admin/axes/accessattempt/",
        {"action": "delete_selected", "_selected_action": [attempts[0].pk], "post": "yes"},
    )
    assert lifted.status_code == 302

    assert not AccessAttempt.objects.exists()
    response, client = try_log_in(learner.email, PASSWORD)
    assert response.status_code == 302
    assert logged_in(client)


def test_a_failed_attempt_keeps_no_password():
    learner = LearnerFactory(password=PASSWORD)

    try_log_in(learner.email, "my-secret-guess")

    attempt = AccessAttempt.objects.get()
    assert "my-secret-guess" not in attempt.post_data
