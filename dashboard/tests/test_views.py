"""The page, the API and the CSV: who may read them, what they show, and what they cost."""

import csv
import datetime
import io
import re

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from accounts.roles import Role
from accounts.tests.factories import LearnerFactory, StaffFactory
from dashboard.exports import BOM
from dashboard.selectors import figures as figures_module

from .conftest import NOW

pytestmark = pytest.mark.django_db

MARCH_QUERY = {"from": "2026-03-01", "to": "2026-03-31"}
PAGE = reverse("dashboard:page")
CSV_URL = reverse("dashboard:complaints-csv")
API = reverse("reports-summary")


def client_for(role: Role | None) -> Client:
    user = LearnerFactory() if role == Role.LEARNER else StaffFactory(roles=[role])
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (Role.LEARNER, False),
        (Role.AGENT, False),
        (Role.SUPERVISOR, False),
        (Role.MANAGER, True),
        (Role.LEADERSHIP, True),
    ],
)
@pytest.mark.parametrize("url", [PAGE, CSV_URL, API])
def test_only_managers_and_leadership_read_the_figures(story, role, allowed, url):
    with time_machine.travel(NOW, tick=False):
        response = client_for(role).get(url, MARCH_QUERY)
    if allowed:
        assert response.status_code == 200
    else:
        assert response.status_code == 403
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert story.c.reference.encode() not in body
        assert b"50.0" not in body


def test_an_anonymous_visitor_is_sent_to_log_in():
    response = Client().get(PAGE)
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_the_page_shows_the_selectors_figures(story):
    with time_machine.travel(NOW, tick=False):
        response = client_for(Role.MANAGER).get(
            PAGE, {**MARCH_QUERY, "period": "custom"} | {"date_from": "2026-03-01", "date_to": "2026-03-31"}
        )
    assert response.status_code == 200
    figures = response.context["figures"]
    assert figures.volumes["new"] == {"current": 4, "previous": 1}
    html = response.content.decode()
    assert "50.0%" in html  # acknowledged within 1 hour
    assert "33.3%" in html  # appeal rate
    assert reverse("admin:complaints_complaint_change", args=[story.c.pk]) in html
    assert 'src="/static/vendor/chart.umd.js"' in html
    assert 'id="dashboard-charts"' in html


def test_the_api_gives_the_same_numbers(story):
    with time_machine.travel(NOW, tick=False):
        body = client_for(Role.LEADERSHIP).get(API, MARCH_QUERY).json()
    assert body["volumes"]["new"] == {"current": 4, "previous": 1}
    assert body["promises"]["acknowledged_in_time"]["current"] == 50.0
    assert body["promises"]["resolve_p90_hours"]["current"] == 227.8
    assert body["satisfaction"]["refunds_cny"]["current"] == "500.00"
    assert body["overdue"]["count"] == 3
    assert body["period"] == {"from": "2026-03-01", "to": "2026-03-31"}


def test_the_api_explains_a_bad_range(story):
    response = client_for(Role.MANAGER).get(API, {"from": "2026-03-31", "to": "2026-03-01"})
    assert response.status_code == 400
    assert "to" in response.json()


def test_the_api_is_in_the_schema(client):
    schema = client.get(reverse("api-schema")).content.decode()
    assert "/api/v1/reports/summary/" in schema
    assert "reports_summary" in schema


def test_the_csv_streams_the_filtered_complaints(story):
    with time_machine.travel(NOW, tick=False):
        response = client_for(Role.MANAGER).get(CSV_URL, {**MARCH_QUERY, "channel": "web"})
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith(BOM)
    rows = list(csv.reader(io.StringIO(text[1:])))
    # web complaints filed in March: A and D, oldest first
    assert [row[0] for row in rows[1:]] == [story.a.reference, story.d.reference]
    assert rows[1][1] == "2026-03-02 10:00:00"
    assert rows[1][12] == "5"


def test_the_page_costs_a_fixed_number_of_queries(story, django_assert_num_queries):
    client = client_for(Role.MANAGER)
    client.get(PAGE, MARCH_QUERY)  # warm the session
    # session, user, the second factor's device, privacy policy, roles, unread notices, department and
    # category choices (8); figures:
    # whether the daily facts are stored, their sums, category and department names, open now, exact
    # percentiles (small data), 3 overdue (list, count, escalations that reached nobody), remedies, hot spots
    # (complaints about courses and instructors, then 3 rankings), 1 improvement, 1 trend, 1 refunds
    with time_machine.travel(NOW, tick=False), django_assert_num_queries(25):
        client.get(PAGE, MARCH_QUERY)


def test_the_page_and_the_api_say_when_the_times_are_estimated(story, monkeypatch):
    client = client_for(Role.MANAGER)
    with time_machine.travel(NOW, tick=False):
        exact_page = client.get(PAGE, MARCH_QUERY).text
        exact_api = client.get(API, MARCH_QUERY).json()
        # when the period holds more complaints than the exact limit
        monkeypatch.setattr(figures_module, "EXACT_PERCENTILES_UP_TO", 1)
        estimated_page = client.get(PAGE, MARCH_QUERY).text
        estimated_api = client.get(API, MARCH_QUERY).json()
    assert 'id="percentiles-estimated"' not in exact_page
    assert exact_api["promises"]["percentiles_estimated"] is False
    assert 'id="percentiles-estimated"' in estimated_page
    assert estimated_api["promises"]["percentiles_estimated"] is True
    # the shares stay the same, exact
    assert estimated_api["promises"]["acknowledged_in_time"] == exact_api["promises"]["acknowledged_in_time"]


def test_a_bad_range_is_shown_at_the_field_where_screen_readers_find_it(story):
    with time_machine.travel(NOW, tick=False):
        response = client_for(Role.MANAGER).get(PAGE, {"from": "2026-03-31", "to": "2026-03-01"})
    assert response.status_code == 400
    html = response.content.decode()
    assert re.search(r'<div class="field field-invalid">\s*<label for="id_date_to">', html)
    assert '<ul class="field-errors" id="id_date_to_error"><li>截止日期早于起始日期。</li></ul>' in html
    date_to = re.search(r'<input [^>]*name="date_to"[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in date_to and 'aria-describedby="id_date_to_error"' in date_to
    # only the field in error is marked
    assert html.count("field-invalid") == 1
    assert 'class="field-error"' not in html


def selected_period(html: str) -> list[str]:
    menu = re.search(r'<select name="period"[^>]*>(.*?)</select>', html, re.S).group(1)
    return re.findall(r'<option value="(\w+)"[^>]*\bselected\b', menu)


@pytest.mark.parametrize(
    ("query", "period"),
    [
        ({}, "month"),  # the default is this month's figures
        ({"department": ""}, "month"),  # other filters without a period: still this month
        ({"period": "week"}, "week"),
        ({"period": "year"}, "year"),
        (MARCH_QUERY, "custom"),
    ],
)
def test_the_period_menu_shows_the_period_of_the_figures(story, query, period):
    with time_machine.travel(NOW, tick=False):
        response = client_for(Role.MANAGER).get(PAGE, query)
    assert response.status_code == 200
    shown = response.context["figures"].scope.period
    expected = {
        "month": (datetime.date(2026, 4, 1), datetime.date(2026, 4, 10)),
        "week": (datetime.date(2026, 4, 6), datetime.date(2026, 4, 10)),
        "year": (datetime.date(2026, 1, 1), datetime.date(2026, 4, 10)),
        "custom": (datetime.date(2026, 3, 1), datetime.date(2026, 3, 31)),
    }[period]
    assert (shown.first, shown.last) == expected
    assert selected_period(response.content.decode()) == [period]


def test_the_reports_form_starts_on_this_month(story):
    response = client_for(Role.MANAGER).get(reverse("dashboard:reports"))
    assert selected_period(response.content.decode()) == ["month"]


def test_hot_spots_list_every_department_with_complaints(story):
    with time_machine.travel(NOW, tick=False):
        response = client_for(Role.MANAGER).get(PAGE, MARCH_QUERY)
    html = response.content.decode()
    section = re.search(r'<section aria-labelledby="hot-spots">(.*?)</section>', html, re.S).group(1)
    tables = dict(re.findall(r"<caption>(.*?)</caption>(.*?)</table>", section, re.S))
    row = r'<tr><th scope="row">(.*?)</th><td>(.*?)</td><td>(.*?)</td><td>(.*?)</td></tr>'
    rows = re.findall(row, tables["部门"])
    # customer service: A, C and D over the 14 learners of its courses; teaching supervision: B, no courses
    assert rows == [("客户服务部", "3", "14", "21.43"), ("教学督导部", "1", "0", "—")]
    assert "暂无投诉" not in tables["部门"]
