"""End to end in headless Chromium, on a phone-sized page: a verified learner finds a counsellor by their
speciality, holds a time that starts in about 23 hours, confirms it and is told (on the page, in the app and
by an e-mail carrying the session as a calendar file), then cancels with a reason, which so close to the
start is recorded as a no-show (失约). After every click the database says what the click did, and no page
answered an error."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from counseling.models import Appointment, BookingRestriction, NoShowKind, State, WeeklyHours
from counseling.selectors import counsellor_free_slots
from counseling.tests.factories import ClientFactory, CounsellorFactory, SpecialityFactory
from notifications.models import Notification
from notifications.services import notifications_deliver_due

from .test_browser_admin_lifecycle import PASSWORD, PHONE, Screen, site_log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def a_slot_about_23_hours_ahead(counsellor):
    """The first free slot from 22½ hours on: it starts in less than 24 hours, so cancelling it is late."""
    today = timezone.localdate()
    earliest = timezone.now() + datetime.timedelta(hours=22, minutes=30)
    slots = counsellor_free_slots(counsellor=counsellor, first=today, last=today + datetime.timedelta(days=2))
    slot = next(slot for slot in slots if slot.starts_at >= earliest)
    assert slot.starts_at - timezone.now() < datetime.timedelta(hours=23, minutes=31)
    return slot


def test_a_learner_books_on_the_phone_confirms_and_a_late_cancellation_is_a_no_show(browser, live_server):
    anxiety = SpecialityFactory(code="anxiety", name="焦虑情绪", name_en="Anxiety")
    family = SpecialityFactory(code="family", name="家庭关系", name_en="Family")
    # hourly slots around the clock, so that one starts about 23 hours from now whenever the test runs
    counsellor = CounsellorFactory(
        public_name="林咨询师",
        specialities=[anxiety],
        hours=[(day, datetime.time(0), datetime.time(23, 59)) for day in range(7)],
    )
    other = CounsellorFactory(public_name="周咨询师", specialities=[family])
    learner = ClientFactory(email="xiaoming@example.edu.cn", password=PASSWORD)
    slot = a_slot_about_23_hours_ahead(counsellor)
    assert WeeklyHours.objects.filter(counsellor=counsellor).count() == 7

    # the learner finds a counsellor for anxiety
    phone = Screen(browser, live_server, PHONE)
    site_log_in(phone, learner)
    phone.goto("/counselling/")
    phone.page.get_by_label("专长").select_option(label="焦虑情绪")
    phone.click(phone.page.locator("main").get_by_role("button", name="筛选"))
    found = phone.page.locator("main .complaint-list")
    assert found.get_by_role("link", name="林咨询师").is_visible()
    assert found.get_by_role("link", name=other.public_name).count() == 0
    phone.click(found.get_by_role("link", name="林咨询师"))
    assert phone.page.url == f"{live_server.url}/counselling/counsellors/{counsellor.pk}/"
    phone.assert_no_error()

    # holds the time about 23 hours ahead
    slot_form = phone.page.locator(f'form:has(input[name="starts_at"][value="{slot.starts_at.isoformat()}"])')
    phone.click(slot_form.get_by_role("button"))
    appointment = Appointment.objects.get()
    assert (appointment.state, appointment.client, appointment.counsellor) == (
        State.HELD,
        learner,
        counsellor,
    )
    assert appointment.starts_at == slot.starts_at
    assert phone.page.url == f"{live_server.url}/counselling/appointments/{appointment.reference}/"
    assert not Notification.objects.exists(), "a hold tells no one"
    phone.assert_no_error()

    # confirms the hold and sees the confirmation
    phone.click(phone.page.get_by_role("button", name="确认预约"))
    appointment.refresh_from_db()
    assert appointment.state == State.CONFIRMED and appointment.confirmed_at is not None
    main = phone.page.locator("main")
    assert f"您的咨询 {appointment.reference} 已确认" in main.inner_text()
    assert phone.page.locator("#appointment-state").inner_text() == "已确认"
    assert phone.page.get_by_role("button", name="确认预约").count() == 0
    width = phone.page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], "the page scrolls sideways on a phone"
    phone.assert_no_error()

    # the confirmation is in the outbox: in the app, and by e-mail with the session as a calendar file
    confirmed = Notification.objects.filter(recipient=learner, kind="counselling_confirmed")
    assert set(confirmed.values_list("channel", flat=True)) >= {"in_app", "email"}
    assert Notification.objects.filter(recipient=counsellor.user, kind="counselling_booked").exists()
    notifications_deliver_due()
    (to_learner,) = [message for message in mail.outbox if message.to == [learner.email]]
    ((name, calendar, mimetype),) = to_learner.attachments
    assert (name, mimetype) == (f"{appointment.reference}.ics", "text/calendar")
    assert f"DTSTART:{slot.starts_at.astimezone(datetime.UTC):%Y%m%dT%H%M%SZ}" in calendar
    phone.goto("/notifications/")
    assert appointment.reference in phone.page.locator("main").inner_text()
    phone.assert_no_error()

    # cancels with a reason less than 24 hours before: the page warns, and records a no-show
    phone.goto(f"/counselling/appointments/{appointment.reference}/")
    assert "咨询将在 24 小时内开始：现在取消将记为失约" in main.inner_text()
    phone.page.get_by_label("取消原因").fill("临时要加班，来不及赶到。")
    phone.click(phone.page.get_by_role("button", name="取消咨询"))
    appointment.refresh_from_db()
    assert (appointment.state, appointment.no_show_kind) == (State.NO_SHOW, NoShowKind.LATE_CANCELLATION)
    assert appointment.cancellation_reason == "临时要加班，来不及赶到。"
    assert phone.page.locator("#appointment-state").inner_text() == "失约"
    assert "已记为失约" in main.inner_text()
    assert phone.page.get_by_role("button", name="取消咨询").count() == 0, "nothing left to cancel"
    phone.assert_no_error()

    # and nothing else happened: one appointment, the counsellor told, one no-show is no limit yet
    assert Appointment.objects.count() == 1
    assert Notification.objects.filter(recipient=counsellor.user, kind="counselling_cancelled").exists()
    assert Notification.objects.filter(recipient=learner, kind="counselling_no_show").exists()
    assert not BookingRestriction.objects.exists()
    assert not Appointment.objects.filter(counsellor=other).exists()
    # the time is free for others again: a no-show no longer holds the counsellor's time
    phone.goto(f"/counselling/counsellors/{counsellor.pk}/")
    assert phone.page.locator(f'input[value="{slot.starts_at.isoformat()}"]').count() == 1
    phone.assert_no_error()
