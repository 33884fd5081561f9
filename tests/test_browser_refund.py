"""End to end in headless Chromium: a learner on a phone-sized page opens their course, accepts the user
agreement, sees the amount the refund rules give and requests a refund; staff log in to the admin with the
second factor and decide it by clicking its real buttons (approve, the leadership group's approval of a large
refund, the payment); the learner sees the decision. After every click the database says what it did."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.roles import Role
from accounts.tests.factories import LearnerFactory, StaffFactory
from accounts.tests.second_factor import totp_device_for
from courses.tests.factories import CourseFactory, EnrolmentFactory
from notifications.models import Notification
from privacy.models import PolicyConsent
from refunds.models import RefundRequest, State

from .test_browser_admin_lifecycle import (
    DESKTOP,
    PASSWORD,
    PHONE,
    Screen,
    admin_log_in,
    move,
    site_log_in,
    success_message,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def learner_requests_a_refund(phone: Screen, learner, enrolment, *, reason: str) -> RefundRequest:
    """The learner's part, on their phone: from "my courses" to the request sent, the amount seen first.

    Requires a logged-in learner on ``phone``; returns the request they filed.
    """
    phone.goto("/refunds/courses/")
    card = phone.page.locator(".card", has_text=enrolment.course.title)
    phone.click(card.get_by_role("link", name="申请退费"))
    # the user agreement comes first, and the learner comes back to the form
    assert "/privacy/agreement/accept/" in phone.page.url
    phone.page.get_by_label("我已阅读并同意本用户协议").check()
    phone.click(phone.page.locator("main").get_by_role("button", name="同意并继续"))
    assert PolicyConsent.objects.filter(user=learner, policy_version__kind="user_agreement").exists()
    assert phone.page.url == f"{phone.live_server.url}/refunds/courses/{enrolment.pk}/request/"
    quote = phone.page.locator("#quote-title").inner_text()
    assert f"{enrolment.amount_paid:.2f}" in quote
    assert phone.page.locator("ol.calculation li").count() >= 5
    phone.page.get_by_label("退费原因").fill(reason)
    phone.click(phone.page.locator("main").get_by_role("button", name="提交退费申请"))
    refund = RefundRequest.objects.get(enrolment=enrolment)
    assert phone.page.url == f"{phone.live_server.url}/refunds/{refund.reference}/"
    assert refund.reference in phone.page.locator("main").inner_text()
    width = phone.page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], "the page scrolls sideways on a phone"
    phone.assert_no_error()
    return refund


def test_a_large_refund_from_the_phone_through_the_leadership_group_to_the_payment(browser, live_server):
    learner = LearnerFactory(email="xiaoli@example.edu.cn", password=PASSWORD)
    course = CourseFactory(code="AC-901", title="会计实务精讲", price=Decimal("12800.00"), lesson_count=36)
    enrolment = EnrolmentFactory(
        learner=learner, course=course, purchased_at=timezone.now() - datetime.timedelta(days=3)
    )
    agent = StaffFactory(email="finance@example.edu.cn", password=PASSWORD, roles=[Role.AGENT])
    leader = StaffFactory(email="leader@example.edu.cn", password=PASSWORD, roles=[Role.LEADERSHIP])
    for member in (agent, leader):
        totp_device_for(member)

    # the learner asks on their phone: bought three days ago, no lesson yet, so everything paid
    phone = Screen(browser, live_server, PHONE)
    site_log_in(phone, learner)
    refund = learner_requests_a_refund(phone, learner, enrolment, reason="工作调动到外地，无法上课。")
    assert (refund.state, refund.amount) == (State.SUBMITTED, Decimal("12800.00"))

    # staff find it in the queue and approve it; above 10,000 yuan it goes to the leadership group
    staff = Screen(browser, live_server, DESKTOP)
    staff.goto("/admin/")
    admin_log_in(staff, agent)
    staff.goto("/admin/refunds/refundrequest/")
    staff.click(staff.page.get_by_role("link", name=refund.reference))
    assert move(staff, "leadership_approve").count() == 0
    staff.click(move(staff, "approve").get_by_role("button", name="批准退费"))
    refund.refresh_from_db()
    assert (refund.state, refund.needs_approval) == (State.PENDING_APPROVAL, True)
    assert refund.reference in success_message(staff)
    staff.assert_no_error()

    # a member of the leadership group approves it
    leadership = Screen(browser, live_server, DESKTOP)
    leadership.goto("/admin/")
    admin_log_in(leadership, leader)
    leadership.goto(f"/admin/refunds/refundrequest/{refund.pk}/change/")
    leadership.click(move(leadership, "leadership_approve").get_by_role("button", name="领导小组批准"))
    refund.refresh_from_db()
    assert (refund.state, refund.approval_by) == (State.APPROVED, leader)
    leadership.assert_no_error()

    # the agent records the money paid back
    staff.goto(f"/admin/refunds/refundrequest/{refund.pk}/change/")
    payment = move(staff, "record_payment")
    assert payment.get_by_label("退款金额（元）").input_value() == "12800.00"
    payment.get_by_label("付款流水号").fill("ZFB-20261203-0001")
    staff.click(payment.get_by_role("button", name="登记退款"))
    refund.refresh_from_db()
    assert (refund.state, refund.paid_amount, refund.paid_on) == (
        State.PAID,
        Decimal("12800.00"),
        timezone.localdate(),
    )
    assert Notification.objects.filter(recipient=learner, kind="refund_paid", channel="in_app").exists()
    staff.assert_no_error()

    # the learner sees the decision
    phone.goto(f"/refunds/{refund.reference}/")
    assert phone.page.locator("#refund-state").inner_text() == "已退款"
    assert "12800.00" in phone.page.locator("main").inner_text()
    phone.assert_no_error()
