"""The scope of the dashboard's figures: a period of whole local days and the optional filters."""

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from complaints.models import Complaint

from ..facts import Filters


def local_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


@dataclass(frozen=True)
class Period:
    """Whole days from ``first`` to ``last`` inclusive, in the institution's time zone."""

    first: datetime.date
    last: datetime.date

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    @property
    def starts_at(self) -> datetime.datetime:
        return datetime.datetime.combine(self.first, datetime.time(0), tzinfo=local_zone())

    @property
    def ends_at(self) -> datetime.datetime:
        """The first moment after the period."""
        return datetime.datetime.combine(
            self.last + datetime.timedelta(days=1), datetime.time(0), local_zone()
        )

    def previous(self) -> "Period":
        """The period of the same length just before this one."""
        return Period(
            self.first - datetime.timedelta(days=self.days), self.first - datetime.timedelta(days=1)
        )


def period_named(name: str, *, today: datetime.date | None = None) -> Period:
    """Return this week, month, quarter or year up to today (unknown names: this month)."""
    today = today or timezone.localdate()
    if name == "week":
        return Period(today - datetime.timedelta(days=today.weekday()), today)
    if name == "quarter":
        return Period(datetime.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1), today)
    if name == "year":
        return Period(datetime.date(today.year, 1, 1), today)
    return Period(today.replace(day=1), today)


def year_period(year: int) -> Period:
    return Period(datetime.date(year, 1, 1), datetime.date(year, 12, 31))


@dataclass(frozen=True)
class Scope:
    period: Period
    department_id: int | None = None
    category_id: int | None = None
    channel: str | None = None

    def complaint_filter(self, prefix: str = "") -> Q:
        """The department, category and channel filters, for complaints reached through ``prefix``."""
        conditions = {}
        if self.department_id:
            conditions[f"{prefix}department_id"] = self.department_id
        if self.category_id:
            conditions[f"{prefix}category_id"] = self.category_id
        if self.channel:
            conditions[f"{prefix}channel"] = self.channel
        return Q(**conditions)

    def filters(self) -> Filters:
        return Filters(department_id=self.department_id, category_id=self.category_id, channel=self.channel)

    def filed_in(self, period: Period, prefix: str = "") -> Q:
        return Q(**{f"{prefix}created_at__gte": period.starts_at, f"{prefix}created_at__lt": period.ends_at})


def complaints_in_scope(scope: Scope) -> QuerySet[Complaint]:
    """The complaints filed in the scope's period that match its filters (the rows behind the figures)."""
    return Complaint.objects.filter(scope.complaint_filter(), scope.filed_in(scope.period))


def share(part: int | None, whole: int | None) -> float | None:
    """Part of whole as a percentage with one decimal, or None when there is nothing to divide."""
    if not whole:
        return None
    return round(100.0 * (part or 0) / whole, 1)


def change(current, previous) -> dict:
    return {"current": current, "previous": previous}
