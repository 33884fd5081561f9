"""The figures that are sums of daily facts (volumes, promises kept, satisfaction and appeals, trends), and
the remedies carried out, read from their own small table.

Each reads the fact rows of ``dashboard.facts`` (stored for unchanged days, live for the others) in one
statement, so a year at a million complaints sums a few tens of thousands of rows.

Cohorts: the clock, satisfaction and appeal figures follow the complaints *filed* in the period, so a period's
figures do not change meaning as its complaints move on; "closed" counts complaints closed in the period.
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.db import connection
from django.db.models import Count, Q, Sum
from django.utils import timezone

from accounts.models import Department
from complaints.models import Appeal, Category, Channel, Remedy, Severity

from ..facts import DAILY_FACTS, FACT_COLUMNS, HISTOGRAMS, FactTable, histogram_columns
from ..models import RollupState
from .scope import Period, Scope, change, share
from .timings import PERCENTILES, TIMINGS, estimated_percentile, exact_timings

# Up to this many complaints filed in a period and the one before, the median and 90th percentile are exact
# (read from the clocks themselves); beyond it they are estimated from the daily histograms (see
# ``estimated_percentile``), because sorting millions of durations would take seconds.
EXACT_PERCENTILES_UP_TO = 20_000

PROMISES = (
    ("acknowledged_in_time", "acknowledge"),
    ("urgent_answered_in_time", "urgent"),
    ("resolved_in_time", "resolve"),
)


def rollup_built() -> bool:
    """Whether the stored daily facts exist, for the institution's present time zone."""
    return RollupState.objects.filter(pk=1, refreshed_at__isnull=False, time_zone=settings.TIME_ZONE).exists()


def fact_query(
    scope: Scope,
    *,
    keys: dict[str, str],
    columns: list[str] | tuple[str, ...],
    where: str = "true",
    days: Period | None,
    now: datetime.datetime,
    params: dict | None = None,
    built: bool | None = None,
    table: FactTable = DAILY_FACTS,
) -> list[dict]:
    """Sum ``columns`` of the fact rows of the days (any day: None) in the scope's filters, by ``keys``."""
    filters = scope.filters()
    sql = table.sums_sql(
        bounded=days is not None,
        built=rollup_built() if built is None else built,
        filters=filters,
        keys=keys,
        columns=list(columns),
        where=where,
    )
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            {
                "zone": settings.TIME_ZONE,
                "now": now,
                "as_of": now,
                "first": days.first if days else None,
                "last": days.last if days else None,
                "today": timezone.localdate(now),
                **filters.params(),
                **(params or {}),
            },
        )
        names = [column.name for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


class FactSums:
    """Every fact summed per period (current, previous), category, channel and department: one query.

    ``total(column)`` gives ``{current, previous}``; ``by(dimension)`` the new complaints broken down.
    """

    DIMENSIONS = {
        "by_category": ("category", "category_id"),
        "by_channel": ("channel", None),
        "by_department": ("department", "department_id"),
    }

    def __init__(self, groups: list[dict], *, categories: dict[int, str], built: bool | None):
        self.groups = groups
        self.categories = categories
        self.built = built
        self._totals = {
            column: {
                when: sum(int(group[column]) for group in groups if group["period"] == when)
                for when in ("current", "previous")
            }
            for column in FACT_COLUMNS
        }

    def total(self, column: str) -> dict[str, int]:
        return self._totals[column]

    def by(self, dimension: str) -> list["Breakdown"]:
        column, id_column = self.DIMENSIONS[dimension]
        counts: dict[str, dict] = {}
        for group in self.groups:
            key = group[column]
            row = counts.setdefault(
                key, {"current": 0, "previous": 0, "id": group[id_column] if id_column else None}
            )
            row[group["period"]] += int(group["filed"])
        rows = [
            Breakdown(
                key,
                str(Channel(key).label) if column == "channel" else key,
                row["current"],
                row["previous"],
                row["id"],
            )
            for key, row in counts.items()
            if row["current"] or row["previous"]  # not only complaints closed in the periods
        ]
        rows.sort(key=lambda row: (-row.current, row.key))
        return rows


def fact_sums(scope: Scope, *, now: datetime.datetime | None = None, built: bool | None = None) -> FactSums:
    """Sum every fact of the period and the previous one, per category, channel and department."""
    now = now or timezone.now()
    built = rollup_built() if built is None else built
    previous = scope.period.previous()
    groups = fact_query(
        scope,
        keys={
            "period": "CASE WHEN f.day >= %(current_first)s THEN 'current' ELSE 'previous' END",
            "category_id": "f.category_id",
            "channel": "f.channel",
            "department_id": "f.department_id",
        },
        columns=FACT_COLUMNS,
        days=Period(previous.first, scope.period.last),
        now=now,
        params={"current_first": scope.period.first},
        built=built,
    )
    categories = dict(Category.objects.values_list("pk", "name"))
    departments = dict(Department.objects.values_list("pk", "name"))
    for group in groups:
        group["category"] = categories[group["category_id"]]
        group["department"] = departments[group["department_id"]]
    return FactSums(groups, categories=categories, built=built)


# ------------------------------------------------------------------------------------------------- volumes


class Breakdown:
    """New complaints of one category, severity, channel or department (with its ``id``, if a table's)."""

    __slots__ = ("current", "id", "key", "label", "previous")

    def __init__(self, key: str, label: str, current: int, previous: int, id: int | None = None):
        self.key, self.label, self.current, self.previous, self.id = key, label, current, previous, id

    @property
    def rise(self) -> int:
        return self.current - self.previous

    def __repr__(self) -> str:
        return f"Breakdown({self.key!r}, {self.current}, {self.previous})"


def breakdowns(scope: Scope, *, now: datetime.datetime | None = None) -> dict[str, list[Breakdown]]:
    """New complaints by category, channel and department, in the period and the previous one."""
    sums = fact_sums(scope, now=now)
    return {dimension: sums.by(dimension) for dimension in FactSums.DIMENSIONS}


def volume_figures(
    scope: Scope, *, now: datetime.datetime | None = None, sums: FactSums | None = None
) -> dict:
    """New (filed), closed (closed in the period), open now, and the new complaints broken down."""
    now = now or timezone.now()
    sums = sums or fact_sums(scope, now=now)
    # Rows without open complaints are skipped early (a partial index on the stored rows).
    (open_now,) = fact_query(
        scope, keys={}, columns=["open"], where="f.open > 0", days=None, now=now, built=sums.built
    )
    filed_by_severity = {severity: sums.total(f"filed_{severity.value}") for severity in Severity}
    by_severity = [
        Breakdown(severity.value, str(severity.label), filed["current"], filed["previous"])
        for severity, filed in filed_by_severity.items()
        if filed["current"] or filed["previous"]
    ]
    by_severity.sort(key=lambda row: (-row.current, row.key))
    return {
        "new": change(sums.total("filed")["current"], sums.total("filed")["previous"]),
        "closed": change(sums.total("closed")["current"], sums.total("closed")["previous"]),
        "open_now": int(open_now["open"]),
        **{dimension: sums.by(dimension) for dimension in FactSums.DIMENSIONS},
        "by_severity": by_severity,
    }


# ---------------------------------------------------------------------------------------------- promises


def promise_figures(
    scope: Scope, *, now: datetime.datetime | None = None, sums: FactSums | None = None
) -> dict:
    """Shares of clocks kept, and the median and 90th percentile hours to meet each target.

    A share is kept ÷ decided (see ``dashboard.facts``); clocks still running before their due time, paused,
    or stopped before it (a withdrawn complaint) are left out. Times are real hours from the clock's start to
    its meeting, for met clocks: exact up to EXACT_PERCENTILES_UP_TO complaints, estimated beyond
    (``percentiles_estimated`` says which).
    """
    now = now or timezone.now()
    sums = sums or fact_sums(scope, now=now)
    figures: dict = {}
    for name, column in PROMISES:
        kept, decided = sums.total(f"{column}_kept"), sums.total(f"{column}_decided")
        figures[name] = {when: share(kept[when], decided[when]) for when in ("current", "previous")}
        figures[name]["kept"] = kept["current"]
        figures[name]["decided"] = decided["current"]
    estimated = sums.total("filed")["current"] + sums.total("filed")["previous"] > EXACT_PERCENTILES_UP_TO
    exact = {} if estimated else exact_timings(scope)
    for (name, _target), (_histogram, _column, edges) in zip(TIMINGS, HISTOGRAMS, strict=True):
        columns = histogram_columns(name, edges)
        for statistic, fraction in PERCENTILES:
            values = {}
            for when in ("current", "previous"):
                if estimated:
                    value = estimated_percentile([sums.total(c)[when] for c in columns], edges, fraction)
                else:
                    value = exact[f"{name}_{statistic}_{when}"]
                values[when] = None if value is None else round(value, 2)
            figures[f"{name}_{statistic}_hours"] = values
    figures["percentiles_estimated"] = estimated
    return figures


# ------------------------------------------------------------------------------- satisfaction and justice


def satisfaction_figures(
    scope: Scope, *, now: datetime.datetime | None = None, sums: FactSums | None = None
) -> dict:
    """Ratings and appeals of the complaints filed in the period, and the remedies carried out in it.

    The average rating and the share rating 4 or 5 among those rated; the appeal rate, appealed ÷ answered
    (a response was given, so an appeal was possible); appeal outcomes; reopened = appealed complaints.
    """
    sums = sums or fact_sums(scope, now=now)
    periods = ("current", "previous")

    def average(when: str) -> float | None:
        rated = sums.total("rated")[when]
        return round(sums.total("rating_sum")[when] / rated, 2) if rated else None

    return {
        "average_rating": {when: average(when) for when in periods},
        "satisfied_share": {
            when: share(sums.total("satisfied")[when], sums.total("rated")[when]) for when in periods
        },
        "appeal_rate": {
            when: share(sums.total("appealed")[when], sums.total("answered")[when]) for when in periods
        },
        "reopened": {when: sums.total("appealed")[when] for when in periods},
        "appeal_outcomes": {
            decision.value: {
                "label": str(decision.label),
                **{when: sums.total(f"appeal_{decision.value}")[when] for when in periods},
            }
            for decision in Appeal.Decision
        },
        **remedy_figures(scope),
    }


def remedy_figures(scope: Scope) -> dict:
    """Remedies carried out in the period and the previous one, with the CNY sum of refunds."""
    periods = {"current": scope.period, "previous": scope.period.previous()}

    def carried_out_in(period: Period) -> Q:
        return Q(carried_out_at__gte=period.starts_at, carried_out_at__lt=period.ends_at)

    aggregates = {}
    for when, period in periods.items():
        aggregates[f"remedies_{when}"] = Count("id", filter=carried_out_in(period))
        aggregates[f"refunds_{when}"] = Sum(
            "amount", filter=carried_out_in(period) & Q(kind=Remedy.Kind.REFUND)
        )
    remedies = Remedy.objects.filter(
        scope.complaint_filter("complaint__"), state=Remedy.State.CARRIED_OUT
    ).aggregate(**aggregates)
    return {
        "remedies_carried_out": {when: remedies[f"remedies_{when}"] for when in periods},
        "refunds_cny": {when: remedies[f"refunds_{when}"] or Decimal("0.00") for when in periods},
    }


# ------------------------------------------------------------------------------------------------ charts


def _bucket_unit(period: Period) -> str:
    if period.days <= 31:
        return "day"
    if period.days <= 120:
        return "week"
    return "month"


def trend_figures(
    scope: Scope, *, now: datetime.datetime | None = None, sums: FactSums | None = None
) -> dict:
    """New complaints per category and the acknowledgement and resolution shares kept, per time bucket."""
    now = now or timezone.now()
    rows = fact_query(
        scope,
        keys={"bucket": "date_trunc(%(unit)s, f.day::timestamp)::date", "category_id": "f.category_id"},
        columns=["filed", "acknowledge_kept", "acknowledge_decided", "resolve_kept", "resolve_decided"],
        days=scope.period,
        now=now,
        params={"unit": _bucket_unit(scope.period)},
        built=sums.built if sums else None,
    )
    categories = sums.categories if sums else dict(Category.objects.values_list("pk", "name"))
    buckets: list[str] = []
    series: dict[str, dict[str, int]] = {}
    clocks: dict[str, dict[str, int]] = {}
    for row in sorted(rows, key=lambda row: row["bucket"]):
        if not row["filed"]:
            continue
        label = row["bucket"].isoformat()
        if label not in buckets:
            buckets.append(label)
        series.setdefault(categories[row["category_id"]], {})[label] = int(row["filed"])
        in_bucket = clocks.setdefault(label, dict.fromkeys(("ack_kept", "ack_decided", "kept", "decided"), 0))
        in_bucket["ack_kept"] += int(row["acknowledge_kept"])
        in_bucket["ack_decided"] += int(row["acknowledge_decided"])
        in_bucket["kept"] += int(row["resolve_kept"])
        in_bucket["decided"] += int(row["resolve_decided"])
    return {
        "volume": {
            "labels": buckets,
            "series": [
                {"label": name, "data": [counts.get(label, 0) for label in buckets]}
                for name, counts in sorted(series.items())
            ],
        },
        "sla": {
            "labels": buckets,
            "acknowledged": [
                share(clocks[label]["ack_kept"], clocks[label]["ack_decided"]) for label in buckets
            ],
            "resolved": [share(clocks[label]["kept"], clocks[label]["decided"]) for label in buckets],
        },
    }
