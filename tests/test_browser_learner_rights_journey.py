"""End to end in headless Chromium, one learner's whole path at a phone's size: they search the help centre
for 退费, read the refund article, find the community's discussion of it in the same results, post their own
question in the rights board, report a rude reply to it, and a moderator hides the reply by clicking the real
buttons of the admin's moderation queue; the reply is then gone from the thread, and the help centre's search
still finds the article and the learner's post. After every step the database says what happened."""

import pytest

from accounts.roles import Role
from accounts.tests.factories import LearnerFactory, StaffFactory
from accounts.tests.second_factor import totp_device_for
from community import services
from community.models import Board, Post, Reply, Report

from .test_browser_admin_lifecycle import (
    DESKTOP,
    PASSWORD,
    PHONE,
    Screen,
    admin_log_in,
    site_log_in,
    success_message,
)
from .test_browser_helpcentre import refund_article

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RUDE = "问这种问题真是丢人，自己不看合同怪谁。"
TITLE = "退费被扣手续费，合理吗？"


def test_a_learner_searches_reads_posts_reports_and_a_moderator_hides_the_reply(browser, live_server):
    learner = LearnerFactory(email="xiaohong@example.edu.cn", password=PASSWORD)
    rude = LearnerFactory(email="rude@example.edu.cn", password=PASSWORD)
    moderator = StaffFactory(email="moderator@example.edu.cn", password=PASSWORD, roles=[Role.SUPERVISOR])
    totp_device_for(moderator)
    refund_article()
    earlier = services.post_create(
        actor=LearnerFactory(),
        board=Board.objects.get(slug="rights"),
        title="我的退费经历",
        body="开课前申请，一周就退回来了。",
    )

    # the learner searches the help centre for 退费: the articles first, then the community's discussion
    phone = Screen(browser, live_server, PHONE)
    site_log_in(phone, learner)
    phone.click(phone.page.locator(".site-nav").get_by_role("link", name="帮助中心"))
    phone.page.get_by_label("搜索帮助中心").fill("退费")
    phone.click(phone.page.locator("main").get_by_role("button", name="查找"))
    results = phone.page.locator(".help-result-title")
    assert results.all_inner_texts() == ["退费政策：什么情况可以退费", "报名须知", earlier.title]
    assert "社区帖子" in phone.page.locator(".help-result").nth(2).inner_text()
    assert phone.page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    phone.assert_no_error()

    # they read the refund article
    phone.click(results.first.get_by_role("link"))
    assert phone.page.url == f"{live_server.url}/help/faq/refund-policy/"
    assert "可以申请全额退费" in phone.page.locator(".help-body").inner_text()
    phone.assert_no_error()

    # and post their own question in the rights board
    phone.goto("/community/")
    phone.click(phone.page.get_by_role("link", name="权益讨论"))
    phone.click(phone.page.get_by_role("link", name="发新帖"))
    phone.page.get_by_label("标题").fill(TITLE)
    phone.page.get_by_label("正文").fill("报名第三天申请退费，机构说要扣 30% 手续费。")
    phone.click(phone.page.get_by_role("button", name="发布"))
    post = Post.objects.get(author=learner)
    assert (post.board.slug, post.title, post.is_hidden) == ("rights", TITLE, False)
    assert phone.page.url == f"{live_server.url}/community/rights/{post.pk}/"
    assert phone.page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    phone.assert_no_error()

    # someone answers rudely; the learner reports the reply from their thread
    reply = services.reply_create(actor=rude, post=post, body=RUDE)
    phone.goto(f"/community/rights/{post.pk}/")
    assert RUDE in phone.page.locator(f"#reply-{reply.pk}").inner_text()
    phone.page.locator(f"#reply-{reply.pk} summary").click()
    form = phone.page.locator(f"#report-reply-{reply.pk}")
    form.get_by_label("举报原因").select_option(label="侮辱或骚扰")
    phone.click(form.get_by_role("button", name="提交举报"))
    report = Report.objects.get()
    assert (report.reply, report.reporter, report.state) == (reply, learner, Report.State.OPEN)
    assert not Reply.objects.get(pk=reply.pk).is_hidden  # a report alone hides nothing
    phone.assert_no_error()

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
    assert not Post.objects.get(pk=post.pk).is_hidden  # the thread itself stays
    staff.assert_no_error()

    # the reply is gone from the learner's thread; the search finds the article and both posts
    phone.goto(f"/community/rights/{post.pk}/")
    assert phone.page.locator(f"#reply-{reply.pk}").count() == 0
    assert RUDE not in phone.page.content()
    phone.goto("/help/search/?q=退费")
    assert phone.page.locator(".help-result-title").all_inner_texts() == [
        "退费政策：什么情况可以退费",
        "报名须知",
        TITLE,
        earlier.title,
    ]
    phone.assert_no_error()
