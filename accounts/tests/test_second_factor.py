"""Staff need their authenticator app's code (or a recovery code) after their password: enrolment, log-in, the
admin and the staff API. These tests go through the real log-in pages, not the test client's bypass."""

import re

import pytest
import time_machine
from django.test import Client
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.roles import Role
from accounts.tests.factories import LearnerFactory, StaffFactory
from accounts.tests.second_factor import totp_code, totp_device_for

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password"
SECOND_FACTOR = "/accounts/second-factor/"
ENROL = "/accounts/second-factor/enrol/"


@pytest.fixture
def staff():
    return StaffFactory(roles=[Role.AGENT], password=PASSWORD)


def password_log_in(client: Client, user, *, page: str = "/accounts/log-in/", next_page: str = ""):
    data = {"username": user.email, "password": PASSWORD}
    if next_page:
        data["next"] = next_page
    response = client.post(page, data)
    assert response.status_code == 302, "the password was refused"
    assert client.session["_auth_user_id"] == str(user.pk)
    return response


def is_verified(client: Client) -> bool:
    return DEVICE_ID_SESSION_KEY in client.session


def recovery_codes_shown(response) -> list[str]:
    return re.findall(r"<li><code>([a-z2-7]+)</code></li>", response.text)


def test_staff_without_an_app_enrol_after_the_password_then_see_their_recovery_codes_once(staff):
    client = Client()
    password_log_in(client, staff, page="/admin/login/", next_page="/admin/")

    # the admin sends them to the second factor, which sends them to set it up
    admin = client.get("/admin/")
    assert admin.status_code == 302
    assert admin["Location"] == f"{SECOND_FACTOR}?next=%2Fadmin%2F"
    step = client.get(admin["Location"])
    assert step.status_code == 302
    assert step["Location"] == f"{ENROL}?next=%2Fadmin%2F"

    page = client.get(step["Location"])
    assert page.status_code == 200
    device = TOTPDevice.objects.get(user=staff)
    assert not device.confirmed
    assert "<svg" in page.text and "<path" in page.text  # the QR code, inline, drawn by the app
    secret = page.context["secret"]
    assert re.fullmatch(r"[A-Z2-7]{32}", secret)
    assert secret in page.text
    assert client.get(step["Location"]).context["secret"] == secret  # reloading keeps the key

    # a wrong code confirms nothing and opens nothing
    wrong = "000000" if totp_code(device) != "000000" else "111111"
    refused = client.post(ENROL, {"code": wrong, "next": "/admin/"})
    assert refused.status_code == 400
    assert "id_code_error" in refused.text
    device.refresh_from_db()
    assert not device.confirmed
    assert not StaticDevice.objects.filter(user=staff).exists()
    assert client.get("/admin/").status_code == 302

    # the app's code confirms it: recovery codes are shown once, and the admin opens
    with time_machine.travel(timezone.now() + timezone.timedelta(seconds=60)):
        device.refresh_from_db()
        confirmed = client.post(ENROL, {"code": totp_code(device), "next": "/admin/"})
        assert confirmed.status_code == 200
        codes = recovery_codes_shown(confirmed)
        assert len(codes) == 10 and len(set(codes)) == 10
        stored = StaticToken.objects.filter(device__user=staff).values_list("token", flat=True)
        assert sorted(stored) == sorted(codes)
        assert TOTPDevice.objects.get(user=staff).confirmed
        assert is_verified(client)
        assert client.get("/admin/").status_code == 200
        # enrolment is over: its page no longer shows a key or codes
        again = client.get(ENROL)
        assert again.status_code == 302
        assert "codes" not in (again.context or {})


def test_staff_with_an_app_log_in_to_the_admin_with_the_password_and_the_apps_code(staff):
    device = totp_device_for(staff)
    client = Client()
    password_log_in(client, staff, page="/admin/login/", next_page="/admin/")

    assert not is_verified(client)
    to_step = client.get("/admin/complaints/complaint/")
    assert to_step.status_code == 302
    assert to_step["Location"] == f"{SECOND_FACTOR}?next=%2Fadmin%2Fcomplaints%2Fcomplaint%2F"
    assert client.get(to_step["Location"]).status_code == 200

    wrong = "000000" if totp_code(device) != "000000" else "111111"
    refused = client.post(SECOND_FACTOR, {"code": wrong, "next": "/admin/"})
    assert refused.status_code == 400
    assert "id_code_error" in refused.text
    assert not is_verified(client)
    assert client.get("/admin/").status_code == 302

    with time_machine.travel(timezone.now() + timezone.timedelta(seconds=60)):
        device.refresh_from_db()
        accepted = client.post(SECOND_FACTOR, {"code": totp_code(device), "next": "/admin/"})
        assert accepted.status_code == 302
        assert accepted["Location"] == "/admin/"
        assert is_verified(client)
        assert client.get("/admin/").status_code == 200
        assert client.get("/admin/complaints/complaint/").status_code == 200


def test_the_same_app_code_is_not_accepted_twice(staff):
    device = totp_device_for(staff)
    first, second = Client(), Client()
    password_log_in(first, staff)
    password_log_in(second, staff)
    code = totp_code(device)

    assert first.post(SECOND_FACTOR, {"code": code}).status_code == 302
    replayed = second.post(SECOND_FACTOR, {"code": code})

    assert replayed.status_code == 400
    assert not is_verified(second)


def test_a_recovery_code_opens_one_log_in_only(staff):
    totp_device_for(staff)
    recovery = StaticDevice.objects.create(user=staff, name="recovery codes", confirmed=True)
    StaticToken.objects.create(device=recovery, token="abcd2345")
    StaticToken.objects.create(device=recovery, token="efgh6777")

    client = Client()
    password_log_in(client, staff)
    used = client.post(SECOND_FACTOR, {"code": "ABCD 2345", "next": "/admin/"})
    assert used.status_code == 302
    assert client.get("/admin/").status_code == 200
    assert list(StaticToken.objects.values_list("token", flat=True)) == ["efgh6777"]

    client.post("/accounts/log-out/")
    password_log_in(client, staff)
    reused = client.post(SECOND_FACTOR, {"code": "abcd2345", "next": "/admin/"})
    assert reused.status_code == 400
    assert not is_verified(client)
    assert client.get("/admin/").status_code == 302


def test_every_page_and_the_api_wait_for_the_second_factor(staff):
    totp_device_for(staff)
    client = Client()
    password_log_in(client, staff)

    home = client.get("/")
    assert home.status_code == 302
    assert home["Location"].startswith(SECOND_FACTOR)
    api = client.get("/api/v1/complaints/")
    assert api.status_code == 403
    assert api.json()["code"] == "second_factor_required"
    assert client.get("/api/v1/categories/").status_code == 403
    # the way out stays open
    assert client.post("/accounts/log-out/").status_code == 302
    assert "_auth_user_id" not in client.session


def test_a_verified_staff_session_reaches_the_staff_api(staff):
    device = totp_device_for(staff)
    client = Client()
    password_log_in(client, staff)
    client.post(SECOND_FACTOR, {"code": totp_code(device)})

    assert client.get("/api/v1/complaints/").status_code == 200


def test_the_second_factor_does_not_send_staff_to_another_site(staff):
    device = totp_device_for(staff)
    client = Client()
    password_log_in(client, staff)

    response = client.post(SECOND_FACTOR, {"code": totp_code(device), "next": "https://attacker.example/"})

    assert response.status_code == 302
    assert response["Location"] == "/"


def test_a_removed_app_ends_the_verified_session_and_asks_to_set_it_up_again(staff):
    device = totp_device_for(staff)
    client = Client()
    password_log_in(client, staff)
    client.post(SECOND_FACTOR, {"code": totp_code(device)})
    assert client.get("/admin/").status_code == 200

    device.delete()  # an administrator removes a lost phone's app in the admin

    assert client.get("/admin/").status_code == 302
    assert client.get(SECOND_FACTOR)["Location"].startswith(ENROL)


def test_learners_log_in_with_their_password_alone(client):
    learner = LearnerFactory(password=PASSWORD)

    password_log_in(client, learner)

    assert client.get("/").status_code == 200
    assert client.get(SECOND_FACTOR).status_code == 403
    assert client.get(ENROL).status_code == 403
    assert not TOTPDevice.objects.exists()


def test_the_test_clients_force_login_opens_the_admin_to_staff_with_a_real_device(client, staff):
    client.force_login(staff)

    assert client.get("/admin/").status_code == 200
    device = TOTPDevice.objects.get(user=staff)
    assert device.confirmed
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id


def test_the_second_factor_page_speaks_chinese_by_default(staff):
    totp_device_for(staff)
    client = Client()
    password_log_in(client, staff)

    page = client.get(SECOND_FACTOR)

    assert "登录第二步" in page.text


def test_wrong_codes_in_a_row_make_the_next_try_wait_and_say_so(staff):
    device = totp_device_for(staff)
    client = Client()
    password_log_in(client, staff)
    wrong = "000000" if totp_code(device) != "000000" else "111111"
    client.post(SECOND_FACTOR, {"code": wrong})

    # at once, even the right code waits: guessing a million codes takes far longer than a code lives
    refused = client.post(SECOND_FACTOR, {"code": totp_code(device)})

    assert refused.status_code == 400
    assert "秒" in refused.context["form"].errors["code"][0]
    assert not is_verified(client)
    device.refresh_from_db()
    assert device.throttling_failure_count == 1
