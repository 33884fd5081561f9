"""Business-time arithmetic: each worked example states its calculation by hand in the comment next to it.

Dates from the official calendar, as the chinesecalendar package (1.11) records them for 2026:
- Spring Festival: holidays Sun 15 – Mon 23 February; make-up working days Sat 14 and Sat 28 February.
- Mid-Autumn Festival: holidays Fri 25 – Sun 27 September.
- National Day: holidays Thu 1 – Wed 7 October; make-up working days Sun 20 September and Sat 10 October.
test_official_calendar_dates_the_expectations_rely_on pins these so a changed package fails loudly there.
"""

import copy
import logging
import pickle
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import chinese_calendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sla import business_calendar
from sla.business_calendar import (
    BusinessCalendar,
    add_business_time,
    business_time_between,
    is_business_time,
    next_business_moment,
    postpone_due_time,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
BERLIN = ZoneInfo("Europe/Berlin")
MONDAY_TO_FRIDAY = range(5)

ROUND_THE_CLOCK = BusinessCalendar.twenty_four_seven()
# Monday to Friday 09:00–18:00 (nine hours a day) on the official calendar.
OFFICE = BusinessCalendar.chinese_office_hours()
# Monday to Friday 09:00–12:00 and 13:30–18:00 (seven and a half hours a day), ignoring public holidays.
LUNCH_BREAK = BusinessCalendar(
    round_the_clock=False,
    office_hours=dict.fromkeys(MONDAY_TO_FRIDAY, ((time(9), time(12)), (time(13, 30), time(18)))),
)
# Monday to Friday 09:00–18:00 by weekday alone: public holidays and make-up days mean nothing to it.
WEEKDAYS_ONLY = BusinessCalendar(
    round_the_clock=False, office_hours=dict.fromkeys(MONDAY_TO_FRIDAY, ((time(9), time(18)),))
)
# Monday to Friday 09:00–18:00 in a zone with daylight saving: clocks go forward on Sunday 29 March 2026.
BERLIN_OFFICE = BusinessCalendar(
    round_the_clock=False,
    time_zone="Europe/Berlin",
    office_hours=dict.fromkeys(MONDAY_TO_FRIDAY, ((time(9), time(18)),)),
)


def shanghai(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def hours(count: float) -> timedelta:
    return timedelta(hours=count)


def test_official_calendar_dates_the_expectations_rely_on():
    holidays = [date(2026, 2, day) for day in range(15, 24)]
    holidays += [date(2026, 9, day) for day in (25, 26, 27)]
    holidays += [date(2026, 10, day) for day in range(1, 8)]
    make_up_days = [date(2026, 2, 14), date(2026, 2, 28), date(2026, 9, 20), date(2026, 10, 10)]

    assert [day for day in holidays if chinese_calendar.is_workday(day)] == []
    assert all(chinese_calendar.is_workday(day) for day in make_up_days)
    assert {day.weekday() for day in make_up_days} <= {5, 6}


# 24×7


def test_round_the_clock_is_plain_addition_through_nights_weekends_and_holidays():
    # Fri 2 October 2026, inside the National Day holiday, 20:00 + 72 h = Mon 5 October 20:00.
    due = add_business_time(shanghai(2026, 10, 2, 20), hours(72), ROUND_THE_CLOCK)

    assert due == shanghai(2026, 10, 5, 20)
    assert business_time_between(shanghai(2026, 10, 2, 20), due, ROUND_THE_CLOCK) == hours(72)
    assert is_business_time(shanghai(2026, 10, 3, 3), ROUND_THE_CLOCK)


def test_round_the_clock_ignores_office_hours_and_extra_closed_dates_kept_for_later():
    calendar = BusinessCalendar(
        round_the_clock=True,
        office_hours={0: ((time(9), time(18)),)},
        extra_closed_dates=frozenset({date(2026, 3, 11)}),
    )

    # Tue 10 March 23:00 + 2 h = Wed 11 March 01:00, although the 11th is an extra closed date.
    assert add_business_time(shanghai(2026, 3, 10, 23), hours(2), calendar) == shanghai(2026, 3, 11, 1)


def test_results_are_in_utc_whatever_the_zone_of_the_input():
    # Tue 10 March 2026 10:00 in Shanghai (UTC+8) is 02:00 UTC; + 1 h = 03:00 UTC for both calendars.
    start_in_utc = datetime(2026, 3, 10, 2, tzinfo=UTC)

    for calendar in (ROUND_THE_CLOCK, OFFICE):
        due = add_business_time(start_in_utc, hours(1), calendar)
        assert due.tzinfo is UTC
        assert due == datetime(2026, 3, 10, 3, tzinfo=UTC)
        assert add_business_time(start_in_utc.astimezone(SHANGHAI), hours(1), calendar) == due
    assert next_business_moment(shanghai(2026, 3, 10, 10), OFFICE).tzinfo is UTC


# Office hours: nights, weekends, opening and closing


def test_office_hours_skip_the_night():
    # Tue 10 March 2026 17:30 + 1 h: 30 min until 18:00, the other 30 min from Wed 09:00 → Wed 09:30.
    assert add_business_time(shanghai(2026, 3, 10, 17, 30), hours(1), OFFICE) == shanghai(2026, 3, 11, 9, 30)


def test_office_hours_skip_the_weekend():
    # Fri 13 March 2026 17:00 + 2 h: 1 h until 18:00, Sat 14 and Sun 15 closed, 1 h from Mon 16 09:00 → 10:00.
    assert add_business_time(shanghai(2026, 3, 13, 17), hours(2), OFFICE) == shanghai(2026, 3, 16, 10)


def test_office_hours_walk_a_week_long_target_across_many_days():
    # Tue 10 March 2026 10:00 + 7 × 24 h = 168 h at 9 h a day: 8 h on Tue 10, then 17 full days (153 h) on
    # 11–13, 16–20, 23–27 March and 30 March – 2 April, leaving 7 h on Fri 3 April from 09:00 → 16:00.
    # Sat 4 – Mon 6 April are the Tomb-sweeping holiday, which this due time does not reach.
    due = add_business_time(shanghai(2026, 3, 10, 10), timedelta(days=7), OFFICE)

    assert due == shanghai(2026, 4, 3, 16)


@pytest.mark.parametrize(
    ("start", "expected_due"),
    [
        # Before opening: counting starts at Tue 09:00 → 10:00.
        (shanghai(2026, 3, 10, 7), shanghai(2026, 3, 10, 10)),
        # After closing: counting starts at Wed 09:00 → 10:00.
        (shanghai(2026, 3, 10, 20), shanghai(2026, 3, 11, 10)),
        # On Sunday 8 March: counting starts at Mon 9 March 09:00 → 10:00.
        (shanghai(2026, 3, 8, 12), shanghai(2026, 3, 9, 10)),
    ],
    ids=["before-opening", "after-closing", "on-sunday"],
)
def test_a_start_outside_office_hours_counts_from_the_next_opening(start, expected_due):
    assert add_business_time(start, hours(1), OFFICE) == expected_due


def test_a_start_exactly_at_opening_counts_at_once_and_a_full_day_ends_at_closing():
    # Tue 10 March 2026 09:00 + 9 h is the whole office day: due at 18:00 that day, not the next morning.
    assert add_business_time(shanghai(2026, 3, 10, 9), hours(9), OFFICE) == shanghai(2026, 3, 10, 18)
    assert is_business_time(shanghai(2026, 3, 10, 9), OFFICE)
    assert not is_business_time(shanghai(2026, 3, 10, 8, 59), OFFICE)


def test_a_start_exactly_at_closing_counts_from_the_next_opening():
    # Tue 10 March 2026 18:00 + 1 h: nothing is left that day, so Wed 09:00 + 1 h → 10:00.
    assert add_business_time(shanghai(2026, 3, 10, 18), hours(1), OFFICE) == shanghai(2026, 3, 11, 10)
    assert not is_business_time(shanghai(2026, 3, 10, 18), OFFICE)
    assert is_business_time(shanghai(2026, 3, 10, 18) - timedelta(microseconds=1), OFFICE)
    assert next_business_moment(shanghai(2026, 3, 10, 18), OFFICE) == shanghai(2026, 3, 11, 9)


def test_next_business_moment_inside_hours_is_the_moment_itself():
    assert next_business_moment(shanghai(2026, 3, 10, 11, 15), OFFICE) == shanghai(2026, 3, 10, 11, 15)


def test_zero_duration_is_due_at_the_start_even_outside_hours():
    assert add_business_time(shanghai(2026, 3, 8, 12), timedelta(0), OFFICE) == shanghai(2026, 3, 8, 12)


def test_lunch_break_does_not_count():
    # Tue 10 March 2026 11:00 + 2 h: 1 h until 12:00, lunch until 13:30, 1 h more → 14:30.
    assert add_business_time(shanghai(2026, 3, 10, 11), hours(2), LUNCH_BREAK) == shanghai(
        2026, 3, 10, 14, 30
    )
    # 11:00 + 1 h ends exactly at the start of lunch: due at 12:00, not 13:30.
    assert add_business_time(shanghai(2026, 3, 10, 11), hours(1), LUNCH_BREAK) == shanghai(2026, 3, 10, 12)
    # A start during lunch, 12:15, counts from 13:30: + 30 min → 14:00.
    assert add_business_time(shanghai(2026, 3, 10, 12, 15), hours(0.5), LUNCH_BREAK) == shanghai(
        2026, 3, 10, 14
    )
    # 11:00 → 14:00 is 1 h before lunch and 30 min after.
    assert business_time_between(shanghai(2026, 3, 10, 11), shanghai(2026, 3, 10, 14), LUNCH_BREAK) == hours(
        1.5
    )
    assert not is_business_time(shanghai(2026, 3, 10, 12, 30), LUNCH_BREAK)
    assert next_business_moment(shanghai(2026, 3, 10, 12, 30), LUNCH_BREAK) == shanghai(2026, 3, 10, 13, 30)


# The official calendar: public holidays and make-up working days (调休)


def test_office_hours_skip_the_national_day_holiday():
    # Wed 30 September 2026 17:00 + 2 h: 1 h until 18:00, 1–7 October are holidays, Thu 8 October 09:00 + 1 h.
    assert add_business_time(shanghai(2026, 9, 30, 17), hours(2), OFFICE) == shanghai(2026, 10, 8, 10)


def test_office_hours_skip_the_spring_festival_holiday():
    # Sat 14 February 2026 is a make-up working day; 17:00 + 2 h: 1 h until 18:00, 15–23 February are
    # holidays, Tue 24 February 09:00 + 1 h → 10:00.
    assert add_business_time(shanghai(2026, 2, 14, 17), hours(2), OFFICE) == shanghai(2026, 2, 24, 10)


def test_a_weekday_holiday_counts_when_the_calendar_ignores_the_official_calendar():
    # The same Wed 30 September 17:00 + 2 h, but Thu 1 October is just a Thursday → 10:00 that day.
    assert add_business_time(shanghai(2026, 9, 30, 17), hours(2), WEEKDAYS_ONLY) == shanghai(2026, 10, 1, 10)


def test_the_clock_runs_on_a_make_up_saturday():
    # Fri 13 February 2026 17:00 + 2 h: 1 h until 18:00, then Sat 14 February is a make-up working day with
    # Monday's hours, 09:00 + 1 h → 10:00.
    assert add_business_time(shanghai(2026, 2, 13, 17), hours(2), OFFICE) == shanghai(2026, 2, 14, 10)
    assert OFFICE.is_working_day(date(2026, 2, 14))
    # Without the official calendar that Saturday is closed: Mon 16 February 09:00 + 1 h → 10:00.
    assert add_business_time(shanghai(2026, 2, 13, 17), hours(2), WEEKDAYS_ONLY) == shanghai(2026, 2, 16, 10)


def test_the_clock_runs_on_a_make_up_sunday_for_a_full_office_day():
    # Sun 20 September 2026 is a make-up working day: from Saturday midnight to Monday midnight only its
    # 09:00–18:00 counts, 9 h.
    assert business_time_between(shanghai(2026, 9, 19), shanghai(2026, 9, 21), OFFICE) == hours(9)


def test_a_make_up_day_uses_mondays_hours():
    calendar = BusinessCalendar(
        round_the_clock=False,
        follows_official_calendar=True,
        office_hours={0: ((time(10), time(17)),)} | dict.fromkeys(range(1, 5), ((time(9), time(18)),)),
    )

    assert calendar.opening_hours_on(date(2026, 2, 14)) == ((time(10), time(17)),)
    # Sat 14 February 2026 09:30 + 1 h counts from 10:00 → 11:00.
    assert add_business_time(shanghai(2026, 2, 14, 9, 30), hours(1), calendar) == shanghai(2026, 2, 14, 11)


def test_which_days_are_working_days():
    assert OFFICE.is_working_day(date(2026, 3, 10))  # an ordinary Tuesday
    assert not OFFICE.is_working_day(date(2026, 3, 14))  # an ordinary Saturday
    assert not OFFICE.is_working_day(date(2026, 10, 2))  # a Friday in the National Day holiday
    assert OFFICE.is_working_day(date(2026, 10, 10))  # a make-up Saturday
    assert ROUND_THE_CLOCK.is_working_day(date(2026, 10, 2))


# The institution's own extra dates


def test_an_extra_closed_date_is_skipped():
    calendar = BusinessCalendar.chinese_office_hours(extra_closed_dates=[date(2026, 3, 11)])

    # Tue 10 March 2026 17:00 + 2 h: 1 h until 18:00, Wed 11 closed, Thu 12 09:00 + 1 h → 10:00.
    assert add_business_time(shanghai(2026, 3, 10, 17), hours(2), calendar) == shanghai(2026, 3, 12, 10)
    assert not calendar.is_working_day(date(2026, 3, 11))


def test_an_extra_working_sunday_uses_mondays_hours():
    calendar = BusinessCalendar.chinese_office_hours(extra_working_dates=[date(2026, 3, 15)])

    # Fri 13 March 2026 17:00 + 2 h: 1 h until 18:00, Sat 14 closed, Sun 15 open 09:00 + 1 h → 10:00.
    assert add_business_time(shanghai(2026, 3, 13, 17), hours(2), calendar) == shanghai(2026, 3, 15, 10)


def test_an_extra_working_date_overrides_a_public_holiday():
    calendar = BusinessCalendar.chinese_office_hours(extra_working_dates=[date(2026, 10, 2)])

    # Wed 30 September 2026 17:00 + 2 h: 1 h until 18:00, Thu 1 October a holiday, Fri 2 October open
    # 09:00 + 1 h → 10:00.
    assert add_business_time(shanghai(2026, 9, 30, 17), hours(2), calendar) == shanghai(2026, 10, 2, 10)


# Measuring elapsed business time


def test_business_time_between_counts_only_opening_hours():
    # Fri 13 March 2026 17:00 → Mon 16 March 10:00: 1 h on Friday, nothing at the weekend, 1 h on Monday.
    assert business_time_between(shanghai(2026, 3, 13, 17), shanghai(2026, 3, 16, 10), OFFICE) == hours(2)


def test_business_time_between_is_zero_when_the_end_is_not_later():
    assert business_time_between(shanghai(2026, 3, 10, 12), shanghai(2026, 3, 10, 12), OFFICE) == timedelta(0)
    assert business_time_between(shanghai(2026, 3, 10, 12), shanghai(2026, 3, 10, 11), OFFICE) == timedelta(0)
    assert business_time_between(
        shanghai(2026, 3, 10, 12), shanghai(2026, 3, 9, 12), ROUND_THE_CLOCK
    ) == timedelta(0)


def test_three_quarters_of_a_first_response_target():
    # Tue 10 March 2026 10:00 with a 24 h target: 8 h on Tuesday, 9 h on Wednesday, 7 h on Thursday → due
    # Thu 12 March 16:00. 75 % is 18 h: 8 h + 9 h + 1 h → Thu 12 March 10:00.
    created = shanghai(2026, 3, 10, 10)
    due = add_business_time(created, hours(24), OFFICE)
    warning_at = add_business_time(created, hours(24) * 3 / 4, OFFICE)

    assert due == shanghai(2026, 3, 12, 16)
    assert warning_at == shanghai(2026, 3, 12, 10)
    assert business_time_between(created, warning_at, OFFICE) == hours(18)


# Pausing while the complaint awaits the complainant


def test_a_pause_moves_the_due_time_by_the_paused_business_time():
    # Due Thu 12 March 2026 16:00 (24 h from Tue 10:00, see above). Paused Tue 16:00, resumed Wed 11:00:
    # 2 h on Tuesday + 2 h on Wednesday = 4 h paused. Thu 16:00 + 4 h: 2 h until 18:00, then Fri 09:00 + 2 h
    # → 11:00.
    due = shanghai(2026, 3, 12, 16)
    paused_at, resumed_at = shanghai(2026, 3, 10, 16), shanghai(2026, 3, 11, 11)

    assert business_time_between(paused_at, resumed_at, OFFICE) == hours(4)
    new_due = postpone_due_time(due, paused_at=paused_at, resumed_at=resumed_at, calendar=OFFICE)
    assert new_due == shanghai(2026, 3, 13, 11)
    # The same answer from the time left at the pause: 2 h + 9 h + 7 h = 18 h from Wed 11:00 → Fri 11:00.
    left_at_pause = business_time_between(paused_at, due, OFFICE)
    assert left_at_pause == hours(18)
    assert add_business_time(resumed_at, left_at_pause, OFFICE) == new_due


def test_a_pause_over_a_holiday_does_not_move_the_due_time():
    # Paused Thu 1 October 2026 10:00, resumed Wed 7 October 20:00: all of it in the National Day holiday.
    due = shanghai(2026, 10, 9, 12)

    new_due = postpone_due_time(
        due, paused_at=shanghai(2026, 10, 1, 10), resumed_at=shanghai(2026, 10, 7, 20), calendar=OFFICE
    )

    assert new_due == due


def test_a_pause_on_round_the_clock_moves_the_due_time_by_the_real_pause():
    # Paused 30 h: due Tue 10 March 2026 12:00 moves to Wed 11 March 18:00.
    new_due = postpone_due_time(
        shanghai(2026, 3, 10, 12),
        paused_at=shanghai(2026, 3, 8, 6),
        resumed_at=shanghai(2026, 3, 9, 12),
        calendar=ROUND_THE_CLOCK,
    )

    assert new_due == shanghai(2026, 3, 11, 18)


# Years the official calendar does not cover


def test_a_year_before_the_official_data_falls_back_to_weekday_hours():
    # Fri 1 October 1999 was National Day, but the package starts in 2004: the calendar treats it as an
    # ordinary Friday. Thu 30 September 17:00 + 2 h: 1 h until 18:00, Fri 1 October 09:00 + 1 h → 10:00.
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(date(1999, 10, 1))

    assert add_business_time(shanghai(1999, 9, 30, 17), hours(2), OFFICE) == shanghai(1999, 10, 1, 10)


def test_a_year_after_the_official_data_falls_back_to_weekday_hours_and_extra_dates():
    # 2099 is far past any release. Thu 1 October 2099 counts as an ordinary Thursday; the institution's own
    # closed Friday 2 October still applies; Sat 3 October is an ordinary Saturday. So Wed 30 September
    # 17:00 + 11 h: 1 h until 18:00, 9 h on Thursday, then Mon 5 October 09:00 + 1 h → 10:00.
    calendar = BusinessCalendar.chinese_office_hours(extra_closed_dates=[date(2099, 10, 2)])
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(date(2099, 10, 1))

    assert add_business_time(shanghai(2099, 9, 30, 17), hours(11), calendar) == shanghai(2099, 10, 5, 10)


def test_a_year_outside_the_official_data_is_logged_once(caplog):
    business_calendar._warn_year_not_covered.cache_clear()
    caplog.set_level(logging.WARNING, logger=business_calendar.__name__)

    business_time_between(shanghai(2098, 3, 2), shanghai(2098, 3, 20), OFFICE)
    business_time_between(shanghai(2098, 6, 1), shanghai(2098, 6, 5), OFFICE)

    assert len(caplog.records) == 1
    assert "no data for 2098" in caplog.records[0].getMessage()


# Daylight saving, which Asia/Shanghai does not have but other zones do


def test_daylight_saving_shifts_office_hours_with_the_wall_clock():
    # Fri 27 March 2026 17:00 CET (16:00 UTC) + 2 h: 1 h until 18:00, then Mon 30 March 09:00 CEST + 1 h →
    # 10:00 CEST, 08:00 UTC.
    due = add_business_time(datetime(2026, 3, 27, 17, tzinfo=BERLIN), hours(2), BERLIN_OFFICE)

    assert due == datetime(2026, 3, 30, 8, tzinfo=UTC)


def test_daylight_saving_counts_real_time_not_wall_clock_time():
    # Sat 28 March 2026 12:00 CET + 24 h = Sun 29 March 13:00 CEST: the day is 23 h long.
    round_the_clock_in_berlin = BusinessCalendar.twenty_four_seven(time_zone="Europe/Berlin")
    due = add_business_time(datetime(2026, 3, 28, 12, tzinfo=BERLIN), hours(24), round_the_clock_in_berlin)
    assert due == datetime(2026, 3, 29, 13, tzinfo=BERLIN)
    # Open all of Sunday (00:00 to the end of the day): 29 March has only 23 real hours.
    sundays = BusinessCalendar(
        round_the_clock=False, time_zone="Europe/Berlin", office_hours={6: ((time(0), time(0)),)}
    )
    assert business_time_between(
        datetime(2026, 3, 29, tzinfo=BERLIN), datetime(2026, 3, 30, tzinfo=BERLIN), sundays
    ) == hours(23)


def test_wall_times_skipped_by_daylight_saving_are_not_counted_twice():
    # On Sun 29 March 2026 Berlin clocks jump from 02:00 CET to 03:00 CEST. Opening 00:00–02:30 and
    # 03:00–04:00 covers the whole night from midnight (23:00 UTC) to 04:00 CEST (02:00 UTC): 3 real hours.
    # The non-existent 02:30 reads as 01:30 UTC, after 03:00 CEST (01:00 UTC), so a naive sum would say 3.5 h.
    night_shift = BusinessCalendar(
        round_the_clock=False,
        time_zone="Europe/Berlin",
        office_hours={6: ((time(0), time(2, 30)), (time(3), time(4)))},
    )

    assert business_time_between(
        datetime(2026, 3, 29, tzinfo=BERLIN), datetime(2026, 3, 29, 5, tzinfo=BERLIN), night_shift
    ) == hours(3)


# Refused input


NAIVE = datetime(2026, 3, 10, 10)
AWARE = shanghai(2026, 3, 10, 10)


@pytest.mark.parametrize(
    "call",
    [
        lambda: add_business_time(NAIVE, hours(1), OFFICE),
        lambda: add_business_time(NAIVE, hours(1), ROUND_THE_CLOCK),
        lambda: business_time_between(NAIVE, AWARE, OFFICE),
        lambda: business_time_between(AWARE, NAIVE, ROUND_THE_CLOCK),
        lambda: is_business_time(NAIVE, OFFICE),
        lambda: next_business_moment(NAIVE, ROUND_THE_CLOCK),
        lambda: postpone_due_time(NAIVE, paused_at=AWARE, resumed_at=AWARE, calendar=OFFICE),
    ],
    ids=["add", "add-24x7", "between-start", "between-end", "is", "next", "postpone"],
)
def test_naive_datetimes_are_refused(call):
    with pytest.raises(ValueError, match="timezone-aware"):
        call()


def test_a_negative_duration_is_refused():
    with pytest.raises(ValueError, match="negative"):
        add_business_time(AWARE, hours(-1), OFFICE)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"time_zone": "Asia/Nowhere"}, "Unknown time zone"),
        ({"round_the_clock": False}, "at least one weekday"),
        ({"round_the_clock": False, "office_hours": {7: ((time(9), time(18)),)}}, "Weekdays run"),
        ({"round_the_clock": False, "office_hours": {0: ((time(18), time(9)),)}}, "open before it closes"),
        ({"round_the_clock": False, "office_hours": {0: ((9, 18),)}}, "pair of naive times"),
        (
            {"round_the_clock": False, "office_hours": {0: ((time(13), time(18)), (time(9), time(14)))}},
            "overlap on weekday 0",
        ),
        (
            {"round_the_clock": False, "office_hours": {0: ((time(0), time(0)), (time(9), time(18)))}},
            "overlap on weekday 0",
        ),
        ({"extra_closed_dates": [datetime(2026, 3, 11, 9)]}, "are dates"),
        (
            {"extra_closed_dates": [date(2026, 3, 11)], "extra_working_dates": [date(2026, 3, 11)]},
            "both extra closed and extra working: 2026-03-11",
        ),
    ],
)
def test_an_inconsistent_calendar_is_refused(fields, message):
    with pytest.raises(ValueError, match=message):
        BusinessCalendar(**fields)


def test_a_calendar_is_frozen_hashable_and_compared_by_value():
    other = BusinessCalendar.chinese_office_hours()

    assert other == OFFICE
    assert hash(other) == hash(OFFICE)
    assert other != WEEKDAYS_ONLY
    with pytest.raises(TypeError):
        OFFICE.office_hours[5] = ((time(9), time(12)),)


def test_a_calendar_survives_pickling_and_deep_copying():
    calendar = BusinessCalendar.chinese_office_hours(extra_closed_dates=[date(2026, 3, 11)])

    # The bytes come from this test, so loading them is safe.
    unpickled = pickle.loads(pickle.dumps(calendar))  # noqa: S301
    for copied in (unpickled, copy.deepcopy(calendar)):
        assert copied == calendar
        assert not copied.is_working_day(date(2026, 3, 11))


# Properties over random starts and durations


CALENDARS = [ROUND_THE_CLOCK, OFFICE, LUNCH_BREAK, BERLIN_OFFICE]
# 2025 to 2027 crosses the end of the official data (2026 in chinesecalendar 1.11) on purpose.
STARTS = st.datetimes(
    min_value=datetime(2025, 1, 1), max_value=datetime(2027, 12, 31), timezones=st.just(UTC)
)
DURATIONS = st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=30))
PROPERTY_SETTINGS = settings(database=None, max_examples=300, deadline=None)


@PROPERTY_SETTINGS
@given(start=STARTS, duration=DURATIONS, calendar=st.sampled_from(CALENDARS))
def test_measuring_up_to_the_due_time_gives_back_the_duration(start, duration, calendar):
    due = add_business_time(start, duration, calendar)

    assert business_time_between(start, due, calendar) == duration
    if duration:
        # The due time is the first moment the duration is reached, not a later one.
        assert business_time_between(start, due - timedelta(microseconds=1), calendar) < duration


@PROPERTY_SETTINGS
@given(start=STARTS, first=DURATIONS, second=DURATIONS, calendar=st.sampled_from(CALENDARS))
def test_adding_in_two_steps_equals_adding_at_once(start, first, second, calendar):
    in_two_steps = add_business_time(add_business_time(start, first, calendar), second, calendar)

    assert in_two_steps == add_business_time(start, first + second, calendar)


@PROPERTY_SETTINGS
@given(start=STARTS, first_gap=DURATIONS, second_gap=DURATIONS, calendar=st.sampled_from(CALENDARS))
def test_elapsed_business_time_adds_up_over_consecutive_spans(start, first_gap, second_gap, calendar):
    middle = start + first_gap
    end = middle + second_gap

    assert business_time_between(start, middle, calendar) + business_time_between(
        middle, end, calendar
    ) == business_time_between(start, end, calendar)
