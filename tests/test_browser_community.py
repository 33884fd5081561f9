"""End to end in headless Chromium: a learner posts in the rights board at a phone's size, another learner
reports a rude reply, and a moderator (logging in to the admin with the second factor) hides it by clicking
the real buttons of the moderation queue; the reply is then gone from the thread page."""

import pytest

from accounts.roles import Role
from accounts.tests.factories import LearnerFactory, StaffFactory
from accounts.tests.second_factor import totp_device_for
from community import services
from community.models import Post, Reply, Report

from .test_browser_admin_lifecycle import (
    DESKTOP,
    PASSWORD,
    PHONE,
    Screen,
    admin_log_in,
    site_log_in,
    success_message,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RUDE = "你们这些人就是活该被骗，别在这里哭了。"


def test_a_learner_posts_another_reports_a_reply_and_a_moderator_hides_it(browser, live_server):
    author = LearnerFactory(email="xiaohong@example.edu.cn", password=PASSWORD)
    reporter = LearnerFactory(email="xiaoming@example.edu.cn", password=PASSWORD)
    rude = LearnerFactory(email="rude@example.edu.cn", password=PASSWORD)
    moderator = StaffFactory(email="moderator@example.edu.cn", password=PASSWORD, roles=[Role.SUPERVISOR])
    totp_device_for(moderator)

    # the author posts in the rights board on their phone; their mobile number is masked before storing
    phone = Screen(browser, live_server, PHONE)
    site_log_in(phone, author)
    phone.goto("/community/")
    phone.click(phone.page.get_by_role("link", name="权益讨论"))
    phone.click(phone.page.get_by_role("link", name="发新帖"))
    phone.page.get_by_label("标题").fill("退费被扣 30% 手续费合理吗？")
    phone.page.get_by_label("正文").fill("报名一周内申请退费，被要求扣手续费。我的电话 13812345678。")
    phone.click(phone.page.get_by_role("button", name="发布"))
    post = Post.objects.get()
    assert post.board.slug == "rights" and "13812345678" not in post.body and "138****5678" in post.body
    assert phone.page.url == f"{live_server.url}/community/rights/{post.pk}/"
    assert phone.page.get_by_role("link", name="将此帖转为投诉").is_visible()
    assert phone.page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    phone.assert_no_error()

    reply = services.reply_create(actor=rude, post=post, body=RUDE)

    # another learner reports the rude reply from the thread page
    other = Screen(browser, live_server, PHONE)
    site_log_in(other, reporter)
    other.goto(f"/community/rights/{post.pk}/")
    assert RUDE in other.page.locator(f"#reply-{reply.pk}").inner_text()
    form = other.page.locator(f"#report-reply-{reply.pk}")
    other.page.locator(f"#reply-{reply.pk} summary").click()
    form.get_by_label("举报原因").select_option(label="侮辱或骚扰")
    form.get_by_label("详细说明（选填）").fill("回复带有侮辱性字眼。")
    other.click(form.get_by_role("button", name="提交举报"))
    report = Report.objects.get()
    assert (report.reply, report.reporter, report.state) == (reply, reporter, Report.State.OPEN)
    other.assert_no_error()

    # the moderator logs in to the admin with the second factor and hides it from the queue
    staff = Screen(browser, live_server, DESKTOP)
    staff.goto("/admin/")
    admin_log_in(staff, moderator)
    staff.click(staff.page.locator('#content-main a[href="/admin/community/report/"]').first)
    staff.click(staff.page.get_by_role("link", name=RUDE))
    hide = staff.page.locator("#move-hide")
    hide.get_by_label("作者将看到的理由").fill("回复含侮辱性言论，违反社区规则。")
    staff.click(hide.get_by_role("button", name="隐藏该内容"))
    assert "内容已隐藏" in success_message(staff)
    assert Reply.objects.get(pk=reply.pk).is_hidden
    assert Report.objects.get().state == Report.State.ACTED
    staff.assert_no_error()

    # the reply is gone from the thread page
    other.goto(f"/community/rights/{post.pk}/")
    assert other.page.locator(f"#reply-{reply.pk}").count() == 0
    assert RUDE not in other.page.content()
    other.assert_no_error()
