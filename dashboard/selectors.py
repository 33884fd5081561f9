"""Every figure of the managers' dashboard, computed in the database; the page, API and report share them.

A scope is a period (whole days in the institution's time zone) with optional department, category and channel
filters. Each figure comes with the same figure for the previous period of the same length, except figures
that describe the present moment (open now, overdue now, improvement actions open).

Cohorts: the clock, satisfaction and appeal figures follow the complaints *filed* in the period, so a period's
figures do not change meaning as its complaints move on; "closed" counts complaints closed in the period and
remedies count those carried out in the period.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import (
    Avg,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    FloatField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.aggregates import Aggregate
from django.db.models.functions import Coalesce, Extract, NullIf, TruncDay, TruncMonth, TruncWeek
from django.utils import timezone

from accounts.models import Department
from complaints.models import Appeal, Channel, Complaint, ImprovementAction, Remedy, Severity
from complaints.states import TERMINAL_STATES
from courses.models import Course, Enrolment, Instructor
from sla.models import RUNNING, Clock, Target

HOT_SPOT_LIMIT = 10
OVERDUE_LIST_LIMIT = 20


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

    def filed_in(self, period: Period, prefix: str = "") -> Q:
        return Q(**{f"{prefix}created_at__gte": period.starts_at, f"{prefix}created_at__lt": period.ends_at})


def complaints_in_scope(scope: Scope) -> QuerySet[Complaint]:
    """The complaints filed in the scope's period that match its filters (the rows behind the figures)."""
    return Complaint.objects.filter(scope.complaint_filter(), scope.filed_in(scope.period))


class PercentileCont(Aggregate):
    """PostgreSQL's continuous percentile of an ordered set."""

    function = "percentile_cont"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression, fraction: float, **extra):
        if not 0 <= fraction <= 1:
            raise ValueError("fraction must be between 0 and 1")
        super().__init__(expression, fraction=float(fraction), **extra)


def share(part: int | None, whole: int | None) -> float | None:
    """Part of whole as a percentage with one decimal, or None when there is nothing to divide."""
    if not whole:
        return None
    return round(100.0 * (part or 0) / whole, 1)


def change(current, previous) -> dict:
    return {"current": current, "previous": previous}


# ------------------------------------------------------------------------------------------------- volumes


@dataclass
class Breakdown:
    key: str
    label: str
    current: int
    previous: int

    @property
    def rise(self) -> int:
        return self.current - self.previous


def _breakdown(scope: Scope, group_by: str, label_of) -> list[Breakdown]:
    previous = scope.period.previous()
    rows = (
        Complaint.objects.filter(scope.complaint_filter())
        .filter(scope.filed_in(scope.period) | scope.filed_in(previous))
        .values(group_by)
        .annotate(
            current=Count("id", filter=scope.filed_in(scope.period)),
            previous=Count("id", filter=scope.filed_in(previous)),
        )
        .order_by("-current", group_by)
    )
    return [Breakdown(str(row[group_by]), label_of(row), row["current"], row["previous"]) for row in rows]


def volume_figures(scope: Scope) -> dict:
    """New (filed), closed (closed in the period), open now, and the new complaints broken down."""
    previous = scope.period.previous()
    in_scope = Complaint.objects.filter(scope.complaint_filter())

    def closed_in(period: Period) -> Q:
        return Q(closed_at__gte=period.starts_at, closed_at__lt=period.ends_at)

    totals = in_scope.aggregate(
        new=Count("id", filter=scope.filed_in(scope.period)),
        new_previous=Count("id", filter=scope.filed_in(previous)),
        closed=Count("id", filter=closed_in(scope.period)),
        closed_previous=Count("id", filter=closed_in(previous)),
        open_now=Count("id", filter=~Q(state__in=sorted(TERMINAL_STATES))),
    )
    return {
        "new": change(totals["new"], totals["new_previous"]),
        "closed": change(totals["closed"], totals["closed_previous"]),
        "open_now": totals["open_now"],
        "by_category": _breakdown(scope, "category__name", lambda row: row["category__name"]),
        "by_severity": _breakdown(scope, "severity", lambda row: str(Severity(row["severity"]).label)),
        "by_channel": _breakdown(scope, "channel", lambda row: str(Channel(row["channel"]).label)),
        "by_department": _breakdown(scope, "department__name", lambda row: row["department__name"]),
    }


# ---------------------------------------------------------------------------------------------- promises

# A clock kept its promise when it was met no later than its due time. Due times already carry the pauses
# (paused business time is added on resume) and the business calendar, so this is the one meaning of
# "within 1 hour", "within 24 hours" and "within target" everywhere.
KEPT = Q(met_at__isnull=False, met_at__lte=F("due_at"))


def _missed(now: datetime.datetime) -> Q:
    """Met late, or still unmet (running or stopped) after its due time; paused clocks are not yet decided."""
    return (
        Q(met_at__isnull=False, met_at__gt=F("due_at"))
        | Q(met_at__isnull=True, cancelled_at__isnull=True, paused_at__isnull=True, due_at__lte=now)
        | Q(met_at__isnull=True, cancelled_at__isnull=False, cancelled_at__gt=F("due_at"))
    )


URGENT_OR_MAJOR = Q(complaint__is_urgent=True) | Q(complaint__severity="major")
ELAPSED = ExpressionWrapper(F("met_at") - F("started_at"), output_field=DurationField())
PROMISES = (
    ("acknowledged_in_time", Target.ACKNOWLEDGE, Q()),
    ("urgent_answered_in_time", Target.FIRST_RESPONSE, URGENT_OR_MAJOR),
    ("resolved_in_time", Target.RESOLUTION, Q()),
)
TIMINGS = (
    ("acknowledge", Target.ACKNOWLEDGE),
    ("respond", Target.FIRST_RESPONSE),
    ("resolve", Target.RESOLUTION),
)


def promise_figures(scope: Scope, *, now: datetime.datetime | None = None) -> dict:
    """Shares of clocks kept, and the median and 90th percentile hours to meet each target, in one query.

    A share is kept ÷ decided, where decided is kept or missed (see ``_missed``); clocks still running before
    their due time, paused, or stopped before it (a withdrawn complaint) are left out. Times are real hours
    from the clock's start to its meeting, for met clocks.
    """
    now = now or timezone.now()
    previous = scope.period.previous()
    periods = {"current": scope.period, "previous": previous}
    missed = _missed(now)
    aggregates = {}
    for when, period in periods.items():
        filed = scope.filed_in(period, "complaint__")
        for name, target, extra in PROMISES:
            base = filed & Q(target=target) & extra
            aggregates[f"{name}_{when}_kept"] = Count("id", filter=base & KEPT)
            aggregates[f"{name}_{when}_decided"] = Count("id", filter=base & (KEPT | missed))
        for name, target in TIMINGS:
            base = filed & Q(target=target, met_at__isnull=False)
            hours = Extract(ELAPSED, "epoch") / Value(3600.0)
            aggregates[f"{name}_{when}_median"] = PercentileCont(hours, 0.5, filter=base)
            aggregates[f"{name}_{when}_p90"] = PercentileCont(hours, 0.9, filter=base)
    clocks = Clock.objects.filter(scope.complaint_filter("complaint__")).filter(
        scope.filed_in(scope.period, "complaint__") | scope.filed_in(previous, "complaint__")
    )
    row = clocks.aggregate(**aggregates)

    def hours(value):
        return None if value is None else round(value, 2)

    figures: dict = {}
    for name, _target, _extra in PROMISES:
        figures[name] = {
            when: share(row[f"{name}_{when}_kept"], row[f"{name}_{when}_decided"]) for when in periods
        }
        figures[name]["kept"] = row[f"{name}_current_kept"]
        figures[name]["decided"] = row[f"{name}_current_decided"]
    for name, _target in TIMINGS:
        for statistic in ("median", "p90"):
            figures[f"{name}_{statistic}_hours"] = {
                when: hours(row[f"{name}_{when}_{statistic}"]) for when in periods
            }
    return figures


def overdue_now(scope: Scope, *, now: datetime.datetime | None = None) -> dict:
    """Running clocks past their due time now, whatever the period (nearest first), and how many there are."""
    now = now or timezone.now()
    clocks = Clock.objects.filter(RUNNING, scope.complaint_filter("complaint__"), due_at__lte=now)
    listed = list(
        clocks.order_by("due_at", "id").values(
            "complaint_id", "complaint__reference", "complaint__title", "target", "due_at"
        )[:OVERDUE_LIST_LIMIT]
    )
    total = clocks.count()
    for row in listed:
        row["target_label"] = str(Target(row["target"]).label)
    return {"count": total, "clocks": listed}


# ------------------------------------------------------------------------------- satisfaction and justice


def satisfaction_figures(scope: Scope) -> dict:
    """Ratings, appeals and remedies.

    Of complaints filed in the period: the average rating and the share rating 4 or 5 among those rated; the
    appeal rate, appealed ÷ answered (a response was given, so an appeal was possible); appeal outcomes;
    reopened = appealed complaints. Remedies carried out in the period, with the CNY sum of refunds.
    """
    previous = scope.period.previous()
    periods = {"current": scope.period, "previous": previous}
    aggregates = {}
    for when, period in periods.items():
        filed = scope.filed_in(period)
        aggregates[f"rating_{when}"] = Avg("satisfaction_rating", filter=filed)
        aggregates[f"rated_{when}"] = Count("id", filter=filed & Q(satisfaction_rating__isnull=False))
        aggregates[f"satisfied_{when}"] = Count("id", filter=filed & Q(satisfaction_rating__gte=4))
        aggregates[f"answered_{when}"] = Count("id", filter=filed & Q(first_responded_at__isnull=False))
        aggregates[f"appealed_{when}"] = Count("id", filter=filed & Q(appeal__isnull=False))
        for decision in Appeal.Decision:
            aggregates[f"appeal_{decision.value}_{when}"] = Count(
                "id", filter=filed & Q(appeal__decision=decision)
            )
    row = (
        Complaint.objects.filter(scope.complaint_filter())
        .filter(scope.filed_in(scope.period) | scope.filed_in(previous))
        .aggregate(**aggregates)
    )

    def carried_out_in(period: Period) -> Q:
        return Q(carried_out_at__gte=period.starts_at, carried_out_at__lt=period.ends_at)

    remedy_aggregates = {}
    for when, period in periods.items():
        remedy_aggregates[f"remedies_{when}"] = Count("id", filter=carried_out_in(period))
        remedy_aggregates[f"refunds_{when}"] = Sum(
            "amount", filter=carried_out_in(period) & Q(kind=Remedy.Kind.REFUND)
        )
    remedies = Remedy.objects.filter(
        scope.complaint_filter("complaint__"), state=Remedy.State.CARRIED_OUT
    ).aggregate(**remedy_aggregates)

    def rating(value):
        return None if value is None else round(float(value), 2)

    return {
        "average_rating": {when: rating(row[f"rating_{when}"]) for when in periods},
        "satisfied_share": {when: share(row[f"satisfied_{when}"], row[f"rated_{when}"]) for when in periods},
        "appeal_rate": {when: share(row[f"appealed_{when}"], row[f"answered_{when}"]) for when in periods},
        "reopened": {when: row[f"appealed_{when}"] for when in periods},
        "appeal_outcomes": {
            decision.value: {
                "label": str(decision.label),
                **{when: row[f"appeal_{decision.value}_{when}"] for when in periods},
            }
            for decision in Appeal.Decision
        },
        "remedies_carried_out": {when: remedies[f"remedies_{when}"] for when in periods},
        "refunds_cny": {when: remedies[f"refunds_{when}"] or Decimal("0.00") for when in periods},
    }


# ---------------------------------------------------------------------------------------------- hot spots


def _enrolled_learners(period: Period, **relation) -> Subquery:
    """Distinct learners with an enrolment valid during some of the period, in the related courses."""
    enrolments = (
        Enrolment.objects.filter(start_date__lte=period.last, valid_until__gte=period.first, **relation)
        .values(next(iter(relation)))
        .annotate(learners=Count("learner_id", distinct=True))
        .values("learners")
    )
    return Subquery(enrolments)


def _complaints_about(scope: Scope, field_name: str) -> Subquery:
    counted = (
        Complaint.objects.filter(
            scope.complaint_filter(), scope.filed_in(scope.period), **{field_name: OuterRef("pk")}
        )
        .values(field_name)
        .annotate(complaints=Count("id"))
        .values("complaints")
    )
    return Subquery(counted)


def _ranked(queryset: QuerySet, scope: Scope, complaint_field: str, **relation) -> list[dict]:
    rows = (
        queryset.annotate(
            complaint_count=Coalesce(_complaints_about(scope, complaint_field), 0),
            learner_count=Coalesce(_enrolled_learners(scope.period, **relation), 0),
        )
        .filter(complaint_count__gt=0, learner_count__gt=0)
        .annotate(per_100=F("complaint_count") * Value(100.0) / NullIf(F("learner_count"), 0))
        .order_by("-per_100", "pk")[:HOT_SPOT_LIMIT]
    )
    return [
        {
            "id": row.pk,
            "name": str(row),
            "complaints": row.complaint_count,
            "learners": row.learner_count,
            "per_100": round(row.per_100, 2),
        }
        for row in rows
    ]


def hot_spots(scope: Scope, *, by_category: list[Breakdown] | None = None) -> dict:
    """Courses, instructors and departments by complaints filed in the period per 100 enrolled learners.

    Enrolled learners: distinct learners whose enrolment is valid on some day of the period, in the course,
    in the instructor's courses, or in the department's courses. A course or instructor counts the complaints
    naming it; a department the complaints assigned to it. Those without enrolled learners are not ranked.
    Rising categories: the categories whose new complaints grew most against the previous period.
    """
    if by_category is None:
        by_category = _breakdown(scope, "category__name", lambda row: row["category__name"])
    rising = sorted((row for row in by_category if row.rise > 0), key=lambda row: (-row.rise, row.key))
    return {
        "courses": _ranked(Course.objects.all(), scope, "subject_course", course=OuterRef("pk")),
        "instructors": _ranked(
            Instructor.objects.all(), scope, "subject_instructor", course__instructors=OuterRef("pk")
        ),
        "departments": _ranked(
            Department.objects.all(), scope, "department", course__department=OuterRef("pk")
        ),
        "rising_categories": rising[:HOT_SPOT_LIMIT],
    }


# ------------------------------------------------------------------------------------------ closed loop


def improvement_figures(scope: Scope, *, today: datetime.date | None = None) -> dict:
    """Improvement actions on complaints in the filters: open and overdue now; done in each period."""
    today = today or timezone.localdate()
    previous = scope.period.previous()

    def done_in(period: Period) -> Q:
        return Q(done_at__gte=period.starts_at, done_at__lt=period.ends_at)

    row = ImprovementAction.objects.filter(scope.complaint_filter("complaint__")).aggregate(
        open=Count("id", filter=Q(state=ImprovementAction.State.OPEN)),
        overdue=Count("id", filter=Q(state=ImprovementAction.State.OPEN, due_date__lt=today)),
        done=Count("id", filter=done_in(scope.period)),
        done_previous=Count("id", filter=done_in(previous)),
    )
    return {"open": row["open"], "overdue": row["overdue"], "done": change(row["done"], row["done_previous"])}


# ------------------------------------------------------------------------------------------------ charts


def _truncate(period: Period):
    if period.days <= 31:
        return TruncDay
    if period.days <= 120:
        return TruncWeek
    return TruncMonth


def trend_figures(scope: Scope, *, now: datetime.datetime | None = None) -> dict:
    """New complaints per category and the acknowledgement and resolution shares kept, per time bucket."""
    now = now or timezone.now()
    truncate = _truncate(scope.period)
    zone = local_zone()
    volume = (
        complaints_in_scope(scope)
        .annotate(bucket=truncate("created_at", tzinfo=zone))
        .values("bucket", "category__name")
        .annotate(count=Count("id"))
        .order_by("bucket", "category__name")
    )
    missed = _missed(now)
    compliance = (
        Clock.objects.filter(
            scope.complaint_filter("complaint__"), scope.filed_in(scope.period, "complaint__")
        )
        .annotate(bucket=truncate("complaint__created_at", tzinfo=zone))
        .values("bucket")
        .annotate(
            ack_kept=Count("id", filter=Q(target=Target.ACKNOWLEDGE) & KEPT),
            ack_decided=Count("id", filter=Q(target=Target.ACKNOWLEDGE) & (KEPT | missed)),
            resolve_kept=Count("id", filter=Q(target=Target.RESOLUTION) & KEPT),
            resolve_decided=Count("id", filter=Q(target=Target.RESOLUTION) & (KEPT | missed)),
        )
        .order_by("bucket")
    )
    buckets: list[str] = []
    series: dict[str, dict[str, int]] = {}
    for row in volume:
        label = row["bucket"].astimezone(zone).date().isoformat()
        if label not in buckets:
            buckets.append(label)
        series.setdefault(row["category__name"], {})[label] = row["count"]
    sla_rows = list(compliance)
    return {
        "volume": {
            "labels": buckets,
            "series": [
                {"label": name, "data": [counts.get(label, 0) for label in buckets]}
                for name, counts in sorted(series.items())
            ],
        },
        "sla": {
            "labels": [row["bucket"].astimezone(zone).date().isoformat() for row in sla_rows],
            "acknowledged": [share(row["ack_kept"], row["ack_decided"]) for row in sla_rows],
            "resolved": [share(row["resolve_kept"], row["resolve_decided"]) for row in sla_rows],
        },
    }


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


def dashboard_figures(scope: Scope, *, now: datetime.datetime | None = None) -> DashboardFigures:
    """Every figure of the dashboard for one scope (a fixed number of queries, whatever the data)."""
    now = now or timezone.now()
    volumes = volume_figures(scope)
    return DashboardFigures(
        scope=scope,
        volumes=volumes,
        promises=promise_figures(scope, now=now),
        overdue=overdue_now(scope, now=now),
        satisfaction=satisfaction_figures(scope),
        hot_spots=hot_spots(scope, by_category=volumes["by_category"]),
        improvement=improvement_figures(scope, today=timezone.localdate(now)),
        trends=trend_figures(scope, now=now),
    )
