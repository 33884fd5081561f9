"""Free slots: a counsellor's weekly hours and exceptions, in their own time zone, less the time their held
and confirmed appointments block, from the minimum notice on.

A slot starts at the beginning of a window of working hours and the next one after the session and both
buffers, as long as the session ends within the window. A slot is free when the time it would block (the
session with the buffers around it) overlaps no blocked time of a held (unexpired) or confirmed appointment.
Everything is read in four queries whatever the number of counsellors and days: the counsellors, their weekly
hours, their exceptions in the range, and the blocked times in the range.
"""

import bisect
import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q

from .models import Appointment, AvailabilityException, Counsellor, State, WeeklyHours

Window = tuple[datetime.datetime, datetime.datetime]


@dataclass(frozen=True)
class Slot:
    starts_at: datetime.datetime
    ends_at: datetime.datetime

    @property
    def key(self) -> str:
        return self.starts_at.isoformat()


def _subtract(windows: list[Window], gap: Window) -> list[Window]:
    kept: list[Window] = []
    for start, end in windows:
        if gap[1] <= start or gap[0] >= end:
            kept.append((start, end))
            continue
        if start < gap[0]:
            kept.append((start, gap[0]))
        if gap[1] < end:
            kept.append((gap[1], end))
    return kept


def day_windows(
    *,
    counsellor: Counsellor,
    day: datetime.date,
    weekly: Iterable[WeeklyHours],
    exceptions: Iterable[AvailabilityException],
) -> list[Window]:
    """The counsellor's working windows on one day of their own calendar, as aware datetimes."""
    zone = counsellor.zone

    def at(moment: datetime.time) -> datetime.datetime:
        return datetime.datetime.combine(day, moment, tzinfo=zone)

    day_exceptions = [exception for exception in exceptions if exception.day == day]
    if any(e.kind == AvailabilityException.Kind.DAY_OFF and e.whole_day for e in day_exceptions):
        windows: list[Window] = []
    else:
        windows = [(at(hours.starts), at(hours.ends)) for hours in weekly if hours.weekday == day.weekday()]
    for exception in day_exceptions:
        if exception.kind == AvailabilityException.Kind.EXTRA_HOURS:
            windows.append((at(exception.starts), at(exception.ends)))
    for exception in day_exceptions:
        if exception.kind == AvailabilityException.Kind.DAY_OFF and not exception.whole_day:
            windows = _subtract(windows, (at(exception.starts), at(exception.ends)))
    return sorted(windows)


class _Busy:
    """Blocked times of one counsellor, sorted, for overlap questions by bisection."""

    def __init__(self, ranges: list[Window]) -> None:
        ranges.sort()
        self.starts = [start for start, _end in ranges]
        # The latest end among all ranges up to each index: a range ending late hides behind a later start.
        self.reach: list[datetime.datetime] = []
        latest = None
        for _start, end in ranges:
            latest = end if latest is None or end > latest else latest
            self.reach.append(latest)

    def overlaps(self, start: datetime.datetime, end: datetime.datetime) -> bool:
        index = bisect.bisect_left(self.starts, end) - 1  # the last range starting before ``end``
        return index >= 0 and self.reach[index] > start


def slots_for_counsellor(
    *,
    counsellor: Counsellor,
    first: datetime.date,
    last: datetime.date,
    now: datetime.datetime,
    weekly: list[WeeklyHours],
    exceptions: list[AvailabilityException],
    busy: list[Window],
) -> list[Slot]:
    """Compute one counsellor's free slots from what was read for them (see ``free_slots``)."""
    blocked = _Busy(list(busy))
    earliest = now + datetime.timedelta(hours=counsellor.minimum_notice_hours)
    before, after, session = counsellor.buffer_before, counsellor.buffer_after, counsellor.session
    step = session + before + after
    slots: list[Slot] = []
    seen: set[datetime.datetime] = set()
    day = first
    while day <= last:
        for start, end in day_windows(counsellor=counsellor, day=day, weekly=weekly, exceptions=exceptions):
            moment = start
            while moment + session <= end:
                if (
                    moment >= earliest
                    and moment not in seen
                    and not blocked.overlaps(moment - before, moment + session + after)
                ):
                    slots.append(
                        Slot(moment.astimezone(datetime.UTC), (moment + session).astimezone(datetime.UTC))
                    )
                    seen.add(moment)
                moment += step
        day += datetime.timedelta(days=1)
    slots.sort(key=lambda slot: slot.starts_at)
    return slots


def blocking_appointments(*, now: datetime.datetime) -> Q:
    """The appointments that take a counsellor's time at ``now``: confirmed ones and unexpired holds."""
    return Q(state=State.CONFIRMED) | Q(state=State.HELD, hold_expires_at__gt=now)


def free_slots(
    *,
    counsellors: list[Counsellor],
    first: datetime.date,
    last: datetime.date,
    now: datetime.datetime,
    booked_count: bool = True,
) -> dict[int, list[Slot]]:
    """Return each counsellor's free slots from ``first`` to ``last`` (days of their own calendars).

    Three queries for any number of counsellors: weekly hours, exceptions in the range, blocked times (not
    read with ``booked_count`` False: the slots their hours offer, booked or not).
    """
    if not counsellors or last < first:
        return {counsellor.pk: [] for counsellor in counsellors}
    ids = [counsellor.pk for counsellor in counsellors]
    weekly: dict[int, list[WeeklyHours]] = defaultdict(list)
    for hours in WeeklyHours.objects.filter(counsellor_id__in=ids):
        weekly[hours.counsellor_id].append(hours)
    exceptions: dict[int, list[AvailabilityException]] = defaultdict(list)
    for exception in AvailabilityException.objects.filter(
        counsellor_id__in=ids, day__gte=first, day__lte=last
    ):
        exceptions[exception.counsellor_id].append(exception)
    # Wide enough for any time zone's days and any buffers: a day either side.
    range_start = datetime.datetime.combine(first - datetime.timedelta(days=1), datetime.time(), datetime.UTC)
    range_end = datetime.datetime.combine(last + datetime.timedelta(days=2), datetime.time(), datetime.UTC)
    busy: dict[int, list[Window]] = defaultdict(list)
    rows = (
        ()
        if not booked_count
        else (
            Appointment.objects.filter(blocking_appointments(now=now), counsellor_id__in=ids)
            .filter(blocked_until__gt=range_start, blocked_from__lt=range_end)
            .values_list("counsellor_id", "blocked_from", "blocked_until")
        )
    )
    for counsellor_id, blocked_from, blocked_until in rows:
        busy[counsellor_id].append((blocked_from, blocked_until))
    return {
        counsellor.pk: slots_for_counsellor(
            counsellor=counsellor,
            first=first,
            last=last,
            now=now,
            weekly=weekly[counsellor.pk],
            exceptions=exceptions[counsellor.pk],
            busy=busy[counsellor.pk],
        )
        for counsellor in counsellors
    }


def slot_offered(
    *, counsellor: Counsellor, starts_at: datetime.datetime, now: datetime.datetime, booked_count: bool = True
) -> Slot | None:
    """Return the free slot that starts at ``starts_at`` (by committed data), or None when there is none;
    with ``booked_count`` False, the slot the hours offer there whether or not it is booked."""
    day = starts_at.astimezone(counsellor.zone).date()
    found = free_slots(counsellors=[counsellor], first=day, last=day, now=now, booked_count=booked_count)
    for slot in found[counsellor.pk]:
        if slot.starts_at == starts_at:
            return slot
    return None
