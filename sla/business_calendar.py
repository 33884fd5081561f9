"""Business time for SLA clocks: due times and elapsed time measured on an institution's calendar.

A calendar is either round the clock (24×7: business time is real time) or office hours: intervals of local
wall-clock time per weekday in the institution's time zone, optionally following the official Chinese calendar
of public holidays and make-up working days (调休), plus the institution's own extra closed and working dates.

Instants in and out are timezone-aware datetimes; results are in UTC. The arithmetic walks whole opening
intervals day by day, so a week-long target costs a few dozen steps, never one per minute.

The official calendar comes from the ``chinesecalendar`` package, which knows the years from 2004 up to the
latest one the State Council has published. For a year it does not know, a calendar that follows the official
calendar falls back to its weekday rules (open on the weekdays that have office hours; extra dates still
apply) and logs a warning once per year: a clock that keeps running on weekday hours is better than a sweep
that fails on 1 January. Upgrading the package brings the new year's holidays in.
"""

import logging
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, fields
from datetime import UTC, date, datetime, time, timedelta
from functools import cache, cached_property, lru_cache, partial
from itertools import pairwise
from types import MappingProxyType
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import chinese_calendar

logger = logging.getLogger(__name__)

DEFAULT_TIME_ZONE = "Asia/Shanghai"
# As the end of an opening interval, midnight means the end of the day: time() cannot say 24:00.
MIDNIGHT = time(0, 0)
WEEKDAYS = range(7)
SATURDAY = 5
ONE_DAY = timedelta(days=1)
NO_TIME = timedelta(0)

OpeningInterval = tuple[time, time]
OpeningSpan = tuple[datetime, datetime]


@dataclass(frozen=True)
class BusinessCalendar:
    """Describe when an institution's SLA clocks run.

    ``round_the_clock`` makes business time real time, every day; the other fields but ``time_zone`` are then
    ignored, so an institution can switch back to office hours without losing them.

    ``office_hours`` maps a weekday (0 = Monday … 6 = Sunday) to opening intervals of local wall-clock time,
    e.g. ``((time(9), time(12)), (time(13, 30), time(18)))`` for a day with a lunch break. An interval
    ending at ``time(0)`` runs until the end of the day; intervals never cross midnight. Missing weekdays have
    no hours.

    Which days are open, first rule that applies:

    1. an extra working date is open, an extra closed date is closed (the two sets must not overlap);
    2. following the official calendar, a day is open when the official calendar makes it a working day:
       Monday to Friday except public holidays, plus the make-up working days (调休) that fall on weekends;
       Saturday and Sunday hours then only serve extra working dates on those days;
    3. otherwise a day is open when its weekday has office hours.

    An open day uses its weekday's hours, so a weekday without hours stays closed even when the official
    calendar works. A make-up working day replaces a normal weekday, so it uses the
    *standard hours*: those of the first weekday from Monday that has any (Monday's in a Monday-to-Friday
    setup). So does an extra working date whose weekday has no hours.
    """

    round_the_clock: bool = True
    time_zone: str = DEFAULT_TIME_ZONE
    # Stored read-only; left out of the hash because a mapping has none, equality still compares it.
    office_hours: Mapping[int, tuple[OpeningInterval, ...]] = field(default_factory=dict, hash=False)
    follows_official_calendar: bool = False
    extra_closed_dates: frozenset[date] = frozenset()
    extra_working_dates: frozenset[date] = frozenset()

    def __post_init__(self) -> None:
        try:
            ZoneInfo(self.time_zone)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError(f"Unknown time zone {self.time_zone!r}.") from error
        # Frozen dataclass: normalised values have to be set past the frozen __setattr__.
        object.__setattr__(self, "office_hours", _normalised_office_hours(self.office_hours))
        object.__setattr__(self, "extra_closed_dates", _date_set(self.extra_closed_dates))
        object.__setattr__(self, "extra_working_dates", _date_set(self.extra_working_dates))
        both = self.extra_closed_dates & self.extra_working_dates
        if both:
            listed = ", ".join(str(day) for day in sorted(both))
            raise ValueError(f"Dates cannot be both extra closed and extra working: {listed}.")
        if not self.round_the_clock and not self.standard_hours:
            raise ValueError("An office-hours calendar needs opening hours on at least one weekday.")

    def __reduce__(self) -> tuple[Callable[[], "BusinessCalendar"], tuple[()]]:
        """Rebuild from plain values: pickle and deepcopy cannot copy the read-only office-hours mapping."""
        values = {calendar_field.name: getattr(self, calendar_field.name) for calendar_field in fields(self)}
        values["office_hours"] = dict(self.office_hours)
        return partial(type(self), **values), ()

    @classmethod
    def twenty_four_seven(cls, *, time_zone: str = DEFAULT_TIME_ZONE) -> "BusinessCalendar":
        """Build the default calendar: clocks run day and night, every day of the year."""
        return cls(round_the_clock=True, time_zone=time_zone)

    @classmethod
    def chinese_office_hours(
        cls,
        *,
        time_zone: str = DEFAULT_TIME_ZONE,
        extra_closed_dates: Iterable[date] = (),
        extra_working_dates: Iterable[date] = (),
    ) -> "BusinessCalendar":
        """Build an office-hours calendar: Monday to Friday 09:00–18:00 on the official Chinese calendar."""
        office_day = ((time(9), time(18)),)
        return cls(
            round_the_clock=False,
            time_zone=time_zone,
            office_hours=dict.fromkeys(range(5), office_day),
            follows_official_calendar=True,
            extra_closed_dates=frozenset(extra_closed_dates),
            extra_working_dates=frozenset(extra_working_dates),
        )

    @cached_property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    @cached_property
    def standard_hours(self) -> tuple[OpeningInterval, ...]:
        """Return the hours of the first weekday from Monday that has any: a make-up working day's hours."""
        return next((hours for weekday in WEEKDAYS if (hours := self.office_hours[weekday])), ())

    def opening_hours_on(self, day: date) -> tuple[OpeningInterval, ...]:
        """Return the local opening intervals of a date; empty when the institution is closed that day."""
        if self.round_the_clock:
            return ((MIDNIGHT, MIDNIGHT),)
        own_hours = self.office_hours[day.weekday()]
        if day in self.extra_working_dates:
            return own_hours or self.standard_hours
        if day in self.extra_closed_dates:
            return ()
        if self.follows_official_calendar:
            official_workday = _official_workday(day)
            if official_workday is not None:
                if not official_workday:
                    return ()
                # A weekend official workday is a make-up day (调休) standing in for a normal weekday.
                return own_hours if day.weekday() < SATURDAY else self.standard_hours
        return own_hours

    def is_working_day(self, day: date) -> bool:
        """Say whether the clocks run at some time on this date."""
        return bool(self.opening_hours_on(day))


def add_business_time(start: datetime, duration: timedelta, calendar: BusinessCalendar) -> datetime:
    """Return the UTC instant at which ``duration`` of business time has elapsed after ``start``.

    Counting starts at ``start`` if the calendar is open then, otherwise at its next opening; time outside
    opening hours (nights, lunch breaks, weekends, holidays) does not count. A duration that ends exactly at a
    closing time returns that closing time. A zero duration returns ``start``.

    Raises ValueError for a naive ``start`` or a negative ``duration``.
    """
    _require_aware(start, name="start")
    if duration < NO_TIME:
        raise ValueError(f"Business time cannot be negative, got {duration}.")
    start = start.astimezone(UTC)
    if calendar.round_the_clock:
        return start + duration
    if not duration:
        return start
    remaining = duration
    spans = _opening_spans(first_day=start.astimezone(calendar.zone).date(), calendar=calendar)
    while True:
        opens_at, closes_at = next(spans)
        if closes_at <= start:
            continue
        counting_from = max(opens_at, start)
        available = closes_at - counting_from
        if remaining <= available:
            return counting_from + remaining
        remaining -= available


def add_working_days(start: datetime, days: int, calendar: BusinessCalendar) -> datetime:
    """Return the UTC instant ``days`` working days after ``start``, at the same local time of day.

    Counting starts at ``start`` if the calendar is open then, otherwise at its next opening; the due day is
    the ``days``-th working day after that moment's day, so a complaint filed on Friday 10:00 with three
    working days is due on Wednesday 10:00, past the weekend and any holiday, and on a make-up working day
    (调休) the clock counts that day. When the due day opens later or closes earlier than that time of day,
    the due time is its opening or closing. On a round-the-clock calendar every day works: ``days`` × 24 h.

    Raises ValueError for a naive ``start`` or a negative ``days``.
    """
    _require_aware(start, name="start")
    if days < 0:
        raise ValueError(f"Working days cannot be negative, got {days}.")
    start = start.astimezone(UTC)
    if calendar.round_the_clock:
        return start + days * ONE_DAY
    counting_from = next_business_moment(start, calendar).astimezone(calendar.zone)
    day, counted = counting_from.date(), 0
    while counted < days:
        day += ONE_DAY
        if calendar.is_working_day(day):
            counted += 1
    spans = [
        (
            _instant(day, opens, calendar.zone),
            _instant(day + ONE_DAY if closes == MIDNIGHT else day, closes, calendar.zone),
        )
        for opens, closes in calendar.opening_hours_on(day)
    ]
    wanted = _instant(day, counting_from.time().replace(tzinfo=None), calendar.zone)
    return min(max(wanted, spans[0][0]), spans[-1][1])


def business_time_between(start: datetime, end: datetime, calendar: BusinessCalendar) -> timedelta:
    """Return the business time that elapses from ``start`` to ``end``; nothing when ``end`` is not later.

    Raises ValueError for a naive ``start`` or ``end``.
    """
    _require_aware(start, name="start")
    _require_aware(end, name="end")
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    if end <= start:
        return NO_TIME
    if calendar.round_the_clock:
        return end - start
    elapsed = NO_TIME
    spans = _opening_spans(first_day=start.astimezone(calendar.zone).date(), calendar=calendar)
    while True:
        opens_at, closes_at = next(spans)
        if opens_at >= end:
            return elapsed
        overlap = min(closes_at, end) - max(opens_at, start)
        if overlap > NO_TIME:
            elapsed += overlap


def next_business_moment(moment: datetime, calendar: BusinessCalendar) -> datetime:
    """Return ``moment`` in UTC if the calendar is open then, otherwise the UTC instant of its next opening.

    Raises ValueError for a naive ``moment``.
    """
    _require_aware(moment, name="moment")
    moment = moment.astimezone(UTC)
    if calendar.round_the_clock:
        return moment
    spans = _opening_spans(first_day=moment.astimezone(calendar.zone).date(), calendar=calendar)
    while True:
        opens_at, closes_at = next(spans)
        if closes_at > moment:
            return max(opens_at, moment)


def is_business_time(moment: datetime, calendar: BusinessCalendar) -> bool:
    """Say whether the calendar is open at ``moment``: opening times count as open, closing times do not.

    Raises ValueError for a naive ``moment``.
    """
    return next_business_moment(moment, calendar) == moment


def postpone_due_time(
    due: datetime, *, paused_at: datetime, resumed_at: datetime, calendar: BusinessCalendar
) -> datetime:
    """Return ``due`` moved later by the business time that elapsed while its clock was paused.

    Raises ValueError for a naive datetime.
    """
    paused_for = business_time_between(paused_at, resumed_at, calendar)
    return add_business_time(due, paused_for, calendar)


def _opening_spans(*, first_day: date, calendar: BusinessCalendar) -> Iterator[OpeningSpan]:
    """Yield the calendar's opening spans as UTC instants from ``first_day`` on, in order, never overlapping.

    The sequence is endless: validation guarantees standard hours, and the days the official calendar does not
    cover fall back to weekday hours, so another span always comes.
    """
    zone = calendar.zone
    # A wall time skipped by a daylight-saving jump maps to an instant past later wall times of the same day;
    # starting each span at the latest close so far keeps spans in order and counts no instant twice.
    latest_close = datetime.min.replace(tzinfo=UTC)
    day = first_day
    while True:
        for opens, closes in calendar.opening_hours_on(day):
            opens_at = max(_instant(day, opens, zone), latest_close)
            closing_day = day + ONE_DAY if closes == MIDNIGHT else day
            closes_at = _instant(closing_day, closes, zone)
            if closes_at > opens_at:
                yield opens_at, closes_at
                latest_close = closes_at
        day += ONE_DAY


def _instant(day: date, wall_time: time, zone: ZoneInfo) -> datetime:
    # Convert before any arithmetic: subtracting two aware datetimes of one zone compares wall clocks.
    return datetime.combine(day, wall_time, tzinfo=zone).astimezone(UTC)


@cache
def official_calendar_years() -> tuple[int, int]:
    """Return the first and last years the installed official calendar (``chinesecalendar``) covers."""
    from chinese_calendar import constants

    years = {day.year for day in constants.holidays} | {day.year for day in constants.workdays}
    return min(years), max(years)


def official_calendar_covers(year: int) -> bool:
    first, last = official_calendar_years()
    return first <= year <= last


def _official_workday(day: date) -> bool | None:
    """Say whether the official Chinese calendar makes ``day`` a working day; None for a year it lacks."""
    official_workday = _looked_up_official_workday(day)
    if official_workday is None:
        _warn_year_not_covered(day.year)
    return official_workday


# chinesecalendar scans its whole holiday table for the covered years on every call, three quarters of the
# cost of a week-long target; the answers never change within a process.
@lru_cache(maxsize=8192)
def _looked_up_official_workday(day: date) -> bool | None:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return None


@cache
def _warn_year_not_covered(year: int) -> None:
    logger.warning(
        "The official Chinese calendar has no data for %s; business time falls back to weekday office hours. "
        "Upgrade the chinesecalendar package once the year's holidays are published.",
        year,
    )


def _require_aware(moment: datetime, *, name: str) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime, got the naive {moment.isoformat()}.")


def _normalised_office_hours(
    office_hours: Mapping[int, Iterable[OpeningInterval]],
) -> Mapping[int, tuple[OpeningInterval, ...]]:
    """Return the hours for all seven weekdays, each sorted, as a read-only mapping.

    Raises ValueError for an unknown weekday, a value that is not a naive time, an interval that does not
    open before it closes, or overlapping intervals.
    """
    unknown = sorted(set(office_hours) - set(WEEKDAYS), key=repr)
    if unknown:
        raise ValueError(f"Weekdays run from 0 (Monday) to 6 (Sunday), got {unknown}.")
    normalised = {}
    for weekday in WEEKDAYS:
        intervals = tuple(office_hours.get(weekday, ()))
        for interval in intervals:
            if not _is_pair_of_naive_times(interval):
                raise ValueError(f"An opening interval is a pair of naive times, got {interval!r}.")
            opens, closes = interval
            if closes != MIDNIGHT and closes <= opens:
                raise ValueError(f"An opening interval must open before it closes, got {opens}–{closes}.")
        intervals = tuple(sorted((opens, closes) for opens, closes in intervals))
        for (earlier_opens, earlier_closes), (later_opens, later_closes) in pairwise(intervals):
            if earlier_closes == MIDNIGHT or earlier_closes > later_opens:
                raise ValueError(
                    f"Opening intervals overlap on weekday {weekday}: "
                    f"{earlier_opens}–{earlier_closes} and {later_opens}–{later_closes}."
                )
        normalised[weekday] = intervals
    return MappingProxyType(normalised)


def _is_pair_of_naive_times(interval: object) -> bool:
    return (
        isinstance(interval, tuple | list)
        and len(interval) == 2
        and all(isinstance(value, time) and value.tzinfo is None for value in interval)
    )


def _date_set(dates: Iterable[date]) -> frozenset[date]:
    """Return the dates as a frozen set; a datetime is refused because it never equals a date."""
    days = frozenset(dates)
    for day in days:
        if isinstance(day, datetime) or not isinstance(day, date):
            raise ValueError(f"Extra closed and working dates are dates, got {day!r}.")
    return days
