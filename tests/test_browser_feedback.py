"""End to end in headless Chromium: a learner gives feedback on a phone-sized page, staff accept it, make
the handling plan and notify the result in the admin by clicking its real buttons, and the learner rates it.
After every click the database says what the click did, and no page answered an error."""

import pytest

from accounts.roles import Role
from accounts.tests.factories import LearnerFactory, StaffFactory
from accounts.tests.second_factor import totp_device_for
from complaints.tests.evidence_files import png_image
from feedback.models import FeedbackItem, State
from notifications.models import Notification

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


def test_feedback_from_the_phone_to_the_rating_through_the_admin(browser, live_server, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    learner = LearnerFactory(email="xiaoming@example.edu.cn", password=PASSWORD)
    agent = StaffFactory(email="services@example.edu.cn", password=PASSWORD, roles=[Role.AGENT])
    totp_device_for(agent)

    # the learner gives feedback on their phone
    phone = Screen(browser, live_server, PHONE)
    site_log_in(phone, learner)
    phone.goto("/feedback/new/")
    phone.page.get_by_label("反馈类别").select_option(label="学习资源")
    phone.page.get_by_label("您的建议或意见").fill("希望图书馆增加专业书籍的复本。")
    phone.page.get_by_label("证据").set_input_files(
        files=[{"name": "书架.png", "mimeType": "image/png", "buffer": png_image()}]
    )
    phone.click(phone.page.locator("main").get_by_role("button", name="提交反馈"))
    item = FeedbackItem.objects.get()
    assert (item.learner, item.state) == (learner, State.RECEIVED)
    photo = item.attachments.get()
    assert (photo.original_name, photo.content_type) == ("书架.png", "image/png")
    assert phone.page.get_by_role("link", name="书架.png").is_visible()
    assert phone.page.url == f"{live_server.url}/feedback/{item.reference}/"
    assert item.reference in phone.page.locator("main").inner_text()
    width = phone.page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], "the page scrolls sideways on a phone"
    phone.assert_no_error()

    # staff find it in the queue and work it in the admin
    staff = Screen(browser, live_server, DESKTOP)
    staff.goto("/admin/")
    admin_log_in(staff, agent)
    staff.goto("/admin/feedback/feedbackitem/")
    staff.click(staff.page.get_by_role("link", name=item.reference))
    assert staff.page.locator(".workspace-evidence").get_by_role("link", name="书架.png").is_visible()
    staff.click(move(staff, "accept").get_by_role("button", name="审核通过并受理"))
    item.refresh_from_db()
    assert (item.state, item.owner) == (State.ACCEPTED, agent)
    assert item.reference in success_message(staff)
    staff.assert_no_error()

    plan = move(staff, "plan")
    plan.get_by_label("方案负责人").select_option(label=agent.display_name)
    plan.get_by_label("计划措施").fill("图书馆下月采购三十种专业书籍复本。")
    plan.get_by_label("完成期限").fill("2099-12-31")
    staff.click(plan.get_by_role("button", name="制定处理方案"))
    item.refresh_from_db()
    assert item.state == State.PLANNED and item.plan_owner == agent
    staff.assert_no_error()

    move(staff, "notify_result").get_by_label("告知学员的处理结果").fill("新书已上架，可在图书馆借阅。")
    staff.click(move(staff, "notify_result").get_by_role("button", name="告知处理结果"))
    item.refresh_from_db()
    assert item.state == State.RESULT_NOTIFIED
    assert Notification.objects.filter(recipient=learner, kind="feedback_result", channel="in_app").exists()
    staff.assert_no_error()

    # the learner reads the result and rates the handling
    phone.goto(f"/feedback/{item.reference}/")
    assert "新书已上架" in phone.page.locator("main").inner_text()
    phone.page.get_by_label("4", exact=True).check()
    phone.page.get_by_label("评语").fill("很及时，谢谢。")
    phone.click(phone.page.get_by_role("button", name="提交评价"))
    item.refresh_from_db()
    assert (item.state, item.rating, item.rating_comment) == (State.RATED, 4, "很及时，谢谢。")
    phone.assert_no_error()
