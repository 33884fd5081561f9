"""End to end in headless Chromium at a phone's size: a learner finds an on-site rights talk in the
activities, registers for it, and sees it in their registrations; the database says what each click did."""

import pytest

from accounts.tests.factories import LearnerFactory
from activities.models import Registration, RegistrationStatus
from activities.tests.factories import ActivityFactory

from .test_browser_admin_lifecycle import PASSWORD, PHONE, Screen, site_log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_learner_registers_on_a_phone_and_sees_it_in_their_registrations(browser, live_server):
    learner = LearnerFactory(email="xiaozhang@example.edu.cn", password=PASSWORD)
    activity = ActivityFactory(title="校园权益知识讲座：学员个人信息保护", capacity=30)
    phone = Screen(browser, live_server, PHONE)
    site_log_in(phone, learner)

    phone.goto("/activities/")
    card = phone.page.locator(".card", has_text=activity.title)
    phone.click(card.get_by_role("link", name=activity.title))
    assert phone.page.url == f"{live_server.url}/activities/{activity.pk}/"
    assert "30" in phone.page.locator("#places-left").inner_text()

    phone.click(phone.page.locator("#register-button"))
    registration = Registration.objects.get(activity=activity, person=learner)
    assert registration.status == RegistrationStatus.REGISTERED
    assert "29" in phone.page.locator("#places-left").inner_text()
    assert phone.page.locator("#cancel-button").is_visible()

    phone.goto("/activities/mine/")
    mine = phone.page.locator("#my-registrations .card")
    assert mine.count() == 1
    assert activity.title in mine.first.inner_text()
    width = phone.page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], "the page scrolls sideways on a phone"
    phone.assert_no_error()
