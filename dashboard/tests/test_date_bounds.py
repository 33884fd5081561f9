"""Days outside the calendar the figures can reach (year 1, year 9999) get an error at their field, on the
page, the CSV, the API and the reports form, and no report is started or queued for them."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.roles import Role
from accounts.tests.factories import StaffFactory
from dashboard.models import ReportRun

pytestmark = pytest.mark.django_db

MESSAGE = "请选择 2000-01-01 至 2100-12-31 之间的日期。"
EDGES = {
    "year-1": ({"date_from": "0001-01-01", "date_to": "0001-01-31"}, "date_from"),
    "year-9999": ({"date_from": "9999-12-01", "date_to": "9999-12-31"}, "date_from"),
    "to-in-year-9999": ({"date_from": "2026-03-01", "date_to": "9999-12-31"}, "date_to"),
    "day-before-2000": ({"date_from": "1999-12-31", "date_to": "2000-01-31"}, "date_from"),
    "day-after-2100": ({"date_from": "2100-12-01", "date_to": "2101-01-01"}, "date_to"),
}


@pytest.fixture
def manager() -> Client:
    client = Client()
    client.force_login(StaffFactory(roles=[Role.MANAGER]))
    return client


@pytest.mark.parametrize(("dates", "field"), EDGES.values(), ids=EDGES.keys())
def test_the_dashboard_page_and_the_csv_refuse_the_day_at_its_field(manager, dates, field):
    page = manager.get(reverse("dashboard:page"), {"period": "custom", **dates})
    export = manager.get(reverse("dashboard:complaints-csv"), {"period": "custom", **dates})

    assert page.status_code == 400
    assert page.context["form"].errors[field] == [MESSAGE]
    assert page.context["figures"] is None
    assert export.status_code == 400


@pytest.mark.parametrize(("dates", "field"), EDGES.values(), ids=EDGES.keys())
def test_the_api_refuses_the_day_at_its_field(manager, dates, field):
    query = {"from": dates["date_from"], "to": dates["date_to"]}

    response = manager.get(reverse("reports-summary"), query)

    assert response.status_code == 400
    assert response.json()[{"date_from": "from", "date_to": "to"}[field]] == [MESSAGE]


@pytest.mark.parametrize(("dates", "field"), EDGES.values(), ids=EDGES.keys())
def test_no_report_is_started_or_queued_for_such_a_day(
    manager, django_capture_on_commit_callbacks, dates, field
):
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = manager.post(reverse("dashboard:reports"), {"period": "custom", **dates})

    assert response.status_code == 400
    assert response.context["form"].errors[field] == [MESSAGE]
    assert queued == []
    assert not ReportRun.objects.exists()


@pytest.mark.parametrize(
    "dates",
    [
        {"date_from": "2000-01-01", "date_to": "2000-12-31"},
        {"date_from": "2100-01-01", "date_to": "2100-12-31"},
    ],
    ids=["first-year", "last-year"],
)
def test_the_first_and_last_days_allowed_give_figures_and_start_a_report(
    manager, django_capture_on_commit_callbacks, dates
):
    page = manager.get(reverse("dashboard:page"), {"period": "custom", **dates})
    api = manager.get(reverse("reports-summary"), {"from": dates["date_from"], "to": dates["date_to"]})
    with django_capture_on_commit_callbacks(execute=False) as queued:
        report = manager.post(reverse("dashboard:reports"), {"period": "custom", **dates})

    assert (page.status_code, api.status_code, report.status_code) == (200, 200, 302)
    assert api.json()["period"] == {"from": dates["date_from"], "to": dates["date_to"]}
    assert len(queued) == 1
    run = ReportRun.objects.get()
    assert [run.period_first.isoformat(), run.period_last.isoformat()] == list(dates.values())
