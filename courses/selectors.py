"""Reads of courses that pages and reports share: which instructors are due or overdue for their periodic
training and assessments (培训与考核)."""

import calendar
import datetime
from dataclasses import dataclass

from django.db.models import Max, OuterRef, Subquery
from django.utils import timezone

from .models import DevelopmentRecord, DevelopmentRequirement, Instructor

DUE_SOON_DAYS = 30


def months_after(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` later, or that month's last day when it has none (31 Jan + 1 = 28 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class DevelopmentDue:
    instructor: Instructor
    requirement: DevelopmentRequirement
    last_done: datetime.date | None
    due_on: datetime.date | None  # None: never done, so due now

    def days_left(self, today: datetime.date) -> int | None:
        return None if self.due_on is None else (self.due_on - today).days

    def is_overdue(self, today: datetime.date) -> bool:
        return self.due_on is None or self.due_on < today


def development_due(
    *, today: datetime.date | None = None, within_days: int = DUE_SOON_DAYS
) -> list[DevelopmentDue]:
    """Every active instructor's active requirement that is overdue, never met, or due within the coming
    days, the most overdue first. Two queries whatever the numbers: the requirements, then the instructors
    with the last completion of each requirement as a column."""
    today = today or timezone.localdate()
    requirements = list(DevelopmentRequirement.objects.filter(is_active=True))
    if not requirements:
        return []
    columns = {
        f"last_{requirement.pk}": Subquery(
            DevelopmentRecord.objects.filter(
                instructor=OuterRef("pk"),
                requirement=requirement,
                result__in=[DevelopmentRecord.Result.ATTENDED, DevelopmentRecord.Result.PASSED],
            )
            .values("instructor")
            .annotate(last=Max("held_on"))
            .values("last")
        )
        for requirement in requirements
    }
    due = []
    horizon = today + datetime.timedelta(days=within_days)
    for instructor in (
        Instructor.objects.filter(is_active=True).select_related("department").annotate(**columns)
    ):
        for requirement in requirements:
            last = getattr(instructor, f"last_{requirement.pk}")
            due_on = None if last is None else months_after(last, requirement.every_months)
            if due_on is None or due_on <= horizon:
                due.append(DevelopmentDue(instructor, requirement, last, due_on))
    return sorted(due, key=lambda item: (item.due_on or datetime.date.min, item.instructor.name))
