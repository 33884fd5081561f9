"""A clock that runs into a year the installed official calendar does not cover (2027) counts it by weekday
office hours plus the institution's own dates, and the admin and /healthz say so."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from accounts.tests.factories import UserFactory
from sla.business_calendar import add_working_days, official_calendar_covers, official_calendar_years
from sla.models import CalendarDate
from sla.tests.factories import WorkCalendarFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")
FILED = datetime.datetime(2026, 12, 30, 10, tzinfo=SHANGHAI)  # a Wednesday


def test_the_installed_calendar_ends_in_2026():
    assert official_calendar_years()[1] == 2026
    assert official_calendar_covers(2026) and not official_calendar_covers(2027)


@pytest.mark.django_db
def test_a_clock_crossing_into_2027_counts_weekdays_and_the_institutions_own_dates():
    calendar = WorkCalendarFactory(office_hours=True)
    # 12-31 (official), then 2027 by weekdays: 01-01 Fri, 01-04 Mon, 01-05, 01-06
    assert add_working_days(FILED, 5, calendar.as_business_calendar()) == datetime.datetime(
        2027, 1, 6, 10, tzinfo=SHANGHAI
    )

    assert add_working_days(FILED, 2, calendar.as_business_calendar()) == datetime.datetime(
        2027, 1, 1, 10, tzinfo=SHANGHAI
    )

    # staff enter the 2027 New Year holiday and a make-up Saturday on the calendar
    CalendarDate.objects.create(
        calendar=calendar, date=datetime.date(2027, 1, 1), kind=CalendarDate.Kind.CLOSED
    )
    CalendarDate.objects.create(
        calendar=calendar, date=datetime.date(2027, 1, 2), kind=CalendarDate.Kind.WORKING
    )
    entered = calendar.as_business_calendar()
    # 12-31, 01-02 (working Saturday), 01-04, 01-05, 01-06
    assert add_working_days(FILED, 5, entered) == datetime.datetime(2027, 1, 6, 10, tzinfo=SHANGHAI)
    assert add_working_days(FILED, 2, entered) == datetime.datetime(2027, 1, 2, 10, tzinfo=SHANGHAI)
    assert not entered.is_working_day(datetime.date(2027, 1, 1))
    # a weekend stays closed where nothing was entered
    assert not entered.is_working_day(datetime.date(2027, 1, 3))


@pytest.mark.django_db
def test_the_admins_calendar_pages_say_which_years_are_covered(client):
    calendar = WorkCalendarFactory(office_hours=True)
    with time_machine.travel(FILED, tick=False):
        client.force_login(UserFactory(is_staff=True, is_superuser=True))
        response = client.get(f"/admin/sla/workcalendar/{calendar.pk}/change/")
        assert response.status_code == 200, response
        change = response.content.decode()
        listing = client.get("/admin/sla/workcalendar/").content.decode()
    for page in (change, listing):
        assert "2004–2026" in page
        assert "2027" in page


@pytest.mark.django_db
def test_the_admin_says_nothing_of_2027_early_in_2026(client):
    with time_machine.travel(datetime.datetime(2026, 3, 2, 10, tzinfo=SHANGHAI), tick=False):
        client.force_login(UserFactory(is_staff=True, is_superuser=True))
        listing = client.get("/admin/sla/workcalendar/").content.decode()
    assert "2004–2026" in listing
    assert "2027" not in listing


@pytest.mark.django_db
def test_healthz_details_the_uncovered_year_without_changing_the_status(client):
    with time_machine.travel(FILED, tick=False):
        body = client.get("/healthz").json()
    assert "2004–2026" in body["detail"]["official_calendar"]
    assert "no holidays for 2027" in body["detail"]["official_calendar"]


@pytest.mark.django_db
def test_a_working_days_target_of_part_of_a_day_is_refused_at_its_field_and_nothing_changes(client):
    from sla.models import SlaPolicy, TargetUnit

    policy = SlaPolicy.objects.get(severity="general", is_urgent=False, subject_type=None)
    assert policy.resolve_unit == TargetUnit.WORKING_DAYS  # today's "7 d" means seven working days
    assert policy.first_response_unit == TargetUnit.BUSINESS_HOURS
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    page = client.get(f"/admin/sla/slapolicy/{policy.pk}/change/")
    form = page.context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data.update({"resolve_within": "1 12:00:00", "resolve_unit": TargetUnit.WORKING_DAYS})
    data = {
        key: ("on" if value is True else value) for key, value in data.items() if value not in (None, False)
    }

    response = client.post(f"/admin/sla/slapolicy/{policy.pk}/change/", data)

    assert response.status_code == 200
    assert "resolve_within" in response.context["adminform"].form.errors
    policy.refresh_from_db()
    assert policy.resolve_within == datetime.timedelta(days=7)
