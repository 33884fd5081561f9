"""Every dashboard figure against the hand-worked story in conftest (March 2026 against February)."""

import datetime
from decimal import Decimal

import pytest
import time_machine

from accounts.roles import Role
from accounts.tests.factories import LearnerFactory, StaffFactory
from complaints.models import Category, Severity
from complaints.services import complaint_acknowledge, complaint_file
from dashboard.selectors import (
    Period,
    Scope,
    dashboard_figures,
    hot_spots,
    improvement_figures,
    overdue_now,
    promise_figures,
    satisfaction_figures,
    volume_figures,
)
from dashboard.services import rollup_refresh
from sla.models import SlaPolicy, Target
from sla.tests.factories import WorkCalendarFactory

from .conftest import MARCH, NOW, at

pytestmark = pytest.mark.django_db


def test_the_previous_period_is_as_long_and_just_before():
    # March has 31 days: the 31 days before run from 29 January to 28 February.
    assert MARCH.previous() == Period(datetime.date(2026, 1, 29), datetime.date(2026, 2, 28))


def test_volumes(story, march):
    figures = volume_figures(march)
    # new: A, B, C, D in March; E in February. closed: A 03-04, B 03-12, D 03-31; E 02-12. open: C.
    assert figures["new"] == {"current": 4, "previous": 1}
    assert figures["closed"] == {"current": 3, "previous": 1}
    assert figures["open_now"] == 1
    by_category = {row.key: (row.current, row.previous) for row in figures["by_category"]}
    assert by_category == {story.service.name: (3, 1), story.teaching.name: (1, 0)}
    assert {row.key: (row.current, row.previous) for row in figures["by_severity"]} == {"general": (4, 1)}
    assert {row.key: (row.current, row.previous) for row in figures["by_channel"]} == {
        "web": (2, 1),
        "app": (1, 0),
        "phone": (1, 0),
    }
    by_department = {row.key: (row.current, row.previous) for row in figures["by_department"]}
    assert by_department == {"客户服务部": (3, 1), "教学督导部": (1, 0)}


def test_the_filters_narrow_every_figure(story):
    teaching = Scope(period=MARCH, category_id=story.teaching.pk)
    assert volume_figures(teaching)["new"] == {"current": 1, "previous": 0}
    # B alone: acknowledged late (0 of 1), resolved in time (1 of 1)
    promises = promise_figures(teaching, now=NOW)
    assert promises["acknowledged_in_time"]["current"] == 0.0
    assert promises["resolved_in_time"]["current"] == 100.0
    phone = Scope(period=MARCH, channel="phone")
    assert volume_figures(phone)["new"]["current"] == 1
    assert overdue_now(phone, now=NOW)["count"] == 3
    assert overdue_now(Scope(period=MARCH, channel="web"), now=NOW)["count"] == 0


def test_the_pause_moved_b_s_resolution_due_time(story):
    clock = story.b.clocks.get(target=Target.RESOLUTION)
    # filed 03-03 09:00 + 7 days = 03-10 09:00, plus the 24 h paused = 03-11 09:00; met 03-10 20:00
    assert clock.paused_for == datetime.timedelta(hours=24)
    assert clock.due_at == datetime.datetime(2026, 3, 11, 1, 0, tzinfo=datetime.UTC)
    assert clock.met_at == datetime.datetime(2026, 3, 10, 12, 0, tzinfo=datetime.UTC)


def test_promises_kept(story, march):
    figures = promise_figures(march, now=NOW)
    # acknowledgement: A (30 min) and D (20 min) kept; B (2 h) late; C never, overdue since 03-10 11:00 → 2/4
    assert figures["acknowledged_in_time"] == {"current": 50.0, "previous": 100.0, "kept": 2, "decided": 4}
    # urgent or major: only B, urgent; first response (its question 03-03 12:00) within 24 h → 1/1
    assert figures["urgent_answered_in_time"] == {"current": 100.0, "previous": None, "kept": 1, "decided": 1}
    # resolution: A (1 day) and B (in time thanks to the pause) kept; C overdue; D answered after 10 days
    assert figures["resolved_in_time"] == {"current": 50.0, "previous": 100.0, "kept": 2, "decided": 4}


def test_median_and_90th_percentile_hours(story, march):
    figures = promise_figures(march, now=NOW)
    # acknowledge: D 1/3 h, A 0.5 h, B 2 h → median 0.5; p90 at rank 0.9 × 2 = 1.8: 0.5 + 0.8 × 1.5 = 1.7
    assert figures["acknowledge_median_hours"] == {"current": 0.5, "previous": 0.5}
    assert figures["acknowledge_p90_hours"] == {"current": 1.7, "previous": 0.5}
    # first response: B 3 h, A 24 h, D 240 h → median 24; p90 24 + 0.8 × 216 = 196.8; E 24 h
    assert figures["respond_median_hours"] == {"current": 24.0, "previous": 24.0}
    assert figures["respond_p90_hours"] == {"current": 196.8, "previous": 24.0}
    # resolution (wall time to the answer): A 24 h, B 179 h, D 240 h → median 179; p90 179 + 0.8 × 61 = 227.8
    assert figures["resolve_median_hours"] == {"current": 179.0, "previous": 24.0}
    assert figures["resolve_p90_hours"] == {"current": 227.8, "previous": 24.0}


def test_overdue_now_lists_c_s_three_clocks_nearest_first(story, march):
    figures = overdue_now(march, now=NOW)
    assert figures["count"] == 3
    assert [row["target"] for row in figures["clocks"]] == [
        Target.ACKNOWLEDGE,
        Target.FIRST_RESPONSE,
        Target.RESOLUTION,
    ]
    assert {row["complaint__reference"] for row in figures["clocks"]} == {story.c.reference}


def test_satisfaction_and_justice(story, march):
    figures = satisfaction_figures(march)
    # ratings: A 5, D 2 → 3.5, one of two satisfied; February: E 4
    assert figures["average_rating"] == {"current": 3.5, "previous": 4.0}
    assert figures["satisfied_share"] == {"current": 50.0, "previous": 100.0}
    # answered: A, B, D; appealed: B → 33.3 %; February: E answered, none appealed
    assert figures["appeal_rate"] == {"current": 33.3, "previous": 0.0}
    assert figures["reopened"] == {"current": 1, "previous": 0}
    assert figures["appeal_outcomes"]["upheld"]["current"] == 1
    assert figures["appeal_outcomes"]["revised"]["current"] == 0
    assert figures["appeal_outcomes"]["pending"]["current"] == 0
    # D's refund carried out 03-30
    assert figures["remedies_carried_out"] == {"current": 1, "previous": 0}
    assert figures["refunds_cny"] == {"current": Decimal("500.00"), "previous": Decimal("0.00")}


def test_hot_spots(story, march):
    figures = hot_spots(march)
    # X: C and D over 4 learners = 50; Y: A over 10 learners = 10
    assert [
        (row["name"].split()[0], row["complaints"], row["learners"], row["per_100"])
        for row in figures["courses"]
    ] == [
        ("X-101", 2, 4, 50.0),
        ("Y-201", 1, 10, 10.0),
    ]
    # instructor I: D over the 4 learners of X = 25
    assert [(row["id"], row["per_100"]) for row in figures["instructors"]] == [(story.instructor.pk, 25.0)]
    # customer service: A, C, D over the 14 learners of X and Y = 21.43; teaching supervision has B but no
    # courses, so no rate: it comes after the ranked ones
    assert [
        (row["name"], row["complaints"], row["learners"], row["per_100"]) for row in figures["departments"]
    ] == [("客户服务部", 3, 14, 21.43), ("教学督导部", 1, 0, None)]
    # service +2 (1 → 3), teaching +1 (0 → 1)
    assert [(row.key, row.rise) for row in figures["rising_categories"]] == [
        (story.service.name, 2),
        (story.teaching.name, 1),
    ]


def test_improvement_actions(story, march):
    figures = improvement_figures(march, today=NOW.date())
    # two on D: "复核排课" due 04-05, open (overdue on 04-10); "培训客服" done 03-31
    assert figures == {"open": 1, "overdue": 1, "done": {"current": 1, "previous": 0}}


def test_trends_count_the_same_complaints(story, march):
    figures = dashboard_figures(march, now=NOW)
    volume = figures.trends["volume"]
    assert sum(sum(series["data"]) for series in volume["series"]) == 4
    assert volume["labels"] == ["2026-03-02", "2026-03-03", "2026-03-10", "2026-03-20"]
    # per day: 03-02 A kept; 03-03 B late; 03-10 C missed; 03-20 D kept
    assert figures.trends["sla"]["acknowledged"] == [100.0, 0.0, 0.0, 100.0]
    assert figures.trends["sla"]["resolved"] == [100.0, 100.0, 0.0, 0.0]


def test_acknowledgement_on_an_office_hours_calendar_counts_business_time_across_a_holiday(db):
    # given office hours Monday to Friday 09:00–18:00 with the official Chinese calendar (National Day: 1–7
    # October 2026) for general complaints
    office = WorkCalendarFactory(office_hours=True)
    SlaPolicy.objects.filter(severity=Severity.GENERAL, is_urgent=False).update(calendar=office)
    service = Category.objects.get(code="service")
    agent = StaffFactory(department=service.default_department, roles=[Role.AGENT])

    # two complaints filed on Wednesday 30 September at 17:30: half an office hour that day, then the holiday,
    # so the acknowledgement hour ends on Thursday 8 October at 09:30
    def filed_and_acknowledged(acknowledged):
        learner = LearnerFactory()
        with time_machine.travel(at(2026, 9, 30, 17, 30), tick=False):
            complaint = complaint_file(
                actor=learner, complainant=learner, category=service, title="投诉", description="经过"
            )
        with time_machine.travel(acknowledged, tick=False):
            return complaint_acknowledge(complaint=complaint, actor=agent)

    kept = filed_and_acknowledged(at(2026, 10, 8, 9, 20))  # 183 h 50 min of wall time, in business time
    late = filed_and_acknowledged(at(2026, 10, 8, 10, 0))
    assert kept.clocks.get(target=Target.ACKNOWLEDGE).due_at == at(2026, 10, 8, 9, 30)
    september = Scope(period=Period(datetime.date(2026, 9, 1), datetime.date(2026, 9, 30)))
    now = at(2026, 10, 9, 12, 0)

    live = promise_figures(september, now=now)
    rollup_refresh(now=now)
    stored = promise_figures(september, now=now)

    # then one is kept and one late, though both took more than a week of wall time, read live or stored
    assert (
        late.clocks.get(target=Target.ACKNOWLEDGE).met_at > late.clocks.get(target=Target.ACKNOWLEDGE).due_at
    )
    for figures in (live, stored):
        assert figures["acknowledged_in_time"] == {"current": 50.0, "previous": None, "kept": 1, "decided": 2}
        # times are wall hours from filing: 183.83 h and 184.5 h → median 184.17
        assert figures["acknowledge_median_hours"]["current"] == 184.17
