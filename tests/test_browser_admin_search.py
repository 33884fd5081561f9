"""End to end in headless Chromium: an agent searches the queue by a learner's mobile number through the
page's own search box and finds the complaint; the number is never in an address the browser asks for or
shows; the learner then reads on their "My data" page that the agent found them by a search."""

import re
from urllib.parse import unquote, urlsplit

import pytest
from django.conf import settings
from django.test import Client

from accounts.roles import Role
from accounts.tests.factories import LearnerFactory, StaffFactory
from complaints.models import Category
from complaints.tests.factories import ComplaintFactory
from privacy.models import AccessLogEntry

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MOBILE = "13812345678"


def signed_in_context(browser, live_server, user):
    """A browser context holding the session of ``user``, logged in by the test client (not by typing)."""
    client = Client()
    client.force_login(user)
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    return context


def test_an_agent_finds_a_complaint_by_mobile_number_and_the_learner_sees_that_read(browser, live_server):
    category = Category.objects.get(code="service")
    agent = StaffFactory(display_name="客服小周", department=category.default_department, roles=[Role.AGENT])
    learner = LearnerFactory(display_name="陈静怡", mobile=MOBILE)
    wanted = ComplaintFactory(category=category, complainant=learner, title="直播课频繁卡顿")
    other = ComplaintFactory(category=category, title="退费迟迟未到账")

    # the agent opens the queue
    context = signed_in_context(browser, live_server, agent)
    page = context.new_page()
    page.set_default_timeout(15_000)
    asked = []
    page.on("request", lambda request: asked.append(request.url))
    page.goto(f"{live_server.url}/admin/complaints/complaint/")
    assert other.reference in page.locator("#result_list").inner_text()

    # and searches it by the number the caller gives, written as people say it
    page.get_by_label("查找", exact=True).fill("138 1234 5678")
    with page.expect_navigation():
        page.locator("#changelist-search").get_by_role("button", name="查找").click()
    page.wait_for_url(re.compile(r"/admin/complaints/complaint/\?search="))

    # the complaint is found, and only it
    results = page.locator("#result_list tbody tr")
    assert results.count() == 1
    assert wanted.reference in results.inner_text() and "直播课频繁卡顿" in results.inner_text()
    # the number is in no address the browser asked for, nor in the one it shows
    addresses = [unquote(urlsplit(url).path + "?" + urlsplit(url).query) for url in asked]
    assert addresses and not [address for address in addresses if "5678" in address or "q=" in address]
    assert "5678" not in unquote(page.url)
    assert "5678" not in unquote(page.evaluate("window.location.href"))
    # the page's own links carry the search's token, not the number
    hrefs = page.locator("a[href]").evaluate_all("links => links.map(link => link.getAttribute('href'))")
    assert hrefs and not [href for href in hrefs if "5678" in unquote(href)]
    context.close()

    # the queue's first page showed the complaint, the search found it: one row each
    reads = AccessLogEntry.objects.filter(actor=agent, subject=learner).order_by("created_at", "id")
    assert [(entry.kind, entry.object_id) for entry in reads] == [
        ("list", str(wanted.pk)),
        ("search", str(wanted.pk)),
    ]

    # the learner reads who read their data
    context = signed_in_context(browser, live_server, learner)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/privacy/my-data/")
    rows = page.locator("section[aria-labelledby=access-title] tbody tr").filter(has_text="客服小周")
    assert rows.count() == 2
    row = rows.filter(has_text="通过搜索找到")
    assert rows.filter(has_text="在列表中看到").count() == 1
    # who, what kind of record, how and through what, in words
    cells = [cell.strip() for cell in row.locator("td").all_inner_texts()]
    assert cells[1:3] == ["客服小周", "投诉"]
    assert cells[4:] == ["通过搜索找到", "工作台"]
    assert "5678" not in page.locator("section[aria-labelledby=access-title]").inner_text()
    context.close()
