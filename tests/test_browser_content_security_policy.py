"""In headless Chromium, the Content-Security-Policy blocks nothing the site itself serves: the learner's
pages, the admin queue, a complaint's workspace, the dashboard and the API docs run with no inline script or
style, every asset from the site. The policy is really enforced: a script injected into a page is refused."""

import pytest
from django.conf import settings
from django.test import Client

from accounts.roles import Role
from accounts.tests.factories import LearnerFactory, StaffFactory
from complaints.models import Category
from complaints.services import complaint_file

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Every violation a page reports, whether the browser prints it or fires its DOM event.
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.reportCspViolation(
    `${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`
  );
});
"""


class PolicyWatch:
    """One person's browser, logged in by session cookie, that records every CSP violation of every page."""

    def __init__(self, browser, live_server, user):
        client = Client()
        client.force_login(user)
        self.live_server = live_server
        self.context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
        self.context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                    "url": live_server.url,
                }
            ]
        )
        self.violations: list[str] = []
        self.context.expose_function("reportCspViolation", lambda text: self.violations.append(text))
        self.context.add_init_script(REPORT_VIOLATIONS)
        self.page = self.context.new_page()
        self.page.set_default_timeout(15_000)
        self.page.on(
            "console",
            lambda message: (
                "Content Security Policy" in message.text and self.violations.append(message.text)
            ),
        )

    def visit(self, path: str) -> None:
        response = self.page.goto(f"{self.live_server.url}{path}")
        assert response.status == 200, path
        assert "default-src 'self'" in response.headers["content-security-policy"]
        self.page.wait_for_load_state("networkidle")


def test_no_page_breaks_the_policy_and_an_injected_script_is_refused(browser, live_server):
    # given a learner's complaint, the agent of its department and a manager
    category = Category.objects.get(code="service")
    learner = LearnerFactory()
    agent = StaffFactory(department=category.default_department, roles=[Role.AGENT])
    manager = StaffFactory(roles=[Role.MANAGER])
    complaint = complaint_file(
        actor=learner,
        complainant=learner,
        category=category,
        title="课程视频无法播放",
        description="第三章的视频一直加载失败。",
    )

    # when the learner walks through their pages
    learner_browser = PolicyWatch(browser, live_server, learner)
    for path in (
        "/",
        "/complaints/",
        "/complaints/new/",
        f"/complaints/{complaint.reference}/",
        "/accounts/me/",
        "/privacy/my-data/",
        "/notifications/",
    ):
        learner_browser.visit(path)
    # then nothing was blocked
    assert learner_browser.violations == []

    # when the agent works the queue and the complaint's workspace, and reads the API docs
    staff_browser = PolicyWatch(browser, live_server, agent)
    for path in (
        "/admin/",
        "/admin/complaints/complaint/",
        f"/admin/complaints/complaint/{complaint.pk}/change/",
        "/api/v1/docs/",
    ):
        staff_browser.visit(path)
    assert staff_browser.page.locator(".swagger-ui .info").count() == 1  # the docs' script did run
    assert staff_browser.violations == []

    # when the manager reads the dashboard and the reports
    manager_browser = PolicyWatch(browser, live_server, manager)
    for path in ("/dashboard/", "/dashboard/reports/"):
        manager_browser.visit(path)
    assert manager_browser.violations == []

    # and a script written into a page is refused, and reported
    manager_browser.page.evaluate(
        """() => {
          const script = document.createElement("script");
          script.textContent = "document.body.dataset.injected = 'ran';";
          document.body.append(script);
        }"""
    )
    manager_browser.page.wait_for_timeout(200)
    assert manager_browser.page.evaluate("document.body.dataset.injected") is None
    assert any("script-src" in violation for violation in manager_browser.violations)
