"""End to end in headless Chromium at a phone's size: a learner opens the help centre from the navigation,
searches 退费, opens the refund article and says it helped; on the complaint form, choosing the fees
category lists the refund article before they send anything. After every step the database says what
happened."""

import pytest

from accounts.tests.factories import LearnerFactory
from complaints.models import Category, Complaint
from helpcentre.models import HelpfulVote
from helpcentre.tests.factories import ArticleFactory

from .test_browser_admin_lifecycle import PASSWORD, PHONE, Screen, site_log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def refund_article():
    article = ArticleFactory(
        published=True,
        slug="refund-policy",
        draft_title="退费政策：什么情况可以退费",
        draft_body="报名后七天内且尚未开课的，可以申请全额退费。",
    )
    article.categories.add(Category.objects.get(code="fees_refunds"))
    ArticleFactory(published=True, slug="contract", draft_title="报名须知", draft_body="请先阅读退费规则。")
    ArticleFactory(slug="draft", draft_title="退费草稿")
    return article


def test_a_learner_searches_opens_the_refund_article_and_votes_helpful(browser, live_server):
    learner = LearnerFactory(email="xiaoming@example.edu.cn", password=PASSWORD)
    article = refund_article()
    phone = Screen(browser, live_server, PHONE)
    site_log_in(phone, learner)

    phone.click(phone.page.locator(".site-nav").get_by_role("link", name="帮助中心"))
    assert phone.page.url == f"{live_server.url}/help/"
    assert phone.page.locator(".help-section-card h2").all_inner_texts() == [
        "使用指南",
        "常见问题",
        "权益知识",
        "选课建议",
    ]
    assert phone.page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    phone.page.get_by_label("搜索帮助中心").fill("退费")
    phone.click(phone.page.locator("main").get_by_role("button", name="查找"))
    results = phone.page.locator(".help-result-title")
    assert results.all_inner_texts() == ["退费政策：什么情况可以退费", "报名须知"]
    assert phone.page.locator(".help-snippet mark").first.inner_text() == "退费"
    assert phone.page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    phone.click(results.first.get_by_role("link"))
    assert phone.page.url == f"{live_server.url}/help/faq/refund-policy/"
    assert "可以申请全额退费" in phone.page.locator(".help-body").inner_text()
    article.refresh_from_db()
    assert article.read_count == 1

    phone.page.get_by_role("radio", name="有帮助", exact=True).check()
    phone.page.get_by_role("combobox", name="原因").select_option("solved")
    phone.click(phone.page.get_by_role("button", name="提交评价"))
    vote = HelpfulVote.objects.get()
    assert (vote.article, vote.voter, vote.is_helpful, vote.reason) == (article, learner, True, "solved")
    article.refresh_from_db()
    assert (article.helpful_count, article.unhelpful_count) == (1, 0)
    assert "谢谢您的反馈" in phone.page.locator(".messages").inner_text()
    assert phone.page.get_by_role("button", name="提交评价").count() == 0
    width = phone.page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], "the page scrolls sideways on a phone"
    phone.assert_no_error()


def test_the_complaint_form_lists_the_chosen_categorys_articles(browser, live_server):
    learner = LearnerFactory(email="xiaohong@example.edu.cn", password=PASSWORD)
    refund_article()
    phone = Screen(browser, live_server, PHONE)
    site_log_in(phone, learner)
    phone.goto("/complaints/new/")
    panel = phone.page.locator("[data-context-help]")
    assert panel.is_hidden()
    phone.page.get_by_label("投诉类别").select_option(label="收费与退费")
    panel.get_by_role("link", name="退费政策：什么情况可以退费").wait_for()
    assert panel.locator("li").count() == 1  # the draft tied to no category, never listed
    phone.page.get_by_label("投诉类别").select_option(label="教学质量")
    panel.wait_for(state="hidden")
    assert not Complaint.objects.exists()
    phone.assert_no_error()
