"""Clocks follow their complaint: started on filing, met, paused and resumed, re-timed, stopped."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from accounts.roles import Role
from accounts.tests.factories import LearnerFactory, StaffFactory
from complaints.models import Category, Severity
from complaints.services import (
    complaint_acknowledge,
    complaint_add_complainant_reply,
    complaint_add_public_reply,
    complaint_file,
    complaint_request_information,
    complaint_respond,
    complaint_set_flag,
    complaint_start_investigation,
    complaint_withdraw,
)
from sla.models import CalendarDate, Clock, SlaPolicy, Target
from sla.tests.factories import WorkCalendarFactory

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
HOUR = datetime.timedelta(hours=1)


def at(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=SHANGHAI)


@pytest.fixture
def category():
    return Category.objects.get(code="service")


@pytest.fixture
def agent(category):
    return StaffFactory(department=category.default_department, roles=[Role.AGENT])


def file(category, *, urgent=False, **extra):
    learner = LearnerFactory()
    return complaint_file(
        actor=learner,
        complainant=learner,
        category=category,
        title="投诉",
        description="经过",
        is_urgent=urgent,
        **extra,
    )


def clocks(complaint) -> dict[str, Clock]:
    return {clock.target: clock for clock in Clock.objects.filter(complaint=complaint)}


def test_filing_starts_three_clocks_from_the_policy(category):
    with time_machine.travel(at(2026, 3, 2, 10, 0), tick=False):
        complaint = file(category)
    started = clocks(complaint)
    assert set(started) == set(Target.values)
    # general, not urgent, on the default 24×7 calendar: 1 h, 72 h, 7 days; warnings at 75 %
    assert started[Target.ACKNOWLEDGE].due_at == at(2026, 3, 2, 11, 0)
    assert started[Target.ACKNOWLEDGE].warn_at == at(2026, 3, 2, 10, 45)
    assert started[Target.FIRST_RESPONSE].due_at == at(2026, 3, 5, 10, 0)
    assert started[Target.RESOLUTION].due_at == at(2026, 3, 9, 10, 0)
    assert all(clock.is_running for clock in started.values())


def test_urgent_complaints_get_a_24_hour_first_response(category):
    with time_machine.travel(at(2026, 3, 2, 10, 0), tick=False):
        complaint = file(category, urgent=True)
    assert clocks(complaint)[Target.FIRST_RESPONSE].due_at == at(2026, 3, 3, 10, 0)


def test_acknowledging_meets_the_acknowledgement_clock(category, agent):
    with time_machine.travel(at(2026, 3, 2, 10, 0), tick=False):
        complaint = file(category)
    with time_machine.travel(at(2026, 3, 2, 10, 20), tick=False):
        complaint_acknowledge(complaint=complaint, actor=agent)
    state = clocks(complaint)
    assert state[Target.ACKNOWLEDGE].met_at == at(2026, 3, 2, 10, 20)
    assert state[Target.FIRST_RESPONSE].met_at is None


def test_a_first_public_reply_meets_the_first_response_clock(category, agent):
    complaint = file(category)
    complaint = complaint_acknowledge(complaint=complaint, actor=agent)
    complaint = complaint_start_investigation(complaint=complaint, actor=agent)
    complaint_add_public_reply(complaint=complaint, body="我们正在核实。", actor=agent)
    assert clocks(complaint)[Target.FIRST_RESPONSE].met_at is not None
    assert clocks(complaint)[Target.RESOLUTION].met_at is None


def test_pause_and_resume_move_the_due_time_by_the_paused_span(category, agent):
    with time_machine.travel(at(2026, 3, 2, 10, 0), tick=False):
        complaint = file(category)
        complaint = complaint_acknowledge(complaint=complaint, actor=agent)
        complaint = complaint_start_investigation(complaint=complaint, actor=agent)
    resolution_due = clocks(complaint)[Target.RESOLUTION].due_at
    with time_machine.travel(at(2026, 3, 3, 9, 0), tick=False):
        complaint = complaint_request_information(complaint=complaint, question="请补充截图", actor=agent)
    paused = clocks(complaint)[Target.RESOLUTION]
    assert paused.paused_at == at(2026, 3, 3, 9, 0)
    assert not paused.is_running
    with time_machine.travel(at(2026, 3, 4, 15, 30), tick=False):
        complaint_add_complainant_reply(complaint=complaint, body="截图已上传", actor=complaint.complainant)
    resumed = clocks(complaint)[Target.RESOLUTION]
    assert resumed.paused_at is None
    assert resumed.paused_for == datetime.timedelta(days=1, hours=6, minutes=30)
    assert resumed.due_at == resolution_due + datetime.timedelta(days=1, hours=6, minutes=30)


def test_office_hours_calendar_skips_nights_holidays_and_closed_days_and_runs_on_make_up_days(category):
    office = WorkCalendarFactory(office_hours=True)
    # the institution also closes on Thursday 8 October 2026, a working day on the official calendar
    CalendarDate.objects.create(
        calendar=office, date=datetime.date(2026, 10, 8), kind=CalendarDate.Kind.CLOSED
    )
    SlaPolicy.objects.filter(severity=Severity.GENERAL, is_urgent=False).update(calendar=office)

    # Wednesday 30 September, 17:30: half an hour of office time that day; the National Day holiday runs
    # 1–7 October; 8 October is closed here; so the acknowledgement hour ends on Friday 9 October at 09:30.
    with time_machine.travel(at(2026, 9, 30, 17, 30), tick=False):
        across_holiday = file(category)
    assert clocks(across_holiday)[Target.ACKNOWLEDGE].due_at == at(2026, 10, 9, 9, 30)

    # Friday 9 October, 17:45: a quarter of an hour that day, then Saturday 10 October is a make-up working
    # day (调休) on the official calendar, so the clock runs on it and ends at 09:45 that Saturday.
    with time_machine.travel(at(2026, 10, 9, 17, 45), tick=False):
        into_make_up_day = file(category)
    assert clocks(into_make_up_day)[Target.ACKNOWLEDGE].due_at == at(2026, 10, 10, 9, 45)

    # Friday 16 October, 17:45: an ordinary weekend follows, so the hour ends on Monday at 09:45.
    with time_machine.travel(at(2026, 10, 16, 17, 45), tick=False):
        over_a_weekend = file(category)
    assert clocks(over_a_weekend)[Target.ACKNOWLEDGE].due_at == at(2026, 10, 19, 9, 45)


def test_raising_the_urgent_flag_re_times_the_first_response(category, agent):
    with time_machine.travel(at(2026, 3, 2, 10, 0), tick=False):
        complaint = file(category)
        complaint = complaint_acknowledge(complaint=complaint, actor=agent)
        complaint_set_flag(
            complaint=complaint, flag="is_urgent", value=True, reason="涉及考试截止日期", actor=agent
        )
    assert clocks(complaint)[Target.FIRST_RESPONSE].due_at == at(2026, 3, 3, 10, 0)


def test_responding_meets_the_resolution_clock(category, agent):
    complaint = file(category)
    complaint = complaint_acknowledge(complaint=complaint, actor=agent)
    complaint = complaint_start_investigation(complaint=complaint, actor=agent)
    complaint_respond(complaint=complaint, response="已处理。", actor=agent)
    assert all(clock.met_at is not None for clock in clocks(complaint).values())


def test_a_withdrawn_complaint_stops_its_clocks(category):
    complaint = file(category)
    complaint_withdraw(complaint=complaint, actor=complaint.complainant)
    assert all(clock.cancelled_at is not None for clock in clocks(complaint).values())
    assert not Clock.objects.filter(met_at=None, cancelled_at=None).exists()


def test_syncing_twice_changes_nothing(category):
    from complaints.clocks import complaint_clocks_sync

    complaint = file(category)
    before = list(Clock.objects.filter(complaint=complaint).values())
    complaint_clocks_sync(complaint=complaint)
    assert list(Clock.objects.filter(complaint=complaint).values()) == before


def test_the_complaint_page_shows_each_clock_plainly(client, category, agent):
    with time_machine.travel(at(2026, 3, 2, 10, 0), tick=False):
        complaint = file(category)
        complaint = complaint_acknowledge(complaint=complaint, actor=agent)
        complaint = complaint_start_investigation(complaint=complaint, actor=agent)
        complaint_request_information(complaint=complaint, question="请补充截图", actor=agent)
    client.force_login(complaint.complainant)
    client.post("/accounts/language/", {"language": "en", "next": "/"})
    with time_machine.travel(at(2026, 3, 2, 11, 0), tick=False):
        page = client.get(f"/complaints/{complaint.reference}/").text
    assert "Kept: done 2026-03-02 10:00" in page  # acknowledged at once
    assert "Paused while we wait for your answer" in page  # resolution waits for the learner
    assert "2026-03-09 10:00" in page  # the resolution due time


def test_an_overdue_clock_says_by_how_much(client, category):
    with time_machine.travel(at(2026, 3, 2, 10, 0), tick=False):
        complaint = file(category)
    client.force_login(complaint.complainant)
    client.post("/accounts/language/", {"language": "en", "next": "/"})
    with time_machine.travel(at(2026, 3, 2, 13, 0), tick=False):
        page = client.get(f"/complaints/{complaint.reference}/").text
    assert "Overdue by 2\xa0hours" in page
