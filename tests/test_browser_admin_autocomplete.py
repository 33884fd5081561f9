"""End to end in headless Chromium: a member of staff adding a guardianship types part of a learner's name
into the learner field's autocomplete and picks them from the choices; the name typed is in no address the
browser asks for, as the autocomplete asks by POST; the learner's read is logged."""

from urllib.parse import unquote

import pytest
from django.contrib.auth.models import Permission
from playwright.sync_api import expect

from accounts.models import User
from accounts.roles import Role
from accounts.tests.factories import LearnerFactory, StaffFactory
from privacy.models import AccessLogEntry

from .test_browser_admin_search import signed_in_context

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TYPED = "静怡"


def test_the_learner_autocomplete_finds_a_learner_without_the_name_in_any_address(browser, live_server):
    clerk = StaffFactory(display_name="档案员小吴", roles=[Role.SUPERVISOR])
    clerk.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_user", "view_guardianship", "add_guardianship"])
    )
    clerk = User.objects.get(pk=clerk.pk)
    learner = LearnerFactory(display_name="陈静怡")
    LearnerFactory(display_name="李雷")

    # the clerk opens the guardianship add page
    context = signed_in_context(browser, live_server, clerk)
    page = context.new_page()
    page.set_default_timeout(15_000)
    asked = []
    page.on("request", lambda request: asked.append((request.method, request.url, request.post_data or "")))
    page.goto(f"{live_server.url}/admin/accounts/guardianship/add/")

    # and types part of the learner's name into the learner field's autocomplete
    page.locator(".field-learner .select2-selection").click()
    search = page.locator(".select2-container--open .select2-search__field")
    search.press_sequentially(TYPED, delay=50)

    # the learner is offered, and only they (once the answer to what was typed has come)
    expect(page.locator(".select2-results__option")).to_have_text([str(learner)])
    page.locator(".select2-results__option", has_text="陈静怡").click()
    assert page.locator("#id_learner").input_value() == str(learner.pk)

    # the name was asked for in a POST's body, and is in no address the browser asked for
    autocomplete = [(method, body) for method, url, body in asked if "/admin/autocomplete/" in url]
    assert autocomplete and {method for method, _body in autocomplete} == {"POST"}
    assert any(TYPED in unquote(body) for _method, body in autocomplete)
    addresses = [unquote(url) for _method, url, _body in asked]
    assert addresses and not [address for address in addresses if TYPED in address or "term=" in address]
    context.close()

    # and the clerk's read of the learner found by the search is logged
    assert AccessLogEntry.objects.filter(
        actor=clerk, subject=learner, kind="search", screen="admin:autocomplete:accounts_user"
    ).exists()
