"""End to end in headless Chromium: an agent takes a hotline call, finds the learner by mobile number in the
admin, logs the complaint in the learner's name, and sees it in the queue with its flags."""

import re
from urllib.parse import urlsplit

import pytest

from accounts.roles import Role
from accounts.tests.factories import LearnerFactory, StaffFactory
from accounts.tests.second_factor import browser_second_factor, totp_device_for
from complaints.models import Category, Channel, Complaint
from complaints.services.notices import NoticeKind
from complaints.states import State
from complaints.tests.factories import ComplaintFactory
from notifications.models import Notification
from privacy.models import AccessLogEntry

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-enough-password"
MOBILE = "13812345678"


def log_in(page, live_server, staff) -> None:
    """Log in through the site's own page (the admin's log-in page is not the way staff come in), with the
    password and then the code the staff member's authenticator app shows."""
    device = totp_device_for(staff)
    page.goto(f"{live_server.url}/accounts/log-in/")
    page.get_by_label("电子邮箱").fill(staff.email)
    page.get_by_label("密码").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="登录").click()
    browser_second_factor(page, device)
    page.wait_for_url(f"{live_server.url}/")


def queue_row(page, reference: str):
    return page.locator("#result_list tbody tr").filter(has_text=reference)


def test_an_agent_logs_a_hotline_complaint_for_a_learner_found_by_mobile_number(browser, live_server):
    category = Category.objects.get(code="service")
    agent = StaffFactory(
        email="agent@example.edu.cn",
        password=PASSWORD,
        department=category.default_department,
        roles=[Role.AGENT],
    )
    learner = LearnerFactory(display_name="王小明", mobile=MOBILE)
    LearnerFactory(display_name="王小红", mobile="13812345679")
    legal = ComplaintFactory(category=category, legal_flag=True)

    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    visited = []
    page.on("request", lambda request: visited.append(request.url))
    log_in(page, live_server, agent)

    # the queue, and its button
    page.goto(f"{live_server.url}/admin/")
    page.locator("tr.model-complaint").get_by_role("link", name="投诉", exact=True).click()
    page.wait_for_url(re.compile(r"/admin/complaints/complaint/$"))
    page.get_by_role("link", name="代为登记投诉").click()
    page.wait_for_url(re.compile(r"/admin/complaints/complaint/intake/$"))

    # find the learner by the number the caller gives, written as people say it
    page.get_by_label("姓名、电子邮箱或手机号").fill("138 1234 5678")
    page.get_by_role("button", name="查找").click()
    results = page.locator(".intake-results")
    results.wait_for()
    assert "138****5678" in results.inner_text()
    assert "王小红" not in results.inner_text()
    page.get_by_role("button", name="选择王小明").click()
    page.get_by_label("受理渠道").wait_for()
    assert "王小明" in page.locator(".intake-person").inner_text()

    # a form with bad input says what is wrong next to the field and stores nothing
    page.get_by_label("受理渠道").select_option(Channel.PHONE.value)
    page.get_by_label("投诉类别").select_option(str(category.pk))
    page.get_by_label("事情经过").fill("来电称连续两天拨打客服热线都无人接听。")
    page.get_by_role("button", name="登记投诉").click()
    page.locator(".field-title .errorlist").wait_for()
    assert "此项为必填项" in page.locator(".field-title").inner_text()
    assert not Complaint.objects.filter(complainant=learner).exists()

    # the complaint, logged as a phone call
    page.get_by_label("标题").fill("客服热线无人接听")
    page.get_by_label("这是紧急事项").check()
    page.get_by_role("button", name="登记投诉").click()
    page.wait_for_url(re.compile(r"/admin/complaints/complaint/$"))

    complaint = Complaint.objects.get(complainant=learner)
    assert (complaint.channel, complaint.filed_by, complaint.state) == (Channel.PHONE, agent, State.SUBMITTED)
    assert complaint.is_urgent
    assert complaint.reference in page.locator(".messagelist").inner_text()
    assert queue_row(page, complaint.reference).locator(".field-markers").inner_text().split() == ["紧急"]
    assert queue_row(page, legal.reference).locator(".field-markers").inner_text().split() == ["法律"]

    # the learner is told, and the search read is on the learner's own access log
    notices = set(Notification.objects.values_list("recipient_id", "kind"))
    assert notices == {(learner.pk, NoticeKind.RECEIVED)}
    # (the search, the person picked, and the queue that then shows the new complaint)
    reads = AccessLogEntry.objects.filter(actor=agent, subject=learner)
    assert sorted(reads.values_list("screen", "kind")) == [
        ("admin:complaints_complaint_changelist", "list"),
        ("admin:complaints_complaint_intake", "search"),
        ("admin:complaints_complaint_intake_file", "record"),
    ]
    # the number searched for never travelled in an address
    addresses = [urlsplit(url).path + "?" + urlsplit(url).query for url in visited]
    assert addresses and not [address for address in addresses if "5678" in address]
    context.close()
