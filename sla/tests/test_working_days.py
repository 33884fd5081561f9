"""Working-day targets on an office-hours calendar agree with the official calendar (``chinesecalendar``)
around every 2026 holiday and make-up working day (调休)."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import chinese_calendar
import pytest

from sla.business_calendar import BusinessCalendar, add_working_days

SHANGHAI = ZoneInfo("Asia/Shanghai")
OPENS, CLOSES = time(9), time(18)
CALENDAR = BusinessCalendar.chinese_office_hours()

# Start times (local) around 元旦, 春节, 清明, 劳动节, 端午, 中秋 and 国庆 2026, and on the 调休 weekends
# 2026-01-04, 02-14, 02-28, 05-09, 09-20 and 10-10; inside, before and after office hours.
STARTS = [
    "2025-12-31 10:00", "2025-12-31 17:30", "2026-01-01 10:00", "2026-01-02 15:00", "2026-01-03 09:00",
    "2026-01-04 11:00", "2026-01-04 20:00", "2026-01-05 08:00", "2026-02-13 16:00", "2026-02-14 10:00",
    "2026-02-14 18:30", "2026-02-15 12:00", "2026-02-20 10:00", "2026-02-23 17:59", "2026-02-24 09:00",
    "2026-02-27 14:00", "2026-02-28 10:00", "2026-04-03 16:00", "2026-04-04 10:00", "2026-04-06 10:00",
    "2026-04-30 17:00", "2026-05-01 09:00", "2026-05-05 23:00", "2026-05-08 12:00", "2026-05-09 10:00",
    "2026-06-18 10:00", "2026-06-19 10:00", "2026-06-22 00:30", "2026-09-18 15:00", "2026-09-20 10:00",
    "2026-09-24 17:00", "2026-09-25 10:00", "2026-09-30 16:00", "2026-10-01 10:00", "2026-10-07 10:00",
    "2026-10-08 09:30", "2026-10-09 18:00", "2026-10-10 10:00", "2026-10-10 20:00",
]  # fmt: skip


def counting_starts(moment: datetime) -> datetime:
    """When an office-hours clock starts counting, by the official calendar: now if open, else at the next
    opening."""
    day = moment.date()
    if chinese_calendar.is_workday(day) and OPENS <= moment.time() < CLOSES:
        return moment
    if chinese_calendar.is_workday(day) and moment.time() < OPENS:
        return datetime.combine(day, OPENS, tzinfo=SHANGHAI)
    return datetime.combine(chinese_calendar.find_workday(0, day + timedelta(days=1)), OPENS, tzinfo=SHANGHAI)


@pytest.mark.parametrize("start", STARTS)
@pytest.mark.parametrize("days", [1, 3, 5])
def test_n_working_days_later_is_the_official_calendars_n_th_workday_at_the_same_time(start, days):
    moment = datetime.strptime(start, "%Y-%m-%d %H:%M").replace(tzinfo=SHANGHAI)
    counting = counting_starts(moment)
    expected = datetime.combine(
        chinese_calendar.find_workday(days, counting.date()), counting.time(), SHANGHAI
    )

    due = add_working_days(moment, days, CALENDAR)

    assert due == expected
    assert chinese_calendar.is_workday(due.astimezone(SHANGHAI).date())


def test_a_round_the_clock_calendar_counts_every_day():
    start = datetime(2026, 10, 1, 10, tzinfo=SHANGHAI)
    assert add_working_days(start, 3, BusinessCalendar.twenty_four_seven()) == start + timedelta(days=3)


def test_the_institutions_own_dates_count_too():
    # closed on the first working day after the National Day holiday, open on the Sunday before it ends
    calendar = BusinessCalendar.chinese_office_hours(
        extra_closed_dates=[date(2026, 10, 9)], extra_working_dates=[date(2026, 10, 7)]
    )
    start = datetime(2026, 9, 30, 10, tzinfo=SHANGHAI)
    # 10-07 (own working day), 10-08 (official), 10-10 (调休; 10-09 closed)
    assert add_working_days(start, 3, calendar) == datetime(2026, 10, 10, 10, tzinfo=SHANGHAI)


def test_negative_days_and_naive_starts_are_refused():
    with pytest.raises(ValueError, match="negative"):
        add_working_days(datetime(2026, 1, 5, 10, tzinfo=SHANGHAI), -1, CALENDAR)
    with pytest.raises(ValueError, match="timezone-aware"):
        add_working_days(datetime(2026, 1, 5, 10), 1, CALENDAR)
