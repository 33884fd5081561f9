"""End to end in headless Chromium: staff work a complaint through its whole life in the admin by clicking its
real buttons, and the learner answers, appeals and follows it on their own pages at a phone's size.

A support agent whose session expired logs in again and claims the complaint, investigates, asks the learner
for information; the learner answers; the agent proposes a refund above the approval threshold; a member of
the leadership group approves it; the learner appeals; a supervisor who did not handle the complaint decides
the appeal. After every click the database says what the click did, and the page shows no error.
"""

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.roles import Role
from accounts.tests.factories import LearnerFactory, StaffFactory
from accounts.tests.second_factor import totp_code, totp_device_for
from complaints.models import Appeal, Approval, Category, Remedy
from complaints.services import complaint_file
from complaints.states import State
from sla.models import Clock, Target

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-enough-password"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


class Screen:
    """One person's browser: every page it loads is remembered, so a test can say none answered an error."""

    def __init__(self, browser, live_server, viewport):
        self.live_server = live_server
        self.context = browser.new_context(locale="zh-CN", viewport=viewport)
        self.page = self.context.new_page()
        self.page.set_default_timeout(15_000)
        self.statuses: list[tuple[int, str]] = []
        self.page.on(
            "response",
            lambda response: (
                response.request.is_navigation_request()
                and self.statuses.append((response.status, response.url))
            ),
        )

    def goto(self, path: str) -> None:
        self.page.goto(f"{self.live_server.url}{path}")

    def click(self, locator) -> None:
        with self.page.expect_navigation():
            locator.click()

    def assert_no_error(self) -> None:
        assert [entry for entry in self.statuses if entry[0] >= 400] == []
        errors = self.page.locator(".errornote, .errorlist, .messagelist .error, .messages .error")
        assert errors.count() == 0, errors.all_inner_texts()


def admin_log_in(screen: Screen, user) -> None:
    """Log in on the admin's page with the password, then the code the staff member's app shows."""
    screen.page.get_by_label("电子邮箱").fill(user.email)
    screen.page.get_by_label("密码").fill(PASSWORD)
    screen.click(screen.page.get_by_role("button", name="登录"))
    assert screen.page.url.startswith(f"{screen.live_server.url}/accounts/second-factor/?next=")
    screen.page.get_by_label("验证码").fill(totp_code(TOTPDevice.objects.get(user=user)))
    screen.click(screen.page.locator("main").get_by_role("button", name="继续"))


def site_log_in(screen: Screen, user) -> None:
    screen.goto("/accounts/log-in/")
    screen.page.get_by_label("电子邮箱").fill(user.email)
    screen.page.get_by_label("密码").fill(PASSWORD)
    screen.click(screen.page.locator("main").get_by_role("button", name="登录"))


def move(screen: Screen, name: str):
    return screen.page.locator(f"#move-{name}")


def success_message(screen: Screen) -> str:
    return screen.page.locator(".messagelist .success").inner_text()


def test_a_complaint_from_claim_to_the_appeals_decision_in_the_admin(browser, live_server):
    category = Category.objects.get(code="service")
    department = category.default_department
    learner = LearnerFactory(email="xiaohong@example.edu.cn", password=PASSWORD)
    agent = StaffFactory(
        email="agent@example.edu.cn", password=PASSWORD, department=department, roles=[Role.AGENT]
    )
    leader = StaffFactory(email="leader@example.edu.cn", password=PASSWORD, roles=[Role.LEADERSHIP])
    reviewer = StaffFactory(
        email="reviewer@example.edu.cn", password=PASSWORD, department=department, roles=[Role.SUPERVISOR]
    )
    for member in (agent, leader, reviewer):
        totp_device_for(member)  # each has set up an authenticator app
    complaint = complaint_file(
        actor=learner,
        complainant=learner,
        category=category,
        title="退费迟迟未到账",
        description="申请退费一个多月，至今没有到账。",
    )
    workspace = f"/admin/complaints/complaint/{complaint.pk}/change/"

    # the agent's session expired: the admin asks them to log in again, then shows what they asked for
    staff = Screen(browser, live_server, DESKTOP)
    staff.context.add_cookies([{"name": "sessionid", "value": "expired0session0key", "url": live_server.url}])
    staff.goto("/admin/")
    assert staff.page.url == f"{live_server.url}/admin/login/?next=/admin/"
    admin_log_in(staff, agent)
    assert staff.page.url == f"{live_server.url}/admin/"
    staff.assert_no_error()

    # claim it from the queue
    staff.click(staff.page.locator('#content-main a[href="/admin/complaints/complaint/"]').first)
    staff.page.locator(f'input[name="_selected_action"][value="{complaint.pk}"]').check()
    staff.page.locator('select[name="action"]').select_option(label="认领：确认受理并负责")
    staff.click(staff.page.get_by_role("button", name="执行"))
    complaint.refresh_from_db()
    assert (complaint.state, complaint.owner) == (State.ACKNOWLEDGED, agent)
    assert "已认领 1 件投诉" in success_message(staff)
    staff.assert_no_error()

    # open it and start the investigation: the workspace's first move
    staff.click(staff.page.get_by_role("link", name=complaint.reference))
    assert staff.page.url == f"{live_server.url}{workspace}"
    staff.click(move(staff, "start-investigation").get_by_role("button", name="开始调查"))
    complaint.refresh_from_db()
    assert complaint.state == State.INVESTIGATING
    assert "开始调查" in success_message(staff)
    staff.assert_no_error()

    # ask the learner for information: the clocks pause, and the workspace says so
    move(staff, "request-information").get_by_label("向投诉人提出的问题").fill("请提供退费申请的截图。")
    staff.click(move(staff, "request-information").get_by_role("button", name="请求补充材料"))
    complaint.refresh_from_db()
    assert complaint.state == State.AWAITING_COMPLAINANT
    paused = Clock.objects.get(complaint=complaint, target=Target.RESOLUTION)
    assert paused.paused_at is not None
    assert "起暂停" in staff.page.locator("#clock-resolution").inner_text()
    staff.assert_no_error()

    # the learner answers on their page, on a phone
    phone = Screen(browser, live_server, PHONE)
    site_log_in(phone, learner)
    phone.goto(f"/complaints/{complaint.reference}/")
    assert "请提供退费申请的截图。" in phone.page.locator("main").inner_text()
    phone.page.get_by_label("您的回复").fill("截图已通过邮件发送，申请编号 R-2026-01。")
    phone.click(phone.page.get_by_role("button", name="发送回复"))
    complaint.refresh_from_db()
    assert complaint.state == State.INVESTIGATING
    phone.assert_no_error()

    # the agent proposes a refund above the approval threshold: it waits for the leadership group
    staff.goto(workspace)
    assert "截图已通过邮件发送" in staff.page.locator(".workspace-timeline").inner_text()
    proposal = move(staff, "propose-resolution")
    proposal.get_by_label("答复").fill("经核实，同意全额退费 12000 元。")
    proposal.get_by_label("对该学员的补救措施").select_option(label="退款")
    proposal.get_by_label("退款金额（元）").fill("12000")
    staff.click(proposal.get_by_role("button", name="提出处理意见及补救措施"))
    complaint.refresh_from_db()
    assert complaint.state == State.PENDING_APPROVAL
    assert Approval.objects.get(complaint=complaint).decision == Approval.Decision.PENDING
    staff.assert_no_error()

    # a member of the leadership group logs in through a link to the complaint and approves
    leadership = Screen(browser, live_server, DESKTOP)
    leadership.goto(workspace)
    assert leadership.page.url.startswith(f"{live_server.url}/admin/login/?next=")
    admin_log_in(leadership, leader)
    assert leadership.page.url == f"{live_server.url}{workspace}"
    move(leadership, "approve").get_by_label("原因").fill("金额核实无误，同意。")
    leadership.click(move(leadership, "approve").get_by_role("button", name="批准处理意见"))
    complaint.refresh_from_db()
    assert complaint.state == State.RESPONDED
    assert Approval.objects.get(complaint=complaint).decision == Approval.Decision.APPROVED
    assert complaint.remedies.get().state == Remedy.State.APPROVED
    leadership.assert_no_error()

    # the learner reads the response and appeals
    phone.page.reload()
    assert "同意全额退费" in phone.page.locator("main").inner_text()
    phone.page.get_by_label("请说明申请复议的理由").fill("退费到账时间没有说明。")
    phone.click(phone.page.get_by_role("button", name="提交复议申请"))
    complaint.refresh_from_db()
    assert complaint.state == State.APPEALED
    phone.assert_no_error()

    # the leader handled it, so a supervisor who did not decides the appeal
    leadership.goto(workspace)
    assert move(leadership, "review-appeal").count() == 0
    review = Screen(browser, live_server, DESKTOP)
    review.goto("/admin/")
    admin_log_in(review, reviewer)
    review.goto(workspace)
    decision = move(review, "review-appeal")
    assert "退费到账时间没有说明。" in decision.inner_text()
    decision.get_by_label("维持原答复").check()
    decision.get_by_label("决定理由").fill("退费已于三个工作日内到账，维持原处理意见。")
    review.click(decision.get_by_role("button", name="作出复议决定"))
    complaint.refresh_from_db()
    appeal = Appeal.objects.get(complaint=complaint)
    assert complaint.state == State.CLOSED
    assert (appeal.decision, appeal.reviewer) == (Appeal.Decision.UPHELD, reviewer)
    review.assert_no_error()

    # the learner sees the decision and the complaint closed on their page
    phone.page.reload()
    assert "已办结" in phone.page.locator(".complaint-summary").inner_text()
    assert "维持原处理意见" in phone.page.locator("main").inner_text()
    phone.assert_no_error()

    for screen in (staff, phone, leadership, review):
        screen.context.close()
