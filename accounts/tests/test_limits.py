"""Rate limits: sign-up, password reset and SMS codes (django-ratelimit), and the API (DRF throttles), counted
in the real Redis with the figures of config/settings/base.py. Over a limit, the request changes nothing."""

import datetime
import json

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.utils import timezone
from django_ratelimit.core import _get_window, _split_rate
from rest_framework.throttling import SimpleRateThrottle

from accounts.models import MobileVerification, User
from accounts.tests.factories import LearnerFactory
from complaints.models import Complaint
from complaints.tests.factories import CategoryFactory
from config.settings import base
from notifications import sms

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password"


def allowed(limit: str) -> int:
    """The number of requests a limit such as "5/h" lets through in its period."""
    return int(limit.split("/")[0])


@pytest.fixture(autouse=True)
def _configured_limits(settings, monkeypatch):
    settings.RATE_LIMITS = base.RATE_LIMITS
    # DRF's throttles read their rates once, at import: give them the configured ones.
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", base.API_THROTTLE_RATES)


@pytest.fixture
def sms_outbox():
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


def sign_up_data(email: str) -> dict:
    return {
        "display_name": "李同学",
        "email": email,
        "account_type": "learner",
        "preferred_language": "zh-hans",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "accept_policy": "on",
    }


def test_sign_ups_from_one_address_stop_at_the_limit_and_the_one_over_it_creates_no_account():
    for number in range(allowed(base.RATE_LIMITS["sign_up"])):
        response = Client().post("/accounts/sign-up/", sign_up_data(f"new{number}@example.edu.cn"))
        assert response.status_code == 302
    before = User.objects.count()

    over = Client().post("/accounts/sign-up/", sign_up_data("one.more@example.edu.cn"))

    assert over.status_code == 429
    assert "尝试次数过多" in over.text
    assert User.objects.count() == before
    assert not User.objects.filter(email="one.more@example.edu.cn").exists()
    # another address is not affected
    elsewhere = Client(REMOTE_ADDR="10.0.0.2")
    elsewhere = elsewhere.post("/accounts/sign-up/", sign_up_data("other@example.edu.cn"))
    assert elsewhere.status_code == 302


def test_password_resets_for_one_address_stop_at_the_limit_and_queue_no_more_mail():
    learner = LearnerFactory()
    limit = allowed(base.RATE_LIMITS["password_reset_per_address"])
    for number in range(limit):
        # from different networks: the limit per e-mail address is what stops them
        response = Client(REMOTE_ADDR=f"10.0.2.{number}").post(
            "/accounts/password-reset/", {"email": learner.email}
        )
        assert response.status_code == 302
    assert len(mail.outbox) == limit

    over = Client(REMOTE_ADDR="10.0.3.1").post("/accounts/password-reset/", {"email": learner.email.upper()})

    assert over.status_code == 429
    assert "尝试次数过多" in over.text
    assert len(mail.outbox) == limit


def test_password_resets_from_one_network_stop_at_the_limit_whatever_the_address():
    people = LearnerFactory.create_batch(allowed(base.RATE_LIMITS["password_reset"]) + 1)
    client = Client(REMOTE_ADDR="10.0.4.1")
    for person in people[:-1]:
        assert client.post("/accounts/password-reset/", {"email": person.email}).status_code == 302
    sent = len(mail.outbox)

    over = client.post("/accounts/password-reset/", {"email": people[-1].email})

    assert over.status_code == 429
    assert len(mail.outbox) == sent


def test_the_refusal_does_not_say_whether_an_address_has_an_account():
    client = Client(REMOTE_ADDR="10.0.5.1")
    for number in range(allowed(base.RATE_LIMITS["password_reset"])):
        client.post("/accounts/password-reset/", {"email": f"nobody{number}@example.edu.cn"})
    LearnerFactory(email="someone@example.edu.cn")

    for_nobody = client.post("/accounts/password-reset/", {"email": "nobody@example.edu.cn"})
    for_someone = client.post("/accounts/password-reset/", {"email": "someone@example.edu.cn"})

    assert for_nobody.status_code == for_someone.status_code == 429
    assert for_nobody.context["form"].non_field_errors() == for_someone.context["form"].non_field_errors()
    assert mail.outbox == []


def test_sms_codes_stop_at_the_limit_and_the_one_over_it_sends_nothing(
    sms_outbox, django_capture_on_commit_callbacks
):
    learner = LearnerFactory(mobile="13900000001")
    client = Client()
    client.force_login(learner)
    limit = allowed(base.RATE_LIMITS["mobile_code"])
    # The hourly count is kept per window, whose edges are the person's own (django-ratelimit adds a jitter
    # per key): start just after this person's window opened, so that every send below falls in it.
    _count, period = _split_rate(base.RATE_LIMITS["mobile_code"])
    window_end = _get_window(str(learner.pk), period)
    start = datetime.datetime.fromtimestamp(window_end - period + 1, tz=datetime.UTC)
    for number in range(limit):
        # a minute apart, so that the one-a-minute rule does not refuse them first
        with (
            time_machine.travel(start + timezone.timedelta(seconds=61 * number)),
            django_capture_on_commit_callbacks(execute=True),
        ):
            response = client.post("/accounts/me/mobile/", {"mobile-mobile": f"1371234567{number}"})
        assert response.status_code == 302
    assert len(sms_outbox) == limit
    pending = MobileVerification.objects.get(user=learner)

    with (
        time_machine.travel(start + timezone.timedelta(seconds=61 * limit)),
        django_capture_on_commit_callbacks(execute=True) as callbacks,
    ):
        over = client.post("/accounts/me/mobile/", {"mobile-mobile": "13812345678"})

    assert over.status_code == 429
    assert 'id="id_mobile-mobile_error"' in over.text
    assert callbacks == []
    assert len(sms_outbox) == limit
    assert MobileVerification.objects.get(user=learner).sent_at == pending.sent_at


def test_a_person_using_the_api_past_their_rate_is_refused_and_files_nothing(learner_client):
    category = CategoryFactory()
    for _request in range(allowed(base.API_THROTTLE_RATES["user"])):
        assert learner_client.get("/api/v1/categories/").status_code == 200

    over = learner_client.post(
        "/api/v1/complaints/",
        json.dumps({"category": category.code, "title": "标题", "description": "内容"}),
        content_type="application/json",
    )

    assert over.status_code == 429
    assert not Complaint.objects.exists()


def test_anonymous_api_callers_are_limited_by_address():
    client = Client(REMOTE_ADDR="10.0.6.1")
    for _request in range(allowed(base.API_THROTTLE_RATES["anon"])):
        assert client.get("/api/v1/docs/").status_code == 200

    assert client.get("/api/v1/docs/").status_code == 429
    assert Client(REMOTE_ADDR="10.0.6.2").get("/api/v1/docs/").status_code == 200
