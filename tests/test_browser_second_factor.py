"""End to end in headless Chromium: a new staff member logs in at /admin/login/ with their password, sets up
an authenticator app from the page (its key read as text, as one types it into an app), keeps the recovery
codes, reaches the admin; later logs in again with the password and the app's code."""

import base64
import re

import pytest
import time_machine
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.roles import Role
from accounts.tests.factories import StaffFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-enough-password"


def app_code(secret: str) -> str:
    """What an authenticator app shows for a key typed in as text (time-based, 30 s, 6 digits)."""
    return f"{TOTP(base64.b32decode(secret), step=30, t0=0, digits=6, drift=0).token():06d}"


def password_at_the_admin(page, live_server, email: str) -> None:
    page.goto(f"{live_server.url}/admin/")
    page.wait_for_url(re.compile(r"/admin/login/\?next=/admin/$"))
    page.get_by_label("电子邮箱").fill(email)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()


def test_a_new_staff_member_sets_up_the_app_then_logs_in_with_password_and_code(browser, live_server):
    agent = StaffFactory(email="new.agent@example.edu.cn", password=PASSWORD, roles=[Role.AGENT])
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    errors = []

    def note_errors(response) -> None:
        if response.request.is_navigation_request() and response.status >= 400:
            errors.append(response.url)

    page.on("response", note_errors)

    # the password alone leads to setting up the app, not to the admin
    password_at_the_admin(page, live_server, agent.email)
    page.wait_for_url(re.compile(r"/accounts/second-factor/enrol/\?next=%2Fadmin%2F$"))
    assert page.locator(".qr-code svg").count() == 1
    secret = page.locator(".totp-secret").inner_text().strip()
    page.get_by_label("应用中的验证码").fill(app_code(secret))
    page.locator("main").get_by_role("button", name="确认").click()

    # the recovery codes, once; then the admin
    page.wait_for_selector(".recovery-codes")
    shown = page.locator(".recovery-codes code").all_inner_texts()
    assert sorted(shown) == sorted(
        StaticToken.objects.filter(device__user=agent).values_list("token", flat=True)
    )
    assert len(shown) == 10
    page.get_by_role("link", name="我已保存好，继续").click()
    page.wait_for_url(f"{live_server.url}/admin/")
    assert page.locator("#content-main").count() == 1
    assert TOTPDevice.objects.get(user=agent).confirmed
    context.close()

    # later, in a fresh browser: password, then the app's code, at the admin's log-in page
    with time_machine.travel(timezone.now() + timezone.timedelta(seconds=31)):
        later = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
        page = later.new_page()
        page.set_default_timeout(15_000)
        page.on("response", note_errors)
        password_at_the_admin(page, live_server, agent.email)
        page.wait_for_url(re.compile(r"/accounts/second-factor/\?next=%2Fadmin%2F$"))
        page.get_by_label("验证码").fill("000000" if app_code(secret) != "000000" else "111111")
        page.locator("main").get_by_role("button", name="继续").click()
        assert page.locator("#id_code_error").count() == 1  # a wrong code is refused at the field
        page.wait_for_timeout(1_100)  # each wrong code makes the next try wait a little longer
        page.get_by_label("验证码").fill(app_code(secret))
        page.locator("main").get_by_role("button", name="继续").click()
        page.wait_for_url(f"{live_server.url}/admin/")
        assert page.locator("#content-main").count() == 1
        later.close()
    # the one refused code answered 400; nothing else failed
    assert errors == [f"{live_server.url}/accounts/second-factor/?next=%2Fadmin%2F"]


def test_a_session_cookie_from_the_test_clients_force_login_opens_the_admin_in_the_browser(
    browser, live_server
):
    from django.conf import settings
    from django.test import Client

    agent = StaffFactory(roles=[Role.AGENT])
    client = Client()
    client.force_login(agent)
    context = browser.new_context(locale="zh-CN")
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page = context.new_page()

    response = page.goto(f"{live_server.url}/admin/")

    assert response.status == 200
    assert page.url == f"{live_server.url}/admin/"
    context.close()
