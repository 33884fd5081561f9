"""axe-core over every page a learner, a member of staff and a manager use: no serious or critical violation.

axe-core comes from npm (package.json, pinned in package-lock.json) and is read from node_modules by this test
only: it is never served to users. A failure names each rule, its help page and the nodes that break it.
"""

from pathlib import Path

import pytest

from accounts.roles import Role
from accounts.tests.factories import LearnerFactory, StaffFactory
from accounts.tests.second_factor import browser_second_factor, staff_device_ready
from complaints.models import Category
from complaints.services import (
    complaint_acknowledge,
    complaint_file,
    complaint_request_information,
    complaint_start_investigation,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"
PASSWORD = "a-long-enough-password"
BLOCKING = ("serious", "critical")
# axe's defaults, plus WCAG 2.2's target size (24 × 24 px, or that much room around), which axe leaves off.
AXE_OPTIONS = {"resultTypes": ["violations"], "rules": {"target-size": {"enabled": True}}}


def log_in(page, live_server, email: str) -> None:
    """Log in with the password, and staff with their authenticator app's code too."""
    device = staff_device_ready(email)
    page.goto(f"{live_server.url}/accounts/log-in/")
    page.get_by_label("电子邮箱").fill(email)
    page.get_by_label("密码").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="登录").click()
    browser_second_factor(page, device)
    page.wait_for_url(f"{live_server.url}/")


def blocking_violations(page, live_server, path: str) -> list[str]:
    """Open the page, run axe over it and describe each serious or critical violation, node by node."""
    response = page.goto(f"{live_server.url}{path}")
    assert response.ok, f"{path} answered {response.status}"
    page.wait_for_load_state("networkidle")
    # Run in the page by the browser's driver, not as a <script> element, which the site's
    # Content-Security-Policy refuses as it would any script the site did not serve.
    page.evaluate(AXE.read_text(encoding="utf-8"))
    run_axe = "async (options) => (await axe.run(document, options)).violations"
    violations = page.evaluate(run_axe, AXE_OPTIONS)
    found = []
    for violation in violations:
        if violation["impact"] not in BLOCKING:
            continue
        for node in violation["nodes"]:
            rule = f"{violation['id']} ({violation['impact']}) {violation['help']} <{violation['helpUrl']}>"
            summary = node["failureSummary"].replace("\n", " ")
            found.append(f"{path}: {rule}\n    {' '.join(node['target'])}: {summary}")
    return found


def assert_accessible(page, live_server, paths: list[str]) -> None:
    found = [line for path in paths for line in blocking_violations(page, live_server, path)]
    print("\n".join(found))
    assert not found, f"{len(found)} serious or critical nodes:\n" + "\n".join(found)


@pytest.fixture
def complaint(db):
    """A learner's complaint that an agent has acknowledged and asked a question about."""
    category = Category.objects.get(code="service")
    learner = LearnerFactory(email="xiaoming@example.edu.cn", password=PASSWORD)
    agent = StaffFactory(
        email="agent@example.edu.cn",
        password=PASSWORD,
        department=category.default_department,
        roles=[Role.AGENT],
    )
    filed = complaint_file(
        actor=learner,
        complainant=learner,
        category=category,
        title="客服电话一直占线",
        description="连续两天拨打客服热线都无人接听。",
    )
    filed = complaint_acknowledge(complaint=filed, actor=agent)
    filed = complaint_start_investigation(complaint=filed, actor=agent)
    return complaint_request_information(complaint=filed, question="请告诉我们拨打的时间。", actor=agent)


def test_the_pages_for_visitors_have_no_serious_violations(page, live_server):
    assert_accessible(page, live_server, ["/", "/accounts/log-in/", "/accounts/sign-up/"])


def test_the_learners_pages_have_no_serious_violations(page, live_server, complaint):
    log_in(page, live_server, complaint.complainant.email)
    paths = [
        "/",
        "/complaints/",
        "/complaints/new/",
        f"/complaints/{complaint.reference}/",
        "/privacy/my-data/",
        "/notifications/preferences/",
    ]
    assert_accessible(page, live_server, paths)


def test_the_staff_queue_and_workspace_have_no_serious_violations(page, live_server, complaint):
    for number in range(12):
        complaint_file(
            actor=complaint.complainant,
            complainant=complaint.complainant,
            category=complaint.category,
            title=f"第 {number + 1} 个问题",
            description="经过。",
        )
    page.set_viewport_size({"width": 1280, "height": 800})
    log_in(page, live_server, complaint.owner.email)
    paths = ["/admin/complaints/complaint/", f"/admin/complaints/complaint/{complaint.pk}/change/"]
    assert_accessible(page, live_server, paths)


def test_the_dashboard_has_no_serious_violations(page, live_server, complaint):
    StaffFactory(email="manager@example.edu.cn", password=PASSWORD, roles=[Role.MANAGER])
    log_in(page, live_server, "manager@example.edu.cn")
    assert_accessible(page, live_server, ["/dashboard/"])


def test_an_invalid_text_input_is_outlined_in_red_and_a_valid_one_is_not(page, live_server):
    # given a sign-up with a bad e-mail address and a good name
    page.goto(f"{live_server.url}/accounts/sign-up/")
    page.get_by_label("姓名").fill("陈同学")
    page.get_by_label("电子邮箱").fill("not-an-address")
    page.get_by_role("button", name="创建账户").click()
    page.wait_for_load_state()

    # then the e-mail box has the error colour, 2 px wide, and its errors are what it is described by
    def border(selector: str) -> list[str]:
        return page.eval_on_selector(
            selector, "e => [getComputedStyle(e).borderTopColor, getComputedStyle(e).borderTopWidth]"
        )

    assert border("#id_email") == ["rgb(179, 38, 30)", "2px"]
    assert page.locator("#id_email").get_attribute("aria-describedby") == "id_email_helptext id_email_error"
    assert page.locator("#id_email_error").is_visible()
    # and the name, which was fine, keeps the plain border
    assert border("#id_display_name") == ["rgb(138, 148, 166)", "1px"]
