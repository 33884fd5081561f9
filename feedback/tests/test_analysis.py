"""The feedback analysis: its stored daily facts, figures, teachers' ratings, page, API, CSV and report part.

A small known March 2026 (Asia/Shanghai), refreshed as of 2026-04-15 12:00:

1. course content, online, course X / teacher I: received 03-02 10:00, plan 03-03 10:00 (24 h, due 03-05: on
   time), result 03-06 10:00 (96 h), rated 5, closed.
2. course content, online, course X / teacher I: received 03-05 10:00, plan 03-12 10:00 (168 h, due 03-10:
   late), result 03-14 10:00 (216 h), rated 1 (negative).
3. teacher, paper, course Y / teacher J: received 03-10 10:00, rejected at once (its plan clock stopped before
   its due time: not decided).
4. teacher, online, course Y, urgent (negative): received 03-20 10:00, accepted, no plan; due 03-21: missed.
5. The previous period (February): course content, online, received 02-10 10:00, rated 4, closed.
Items 1–4 belong to the spring term.
"""

import csv
import datetime
import io
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test import Client, override_settings
from django.urls import reverse

from accounts.roles import Role
from accounts.tests.factories import DepartmentFactory, LearnerFactory, StaffFactory
from courses.models import Term
from courses.tests.factories import CourseFactory, InstructorFactory
from feedback.analysis.facts import TABLES
from feedback.analysis.report import feedback_report_tables
from feedback.analysis.selectors import AnalysisScope, Period, analysis_figures, min_responses
from feedback.analysis.services import feedback_facts_refresh
from feedback.analysis.sources import handled_item_ratings
from feedback.clocks import feedback_clocks, feedback_clocks_sync
from feedback.models import Channel, FeedbackCategory, State
from sla.models import Target

from .factories import FeedbackItemFactory

pytestmark = pytest.mark.django_db

ZONE = ZoneInfo("Asia/Shanghai")
NOW = datetime.datetime(2026, 4, 15, 12, 0, tzinfo=ZONE)
MARCH = Period(datetime.date(2026, 3, 1), datetime.date(2026, 3, 31))
MARCH_QUERY = {"from": "2026-03-01", "to": "2026-03-31"}
PAGE = reverse("feedback:analysis")
CSV_URL = reverse("feedback:analysis-csv")
API = reverse("feedback-analysis")


def at(month: int, day: int, hour: int = 10) -> datetime.datetime:
    return datetime.datetime(2026, month, day, hour, 0, tzinfo=ZONE)


@dataclass
class Story:
    items: list
    course_x: object
    course_y: object
    teacher_i: object
    teacher_j: object
    term: Term


def _item(*, received, plan_due, clock_now=None, **fields):
    item = FeedbackItemFactory(created_at=received, **fields)
    feedback_clocks_sync(item=item, now=clock_now or received)
    feedback_clocks().filter(subject_id=item.pk, target=Target.FIRST_RESPONSE).update(due_at=plan_due)
    return item


@pytest.fixture
def story() -> Story:
    department = DepartmentFactory()
    teacher_i, teacher_j = InstructorFactory(department=department), InstructorFactory(department=department)
    course_x = CourseFactory(department=department)
    course_y = CourseFactory(department=department)
    term = Term.objects.create(
        name="2026年春季学期", starts_on=datetime.date(2026, 2, 15), ends_on=datetime.date(2026, 7, 10)
    )
    content = FeedbackCategory.objects.get(code="course_content")
    teacher = FeedbackCategory.objects.get(code="teacher")
    common = {"department": department, "term": term}
    items = [
        _item(
            received=at(3, 2),
            plan_due=at(3, 5),
            category=content,
            course=course_x,
            instructor=teacher_i,
            state=State.CLOSED,
            reviewed_at=at(3, 2, 11),
            planned_at=at(3, 3),
            result_notified_at=at(3, 6),
            rating=5,
            rated_at=at(3, 7),
            closed_at=at(3, 8),
            **common,
        ),
        _item(
            received=at(3, 5),
            plan_due=at(3, 10),
            category=content,
            course=course_x,
            instructor=teacher_i,
            state=State.RATED,
            reviewed_at=at(3, 5, 11),
            planned_at=at(3, 12),
            result_notified_at=at(3, 14),
            rating=1,
            rated_at=at(3, 15),
            **common,
        ),
        _item(
            received=at(3, 10),
            plan_due=at(3, 12),
            clock_now=at(3, 10, 11),
            category=teacher,
            channel=Channel.PAPER,
            course=course_y,
            instructor=teacher_j,
            state=State.REJECTED,
            rejection_reason="重复提交",
            reviewed_at=at(3, 10, 11),
            closed_at=at(3, 10, 11),
            **common,
        ),
        _item(
            received=at(3, 20),
            plan_due=at(3, 21),
            category=teacher,
            course=course_y,
            is_urgent=True,
            state=State.ACCEPTED,
            reviewed_at=at(3, 20, 11),
            **common,
        ),
        _item(
            received=at(2, 10),
            plan_due=at(2, 12),
            category=content,
            state=State.CLOSED,
            reviewed_at=at(2, 10, 11),
            planned_at=at(2, 11),
            result_notified_at=at(2, 12),
            rating=4,
            rated_at=at(2, 12, 12),
            closed_at=at(2, 13),
            department=department,
        ),
    ]
    feedback_facts_refresh(first=datetime.date(2026, 2, 1), last=datetime.date(2026, 4, 15), now=NOW)
    return Story(items, course_x, course_y, teacher_i, teacher_j, term)


def stored_rows() -> dict[str, list[tuple]]:
    rows = {}
    with connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(f"SELECT * FROM {table} ORDER BY id")  # noqa: S608 (the module's table names)
            names = [column.name for column in cursor.description]
            rows[table] = [
                tuple(value for name, value in zip(names, row, strict=True) if name != "refreshed_at")
                for row in cursor.fetchall()
            ]
    return rows


# ------------------------------------------------------------------------------------------------ figures


def test_counts_and_proportions_per_category_and_channel(story):
    figures = analysis_figures(AnalysisScope(period=MARCH))
    assert figures.current["received"] == 4
    assert figures.current["accepted"] == 3
    assert figures.current["accepted_percent"] == 75.0
    assert figures.current["rejected_percent"] == 25.0
    assert figures.current["negative"] == 2
    assert figures.current["negative_percent"] == 50.0
    by_category = {row["key"]: row for row in figures.by_category}
    content = FeedbackCategory.objects.get(code="course_content").pk
    teacher = FeedbackCategory.objects.get(code="teacher").pk
    assert {key: (row["received"], row["percent"]) for key, row in by_category.items()} == {
        content: (2, 50.0),
        teacher: (2, 50.0),
    }
    assert by_category[content]["average_rating"] == 3.0
    assert [(row["key"], row["received"], row["percent"]) for row in figures.by_channel] == [
        ("online", 3, 75.0),
        ("paper", 1, 25.0),
    ]


def test_handling_times_on_time_share_and_ratings(story):
    figures = analysis_figures(AnalysisScope(period=MARCH))
    current, previous = figures.current, figures.previous
    # Decided plan clocks: 1 kept, 2 late, 4 running past its due time; 3 stopped before its due time.
    assert current["plan_decided"] == 3
    assert current["plan_on_time_percent"] == 33.3
    assert current["plan_hours_average"] == 96.0  # (24 + 168) / 2
    assert current["handling_hours_average"] == 156.0  # (96 + 216) / 2
    assert current["average_rating"] == 3.0
    assert current["satisfied_percent"] == 50.0
    # The previous period of March's length: 2026-01-29 to 02-28, with item 5.
    assert previous["received"] == 1
    assert previous["average_rating"] == 4.0
    assert previous["plan_on_time_percent"] == 100.0


def test_trends_month_over_month_and_term_over_term(story):
    figures = analysis_figures(AnalysisScope(period=Period(datetime.date(2026, 2, 1), MARCH.last)))
    assert [(row["label"], row["received"], row["negative"]) for row in figures.months] == [
        ("2026-02", 1, 0),
        ("2026-03", 4, 2),
    ]
    assert [row["average_rating"] for row in figures.months] == [4.0, 3.0]
    assert [(row["label"], row["received"], row["plan_on_time_percent"]) for row in figures.terms] == [
        ("2026年春季学期", 4, 33.3)
    ]


def test_a_term_reads_only_its_items(story):
    term = story.term
    figures = analysis_figures(AnalysisScope(period=Period(term.starts_on, term.ends_on), term_id=term.pk))
    assert figures.current["received"] == 4


def test_courses_where_negative_feedback_concentrates(story):
    figures = analysis_figures(AnalysisScope(period=MARCH))
    rows = {row["id"]: row for row in figures.negative_courses}
    assert set(rows) == {story.course_x.pk, story.course_y.pk}
    assert (rows[story.course_x.pk]["received"], rows[story.course_x.pk]["negative"]) == (2, 1)
    assert rows[story.course_y.pk]["negative_percent"] == 50.0


def test_teachers_with_too_few_responses_are_not_shown(story):
    figures = analysis_figures(AnalysisScope(period=MARCH))
    assert figures.lowest_teachers == []
    assert figures.teachers_suppressed == 1  # teacher I: 2 ratings of handled items
    assert figures.min_responses == 5


def test_rating_sources_combine_and_rank_the_lowest_first(story):
    def survey_scores(first, last):
        assert (first, last) == (MARCH.first, MARCH.last)
        return [(story.teacher_i.pk, 12, 3), (story.teacher_j.pk, 10, 5)]

    figures = analysis_figures(AnalysisScope(period=MARCH), sources=[handled_item_ratings, survey_scores])
    assert [(row["id"], row["responses"], row["average"]) for row in figures.lowest_teachers] == [
        (story.teacher_j.pk, 5, 2.0),
        (story.teacher_i.pk, 5, 3.6),  # (5 + 1 + 12) / 5
    ]
    assert figures.teachers_suppressed == 0


@pytest.mark.parametrize(("setting", "expected"), [(1, 3), (3, 3), (8, 8)])
def test_the_smallest_group_shown_is_never_below_three(setting, expected):
    with override_settings(FEEDBACK_RATING_MIN_RESPONSES=setting):
        assert min_responses() == expected


# -------------------------------------------------------------------------------------------- the facts


def test_refreshing_twice_writes_the_same_rows(story):
    before = stored_rows()
    assert before["feedback_feedbackday"]
    feedback_facts_refresh(first=datetime.date(2026, 2, 1), last=datetime.date(2026, 4, 15), now=NOW)
    assert stored_rows() == before


def test_a_refresh_drops_the_rows_of_keys_no_item_has_any_more(story):
    item = story.items[2]
    item.category = FeedbackCategory.objects.get(code="other")
    item.save(update_fields=["category"])
    feedback_facts_refresh(first=datetime.date(2026, 3, 10), last=datetime.date(2026, 3, 10), now=NOW)
    figures = analysis_figures(AnalysisScope(period=MARCH))
    teacher = FeedbackCategory.objects.get(code="teacher").pk
    assert {row["key"]: row["received"] for row in figures.by_category}[teacher] == 1
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM feedback_feedbackday WHERE day = '2026-03-10'")
        assert cursor.fetchone()[0] == 1


def test_the_beat_task_refreshes_the_recent_days(story):
    from feedback.tasks import feedback_facts_refresh_task

    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM feedback_feedbackday")
    feedback_facts_refresh_task()  # today's window: none of the story's days, and nothing breaks
    feedback_facts_refresh_task()


# ---------------------------------------------------------------------------------- page, API and CSV


def client_for(role: Role) -> Client:
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
        (Role.INSTRUCTOR, False),
        (Role.MANAGER, True),
        (Role.LEADERSHIP, True),
    ],
)
@pytest.mark.parametrize("url", [PAGE, CSV_URL, API])
def test_only_managers_and_leadership_read_the_analysis(story, role, allowed, url):
    response = client_for(role).get(url, MARCH_QUERY)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if allowed:
        assert response.status_code == 200
    else:
        assert response.status_code == 403
        assert story.course_x.title.encode() not in body


def test_an_anonymous_visitor_is_sent_to_log_in_or_refused():
    assert Client().get(PAGE).status_code == 302
    assert Client().get(API).status_code == 403


def test_the_page_shows_the_figures_and_its_charts(story):
    response = client_for(Role.MANAGER).get(PAGE, MARCH_QUERY)
    assert response.status_code == 200
    html = response.content.decode()
    assert response.context["figures"].current["received"] == 4
    assert "33.3%" in html
    assert story.course_x.title in html
    assert 'id="analysis-charts"' in html
    assert 'src="/static/feedback/analysis-charts.js"' in html
    assert "<script>" not in html.split('id="analysis-charts"')[0].rsplit("</h1>", 1)[-1]


def test_a_range_out_of_bounds_is_refused(story):
    response = client_for(Role.MANAGER).get(PAGE, {"from": "1999-12-31", "to": "2026-03-31"})
    assert response.status_code == 400
    body = client_for(Role.MANAGER).get(API, {"from": "2026-03-01", "to": "2101-01-01"})
    assert body.status_code == 400
    assert "to" in body.json()


def test_the_api_gives_the_same_numbers(story):
    body = client_for(Role.LEADERSHIP).get(API, MARCH_QUERY).json()
    assert body["current"]["received"] == 4
    assert body["current"]["plan_on_time_percent"] == 33.3
    assert body["previous"]["average_rating"] == 4.0
    assert body["lowest_rated_teachers"] == {"min_responses": 5, "suppressed": 1, "rows": []}
    assert body["period"] == {"from": "2026-03-01", "to": "2026-03-31"}


def test_the_api_is_in_the_schema(client):
    schema = client.get(reverse("api-schema")).content.decode()
    assert "/api/v1/feedback/analysis/" in schema


def test_the_csv_has_the_figures(story):
    response = client_for(Role.MANAGER).get(CSV_URL, MARCH_QUERY)
    text = b"".join(response.streaming_content).decode("utf-8")
    rows = list(csv.reader(io.StringIO(text[1:])))
    assert rows[0] == ["section", "key", "label", "figure", "value"]
    assert ["headline_current", "", "", "received", "4"] in rows
    assert ["by_channel", "online", str(Channel.ONLINE.label), "percent", "75.0"] in rows


def test_the_page_and_the_api_cost_a_fixed_number_of_queries(story, django_assert_num_queries):
    client = client_for(Role.MANAGER)
    client.get(PAGE, MARCH_QUERY)  # warm the session
    # The frame (session, user, second factor, privacy policy, roles, and for the page its notices and the
    # form's menu of terms), then the analysis: the sums per category and channel, the categories, the
    # months, the terms and their sums, the courses, the handled items' ratings, the term surveys' per-teacher
    # scores. The names of ranked
    # teachers add one when a teacher is shown.
    with django_assert_num_queries(PAGE_QUERIES):
        assert client.get(PAGE, MARCH_QUERY).status_code == 200
    with django_assert_num_queries(API_QUERIES):
        assert client.get(API, MARCH_QUERY).status_code == 200


PAGE_QUERIES = 15
API_QUERIES = 13


# ------------------------------------------------------------------------------------------- the report


def test_the_report_tables_tell_satisfaction_problems_and_rectification(story):
    satisfaction, problems, rectification, teachers = feedback_report_tables(MARCH)
    assert satisfaction.rows[0][1:] == ["4", "1"]  # received
    assert satisfaction.rows[1][1:] == ["3.0", "4.0"]  # average rating of the handling
    assert problems.rows[0][1] == 2
    assert rectification.rows[0][1] == 0
    assert teachers.rows == []


def test_the_period_report_carries_the_feedback_section(story):
    from dashboard.selectors import Period as DashboardPeriod
    from dashboard.selectors import Scope, dashboard_figures
    from dashboard.services.reports import report_pdf
    from dashboard.tests.test_report import pdf_text

    pdf = report_pdf(dashboard_figures(Scope(period=DashboardPeriod(MARCH.first, MARCH.last))), title="t")
    text = pdf_text(pdf)
    for caption in ("满意度变化", "主要问题", "整改措施的效果", "评分最低的教师"):
        assert caption in text
    assert "处理的平均评分 3.0 4.0" in text
