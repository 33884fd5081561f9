"""Every figure of the managers' dashboard, computed in the database; the page, API and report share them.

A scope is a period (whole days in the institution's time zone) with optional department, category and channel
filters. Each figure comes with the same figure for the previous period of the same length, except figures
that describe the present moment (open now, overdue now, improvement actions open).

``figures`` sums the daily facts (``dashboard.facts``), ``timings`` gives the median and 90th-percentile
times, and ``live`` reads small tables and indexes directly.
"""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from .figures import (
    EXACT_PERCENTILES_UP_TO,
    Breakdown,
    FactSums,
    breakdowns,
    estimated_percentile,
    fact_sums,
    promise_figures,
    remedy_figures,
    rollup_built,
    satisfaction_figures,
    trend_figures,
    volume_figures,
)
from .live import (
    HOT_SPOT_LIMIT,
    OVERDUE_LIST_LIMIT,
    hot_spots,
    improvement_figures,
    overdue_now,
)
from .refunds import refund_figures
from .scope import Period, Scope, change, complaints_in_scope, local_zone, period_named, share, year_period

__all__ = [
    "EXACT_PERCENTILES_UP_TO",
    "HOT_SPOT_LIMIT",
    "OVERDUE_LIST_LIMIT",
    "Breakdown",
    "DashboardFigures",
    "FactSums",
    "Period",
    "Scope",
    "breakdowns",
    "change",
    "complaints_in_scope",
    "dashboard_figures",
    "estimated_percentile",
    "fact_sums",
    "hot_spots",
    "improvement_figures",
    "local_zone",
    "overdue_now",
    "period_named",
    "promise_figures",
    "refund_figures",
    "remedy_figures",
    "rollup_built",
    "satisfaction_figures",
    "share",
    "trend_figures",
    "volume_figures",
    "year_period",
]


@dataclass
class DashboardFigures:
    scope: Scope
    volumes: dict = field(default_factory=dict)
    promises: dict = field(default_factory=dict)
    overdue: dict = field(default_factory=dict)
    satisfaction: dict = field(default_factory=dict)
    hot_spots: dict = field(default_factory=dict)
    improvement: dict = field(default_factory=dict)
    trends: dict = field(default_factory=dict)
    refunds: dict = field(default_factory=dict)


def dashboard_figures(scope: Scope, *, now: datetime.datetime | None = None) -> DashboardFigures:
    """Every figure of the dashboard for one scope (a fixed number of queries, whatever the data)."""
    now = now or timezone.now()
    sums = fact_sums(scope, now=now, built=rollup_built())
    volumes = volume_figures(scope, now=now, sums=sums)
    return DashboardFigures(
        scope=scope,
        volumes=volumes,
        promises=promise_figures(scope, now=now, sums=sums),
        overdue=overdue_now(scope, now=now),
        satisfaction=satisfaction_figures(scope, now=now, sums=sums),
        hot_spots=hot_spots(
            scope,
            by_category=volumes["by_category"],
            by_department=volumes["by_department"],
            now=now,
            built=sums.built,
        ),
        improvement=improvement_figures(scope, today=timezone.localdate(now)),
        trends=trend_figures(scope, now=now, sums=sums),
        refunds=refund_figures(scope),
    )
