"""Reading reviews: the managers' list and open decisions, when each review is next due, and the complaint
figures a quarterly complaint review keeps.

The figures come from the dashboard's selectors (the stored daily facts, with the stale days read live), so a
review reads the same numbers the dashboard shows for the same days.
"""

import calendar
import datetime
from dataclasses import dataclass

from django.db.models import Count, Max, Prefetch, QuerySet
from django.utils import timezone

from accounts.models import User
from complaints.clocks import complaint_escalations
from complaints.models import Appeal, Severity
from dashboard.selectors import Period, Scope, complaints_in_scope, fact_sums, share
from privacy import policy

from .models import Review, ReviewDecision, ReviewKind, ReviewSchedule


def months_after(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` later; the month's last day when it is shorter (31 Aug + 6 → 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def quarter_before(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The last whole calendar quarter before the one ``day`` falls in."""
    first_of_quarter = datetime.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    last = first_of_quarter - datetime.timedelta(days=1)
    return datetime.date(last.year, last.month - 2, 1), last


@dataclass(frozen=True)
class DueReview:
    schedule: ReviewSchedule
    due_on: datetime.date
    last_held_on: datetime.date | None


def review_schedules_due(*, schedules: QuerySet[ReviewSchedule] | None = None) -> list[DueReview]:
    """When the next review of each active schedule is due: two queries, whatever the number of schedules."""
    schedules = schedules if schedules is not None else ReviewSchedule.objects.filter(is_active=True)
    schedules = list(schedules.select_related("measure", "measure__responsible").order_by("pk"))
    last_held = {
        (row["kind"], row["measure"]): row["last"]
        for row in Review.objects.values("kind", "measure").annotate(last=Max("held_on"))
    }
    due = []
    for schedule in schedules:
        last = last_held.get((schedule.kind, schedule.measure_id))
        due_on = months_after(last, schedule.interval_months) if last else schedule.first_due_on
        due.append(DueReview(schedule=schedule, due_on=due_on, last_held_on=last))
    return due


def reviews_for_user(*, user: User, kind: str | None = None) -> QuerySet[Review]:
    """The reviews the user may read, newest first, with their decisions and the people shown: three
    queries for a page, whatever its size."""
    reviews = policy.visible_to(user=user, queryset=Review.objects.all())
    if kind:
        reviews = reviews.filter(kind=kind)
    return (
        reviews.select_related("measure", "responsible", "opinions_survey")
        .prefetch_related(
            Prefetch(
                "decisions",
                queryset=ReviewDecision.objects.select_related("owner").order_by("due_date", "id"),
            )
        )
        .order_by("-held_on", "-id")
    )


def review_get_for_user(*, user: User, pk: int) -> Review:
    """The review, if the user may read it; Http404 otherwise."""
    queryset = reviews_for_user(user=user).prefetch_related("participants")
    return policy.get_visible_or_404(user=user, queryset=queryset, pk=pk)


def decisions_open_for_user(*, user: User) -> QuerySet[ReviewDecision]:
    """The open decisions the user may read, the earliest due first, with their review and owner."""
    decisions = policy.visible_to(
        user=user, queryset=ReviewDecision.objects.filter(state=ReviewDecision.State.OPEN)
    )
    return decisions.select_related("review", "review__measure", "owner").order_by("due_date", "id")


def decision_get_for_user(*, user: User, pk: int, action: str = policy.VIEW) -> ReviewDecision:
    queryset = ReviewDecision.objects.select_related("review", "owner")
    return policy.get_visible_or_404(user=user, queryset=queryset, action=action, pk=pk)


def review_complaint_figures(
    *, period_start: datetime.date, period_end: datetime.date, now: datetime.datetime | None = None
) -> dict:
    """The complaint figures of a period, in plain JSON types: what a quarterly complaint review keeps.

    Complaints *filed* in the period (the dashboard's cohorts): how many, by category and severity; the
    shares of acknowledgements, urgent first responses and resolutions within their targets; their
    escalations by level; their appeals and the appeals' outcomes.
    """
    now = now or timezone.now()
    scope = Scope(period=Period(period_start, period_end))
    sums = fact_sums(scope, now=now)

    def current(column: str) -> int:
        return int(sums.total(column)["current"])

    def promise(column: str) -> dict:
        kept, decided = current(f"{column}_kept"), current(f"{column}_decided")
        return {"kept": kept, "decided": decided, "share": share(kept, decided)}

    escalations = dict(
        complaint_escalations()
        .filter(subject_id__in=complaints_in_scope(scope).values("pk"))
        .order_by()
        .values("level")
        .annotate(count=Count("id"))
        .values_list("level", "count")
    )
    return {
        "period": {"from": period_start.isoformat(), "to": period_end.isoformat()},
        "computed_at": now.isoformat(),
        "filed": current("filed"),
        "closed": current("closed"),
        "by_category": [
            {"id": row.id, "name": row.label, "filed": row.current}
            for row in sums.by("by_category")
            if row.current
        ],
        "by_severity": {severity.value: current(f"filed_{severity.value}") for severity in Severity},
        "acknowledged_in_time": promise("acknowledge"),
        "urgent_answered_in_time": promise("urgent"),
        "resolved_in_time": promise("resolve"),
        "escalations": {level: int(count) for level, count in sorted(escalations.items())},
        "appeals": {
            "appealed": current("appealed"),
            "answered": current("answered"),
            "rate": share(current("appealed"), current("answered")),
            "outcomes": {decision.value: current(f"appeal_{decision.value}") for decision in Appeal.Decision},
        },
    }


KINDS_WITH_FIGURES = frozenset({ReviewKind.COMPLAINTS})
