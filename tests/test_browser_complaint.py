"""End to end in headless Chromium: a learner files a complaint with evidence; staff acknowledge and respond
through the REST API; the learner confirms satisfaction and sees the complaint closed."""

import pytest

from accounts.roles import Role
from accounts.tests.factories import LearnerFactory, StaffFactory
from accounts.tests.second_factor import browser_second_factor, staff_device_ready
from complaints.models import Category, Complaint
from complaints.states import State

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-enough-password"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00" + bytes(64)


def log_in(page, live_server, email: str) -> None:
    """Log in with the password, and staff with their authenticator app's code too."""
    device = staff_device_ready(email)
    page.goto(f"{live_server.url}/accounts/log-in/")
    page.get_by_label("电子邮箱").fill(email)
    page.get_by_label("密码").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="登录").click()
    browser_second_factor(page, device)
    page.wait_for_url(f"{live_server.url}/")


def api_post(context, live_server, path: str, data: dict | None = None):
    token = next(cookie["value"] for cookie in context.cookies() if cookie["name"] == "csrftoken")
    response = context.request.post(
        f"{live_server.url}{path}",
        data=data or {},
        headers={"X-CSRFToken": token, "Referer": f"{live_server.url}/"},
    )
    assert response.ok, response.text()
    return response.json()


def test_a_complaint_from_filing_to_closed(browser, page, live_server, tmp_path):
    category = Category.objects.get(code="service")
    learner = LearnerFactory(email="xiaoming@example.edu.cn", password=PASSWORD)
    agent = StaffFactory(
        email="agent@example.edu.cn",
        password=PASSWORD,
        department=category.default_department,
        roles=[Role.AGENT],
    )
    screenshot = tmp_path / "截图.png"
    screenshot.write_bytes(PNG)

    # the learner files a complaint with evidence
    log_in(page, live_server, learner.email)
    page.get_by_role("link", name="我要投诉").first.click()
    page.get_by_label("投诉类别").select_option(str(category.pk))
    page.get_by_label("标题").fill("客服电话一直占线")
    page.get_by_label("事情经过").fill("连续两天拨打客服热线都无人接听。")
    page.get_by_label("证据").set_input_files(str(screenshot))
    page.get_by_role("button", name="提交投诉").click()

    complaint = Complaint.objects.get(complainant=learner)
    page.wait_for_url(f"{live_server.url}/complaints/{complaint.reference}/")
    assert complaint.reference in page.locator("main").inner_text()
    assert page.get_by_role("link", name="截图.png").is_visible()

    # staff acknowledge, investigate and respond through the API
    staff = browser.new_context()
    staff_page = staff.new_page()
    log_in(staff_page, live_server, agent.email)
    base = f"/api/v1/complaints/{complaint.reference}"
    assert api_post(staff, live_server, f"{base}/acknowledge/")["state"] == State.ACKNOWLEDGED
    api_post(staff, live_server, f"{base}/start-investigation/")
    answer = api_post(staff, live_server, f"{base}/respond/", {"response": "已增加热线坐席，并回电说明。"})
    assert answer["state"] == State.RESPONDED
    staff.close()

    # the learner sees the answer, is satisfied, and sees the complaint closed
    page.reload()
    assert "已增加热线坐席" in page.locator("main").inner_text()
    page.get_by_label("5 – 非常满意").check()
    page.get_by_role("button", name="确认并办结").click()
    page.wait_for_load_state()
    assert "已办结" in page.locator(".complaint-summary").inner_text()
    complaint.refresh_from_db()
    assert (complaint.state, complaint.satisfaction_rating) == (State.CLOSED, 5)
