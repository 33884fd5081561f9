"""End to end in headless Chromium at a phone's size: a learner without a mobile number opens "我的账户" from
the navigation, changes their name, verifies a mobile number with the SMS code (after a wrong one), turns SMS
notices on, changes their password and their e-mail address, and logs in with the new ones."""

import re

import pytest

from accounts.models import User
from accounts.tests.factories import LearnerFactory
from notifications import sms
from notifications.models import NotificationPreference
from privacy.models import Purpose, PurposeConsent

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-enough-password"
NEW_PASSWORD = "Another-long-password-2026"


def log_in(page, live_server, email: str, password: str) -> None:
    page.goto(f"{live_server.url}/accounts/log-in/")
    page.get_by_label("电子邮箱").fill(email)
    page.get_by_label("密码").fill(password)
    page.locator("main").get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server.url}/")


def fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_learner_keeps_their_account_up_to_date_on_a_phone(page, live_server):
    sms.outbox.clear()
    learner = LearnerFactory(
        email="xiaohong@example.edu.cn", password=PASSWORD, mobile="", display_name="刘同学"
    )
    log_in(page, live_server, learner.email, PASSWORD)

    page.get_by_role("link", name="我的账户").click()
    page.wait_for_url(f"{live_server.url}/accounts/me/")
    assert page.get_by_role("heading", name="我的账户", level=1).is_visible()
    assert "您的账户尚未填写手机号码" in page.locator("#mobile").inner_text()
    assert fits_the_screen(page)

    # the name
    page.locator("#name").get_by_label("姓名").fill("刘晓红")
    page.get_by_role("button", name="保存姓名").click()
    assert "您的姓名已保存" in page.locator("body").inner_text()
    assert User.objects.get(pk=learner.pk).display_name == "刘晓红"

    # SMS cannot be turned on without a mobile number
    page.locator("#channels").get_by_label("通过短信接收通知").check()
    page.locator("#channels").get_by_label("我同意通过短信在我的手机号码上接收通知").check()
    page.get_by_role("button", name="保存通知方式").click()
    assert "请先在账户中填写手机号码" in page.locator("#channels .field-errors").inner_text()
    assert not NotificationPreference.objects.exists()

    # a mobile number, verified by the code sent to it; a wrong code first
    page.get_by_label("新的手机号码").fill("137 1234 5678")
    page.get_by_role("button", name="发送验证码").click()
    assert "验证码已发送至 137****5678" in page.locator("#mobile").inner_text()
    assert [message["to"] for message in sms.outbox] == ["13712345678"]
    code = re.search(r"\b(\d{6})\b", sms.outbox[0]["text"]).group(1)
    page.get_by_label("短信验证码").fill("000000" if code != "000000" else "111111")
    page.get_by_role("button", name="验证号码").click()
    assert "验证码不正确" in page.locator("#mobile .field-errors").inner_text()
    assert User.objects.get(pk=learner.pk).mobile == ""
    page.get_by_label("短信验证码").fill(code)
    page.get_by_role("button", name="验证号码").click()
    assert "已验证的号码：137****5678" in page.locator("#mobile").inner_text()
    assert User.objects.get(pk=learner.pk).mobile == "13712345678"

    # now SMS notices go on, with the consent given on the same form
    page.locator("#channels").get_by_label("通过短信接收通知").check()
    page.locator("#channels").get_by_label("我同意通过短信在我的手机号码上接收通知").check()
    page.get_by_role("button", name="保存通知方式").click()
    assert "您的通知方式已保存" in page.locator("body").inner_text()
    assert NotificationPreference.objects.get(user=learner).sms is True
    assert PurposeConsent.objects.filter(
        user=learner, purpose=Purpose.SMS_NOTICES, withdrawn_at=None
    ).exists()
    assert page.locator("#channels").get_by_label("通过短信接收通知").is_checked()

    # the password, then the e-mail address confirmed with the new password
    password = page.locator("#password")
    password.get_by_label("当前密码").fill(PASSWORD)
    password.get_by_label(re.compile(r"^新密码")).fill(NEW_PASSWORD)
    password.get_by_label("再次输入新密码").fill(NEW_PASSWORD)
    page.get_by_role("button", name="修改密码").click()
    assert "您的密码已修改" in page.locator("body").inner_text()

    email = page.locator("#email")
    email.get_by_label("新的电子邮箱").fill("hong.liu@example.edu.cn")
    email.get_by_label("当前密码").fill("not-my-password")
    page.get_by_role("button", name="更改电子邮箱").click()
    assert "当前密码不正确" in page.locator("#email .field-errors").inner_text()
    assert User.objects.get(pk=learner.pk).email == "xiaohong@example.edu.cn"
    email = page.locator("#email")
    email.get_by_label("新的电子邮箱").fill("hong.liu@example.edu.cn")
    email.get_by_label("当前密码").fill(NEW_PASSWORD)
    page.get_by_role("button", name="更改电子邮箱").click()
    assert "您的电子邮箱已更改" in page.locator("body").inner_text()
    assert fits_the_screen(page)

    page.context.clear_cookies()
    log_in(page, live_server, "hong.liu@example.edu.cn", NEW_PASSWORD)
    assert "刘晓红" in page.locator("header").inner_text()
