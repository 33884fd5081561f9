"""The feedback part of the year-end (or any period's) report: satisfaction's change (满意度变化), the main
problems (主要问题) and the effect of the improvement actions (整改措施的效果), as plain tables that the
dashboard's report draws beside the complaints' figures."""

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Avg, Count, Exists, F, OuterRef, Q
from django.utils.translation import gettext as _

from complaints.models import ImprovementAction

from ..models import FeedbackItem
from .selectors import AnalysisFigures, AnalysisScope, Period, analysis_figures


@dataclass(frozen=True)
class ReportTable:
    caption: str
    header: list[str]
    rows: list[list]


def _shown(value) -> str:
    return "—" if value is None else str(value)


def _received_in(period: Period, prefix: str = "") -> Q:
    zone = ZoneInfo(settings.TIME_ZONE)
    starts = datetime.datetime.combine(period.first, datetime.time(0), tzinfo=zone)
    ends = datetime.datetime.combine(period.last + datetime.timedelta(days=1), datetime.time(0), tzinfo=zone)
    return Q(**{f"{prefix}created_at__gte": starts, f"{prefix}created_at__lt": ends})


def rectification_effect(period: Period) -> dict:
    """The improvement actions of the feedback received in the period, and how its rectified items were rated.

    Actions: recorded, done, done by their due date. Ratings: the average rating of the handling of items that
    went through rectification (with at least one improvement action) and of those that did not.
    """
    actions = ImprovementAction.objects.filter(
        _received_in(period, "feedback_item__"), feedback_item__isnull=False
    )
    counts = actions.aggregate(
        recorded=Count("id"),
        done=Count("id", filter=Q(state=ImprovementAction.State.DONE)),
        done_on_time=Count(
            "id", filter=Q(state=ImprovementAction.State.DONE, done_at__date__lte=F("due_date"))
        ),
    )
    items = FeedbackItem.objects.filter(_received_in(period), rating__isnull=False).annotate(
        rectified=Exists(ImprovementAction.objects.filter(feedback_item=OuterRef("pk")))
    )
    rated = items.aggregate(
        with_actions=Avg("rating", filter=Q(rectified=True)),
        without_actions=Avg("rating", filter=Q(rectified=False)),
    )
    return {
        **counts,
        "rating_with_actions": None
        if rated["with_actions"] is None
        else round(float(rated["with_actions"]), 2),
        "rating_without_actions": (
            None if rated["without_actions"] is None else round(float(rated["without_actions"]), 2)
        ),
    }


def feedback_report_tables(period: Period, *, figures: AnalysisFigures | None = None) -> list[ReportTable]:
    """The feedback section of the report for the period, in the active language."""
    figures = figures or analysis_figures(AnalysisScope(period=period))
    now, before = figures.current, figures.previous
    this, previous = _("This period"), _("Previous period")
    satisfaction = ReportTable(
        caption=_("Change in satisfaction"),
        header=[_("Figure"), this, previous],
        rows=[
            [label, _shown(now[key]), _shown(before[key])]
            for label, key in (
                (_("Feedback received"), "received"),
                (_("Average rating of the handling"), "average_rating"),
                (_("Satisfied, rated 4 or 5 (%)"), "satisfied_percent"),
                (_("Handling plan on time (%)"), "plan_on_time_percent"),
                (_("Average hours to the result"), "handling_hours_average"),
                (_("Negative feedback (%)"), "negative_percent"),
            )
        ],
    )
    problems = ReportTable(
        caption=_("Main problems"),
        header=[_("Name"), _("Received"), _("Negative")],
        rows=[[row["label"], row["received"], row["negative"]] for row in figures.by_category[:5]]
        + [[row["label"], row["received"], row["negative"]] for row in figures.negative_courses[:5]],
    )
    effect = rectification_effect(period)
    rectification = ReportTable(
        caption=_("Effect of the improvement actions"),
        header=[_("Figure"), this],
        rows=[
            [_("Improvement actions recorded"), effect["recorded"]],
            [_("Improvement actions done"), effect["done"]],
            [_("Done by their due date"), effect["done_on_time"]],
            [_("Average rating of rectified items"), _shown(effect["rating_with_actions"])],
            [_("Average rating of the other items"), _shown(effect["rating_without_actions"])],
        ],
    )
    teachers = ReportTable(
        caption=_("Teachers with the lowest ratings"),
        header=[_("Teacher"), _("Responses"), _("Average")],
        rows=[[row["label"], row["responses"], row["average"]] for row in figures.lowest_teachers],
    )
    return [satisfaction, problems, rectification, teachers]
