"""End to end in headless Chromium: a learner signs up, logs in, reads Chinese, switches to English."""

import pytest

from accounts.models import User
from accounts.roles import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_learner_signs_up_logs_in_and_switches_language(page, live_server):
    # given: a visitor on the sign-up page, in Chinese by default
    page.goto(f"{live_server.url}/accounts/sign-up/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert page.get_by_role("heading", level=1).inner_text() == "创建账户"

    # when: they sign up as a learner
    page.get_by_label("姓名").fill("陈同学")
    page.get_by_label("电子邮箱").fill("chen@example.edu.cn")
    page.get_by_label("手机号码").fill("13912345678")
    page.get_by_label("学员").check()
    page.locator("#id_password1").fill("a-long-enough-password")
    page.locator("#id_password2").fill("a-long-enough-password")
    page.get_by_label("我已阅读并同意隐私政策").check()
    page.get_by_role("button", name="创建账户").click()

    # then: the account exists and they are welcomed on the home page
    page.wait_for_url(f"{live_server.url}/")
    assert User.objects.get(email="chen@example.edu.cn").has_role(Role.LEARNER)
    assert "欢迎" in page.locator("main").inner_text()

    # when: they log out and log back in
    page.get_by_role("button", name="退出").click()
    page.get_by_role("link", name="登录").first.click()
    page.get_by_label("电子邮箱").fill("chen@example.edu.cn")
    page.get_by_label("密码").fill("a-long-enough-password")
    page.locator("main").get_by_role("button", name="登录").click()

    # then: the home page greets them in Chinese
    page.wait_for_url(f"{live_server.url}/")
    assert page.get_by_role("heading", level=1).inner_text() == "学员的声音很重要"
    assert "欢迎回来，陈同学" in page.locator("main").inner_text()

    # when: they switch to English
    page.get_by_label("语言").select_option("en")
    page.get_by_role("button", name="切换").click()

    # then: the page and their saved preference are English
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", level=1).inner_text() == "Your voice as a learner counts"
    assert User.objects.get(email="chen@example.edu.cn").preferred_language == "en"
