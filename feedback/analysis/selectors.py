"""Every figure of the feedback analysis, summed from the stored daily facts; page, API, CSV and report share.

A scope is a period of whole local days (a named period, a custom range or one term's days). Each headline
figure comes beside the same figure for the previous period of the same length. A fixed number of queries,
whatever the data: the sums per category and channel, the months, the terms, the courses, the teachers'
ratings (one per registered source) and the names.
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection

from courses.models import Instructor, Term

from ..models import Channel, FeedbackCategory
from .facts import FACT_COLUMNS
from .sources import rating_sources

# Teachers rated by fewer responses than this are not shown (never fewer than 3, whatever the setting).
DEFAULT_MIN_RESPONSES = 5
SMALLEST_GROUP = 3
RANKING_LIMIT = 10
TERMS_SHOWN = 6


def min_responses() -> int:
    return max(SMALLEST_GROUP, int(getattr(settings, "FEEDBACK_RATING_MIN_RESPONSES", DEFAULT_MIN_RESPONSES)))


@dataclass(frozen=True)
class Period:
    """Whole local days from ``first`` to ``last`` inclusive."""

    first: datetime.date
    last: datetime.date

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def previous(self) -> "Period":
        return Period(
            self.first - datetime.timedelta(days=self.days), self.first - datetime.timedelta(days=1)
        )


@dataclass(frozen=True)
class AnalysisScope:
    period: Period
    term_id: int | None = None


def share(part, whole) -> float | None:
    """Part of whole as a percentage with one decimal, or None when there is nothing to divide."""
    if not whole:
        return None
    return round(100.0 * (part or 0) / whole, 1)


def ratio(total, count, *, scale: float = 1.0) -> float | None:
    if not count:
        return None
    return round(float(total) / count / scale, 2)


def _fetch(sql: str, params: dict | list) -> list[dict]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [column.name for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


_SUMS = ", ".join(f"COALESCE(SUM({column}), 0)::bigint AS {column}" for column in FACT_COLUMNS)


def headline(sums: dict) -> dict:
    """The headline figures of one period's summed facts."""
    received = sums["received"]
    return {
        "received": received,
        "accepted": sums["accepted"],
        "rejected": sums["rejected"],
        "converted": sums["converted"],
        "result_notified": sums["result_notified"],
        "negative": sums["negative"],
        "accepted_percent": share(sums["accepted"], received),
        "rejected_percent": share(sums["rejected"], received),
        "converted_percent": share(sums["converted"], received),
        "result_notified_percent": share(sums["result_notified"], received),
        "negative_percent": share(sums["negative"], received),
        "plan_on_time_percent": share(sums["plan_on_time"], sums["plan_decided"]),
        "plan_decided": sums["plan_decided"],
        "plan_hours_average": ratio(sums["plan_seconds"], sums["planned"], scale=3600),
        "handling_hours_average": ratio(sums["handling_seconds"], sums["result_notified"], scale=3600),
        "rated": sums["rated"],
        "average_rating": ratio(sums["rating_sum"], sums["rated"]),
        "satisfied_percent": share(sums["satisfied"], sums["rated"]),
    }


@dataclass
class AnalysisFigures:
    scope: AnalysisScope
    current: dict = field(default_factory=dict)
    previous: dict = field(default_factory=dict)
    by_category: list[dict] = field(default_factory=list)
    by_channel: list[dict] = field(default_factory=list)
    months: list[dict] = field(default_factory=list)
    terms: list[dict] = field(default_factory=list)
    negative_courses: list[dict] = field(default_factory=list)
    lowest_teachers: list[dict] = field(default_factory=list)
    teachers_suppressed: int = 0
    min_responses: int = DEFAULT_MIN_RESPONSES


def _empty() -> dict:
    return dict.fromkeys(FACT_COLUMNS, 0)


def _breakdown(groups: list[dict], key: str, labels: dict, total: int) -> list[dict]:
    rows: dict = {}
    for group in groups:
        if group["period"] != "current":
            continue
        row = rows.setdefault(
            group[key], {"key": group[key], "received": 0, "negative": 0, "rated": 0, "rating_sum": 0}
        )
        for column in ("received", "negative", "rated", "rating_sum"):
            row[column] += int(group[column])
    result = [
        {
            "key": row["key"],
            "label": labels.get(row["key"], str(row["key"])),
            "received": row["received"],
            "percent": share(row["received"], total),
            "negative": row["negative"],
            "average_rating": ratio(row["rating_sum"], row["rated"]),
        }
        for row in rows.values()
    ]
    result.sort(key=lambda row: (-row["received"], str(row["key"])))
    return result


def analysis_figures(scope: AnalysisScope, *, sources=None) -> AnalysisFigures:
    """Every figure of the analysis for one scope.

    ``sources`` are the teachers' rating sources (default: every registered one, ``sources.rating_sources``).
    """
    period, previous = scope.period, scope.period.previous()
    params = {
        "first": previous.first,
        "current_first": period.first,
        "last": period.last,
        "term": scope.term_id,
    }
    term_filter = " AND term_id = %(term)s" if scope.term_id else ""
    groups = _fetch(
        f"""SELECT CASE WHEN day >= %(current_first)s THEN 'current' ELSE 'previous' END AS period,
            category_id, channel, {_SUMS}
        FROM feedback_feedbackday WHERE day >= %(first)s AND day <= %(last)s{term_filter}
        GROUP BY 1, 2, 3""",  # noqa: S608 (the module's constants; values are parameters)
        params,
    )
    totals = {"current": _empty(), "previous": _empty()}
    for group in groups:
        for column in FACT_COLUMNS:
            totals[group["period"]][column] += int(group[column])
    figures = AnalysisFigures(
        scope=scope,
        current=headline(totals["current"]),
        previous=headline(totals["previous"]),
        min_responses=min_responses(),
    )
    categories = {category.pk: category.localized_name for category in FeedbackCategory.objects.all()}
    received = totals["current"]["received"]
    figures.by_category = _breakdown(groups, "category_id", categories, received)
    channels = {str(value): str(label) for value, label in Channel.choices}
    figures.by_channel = _breakdown(groups, "channel", channels, received)

    months = _fetch(
        f"""SELECT date_trunc('month', day::timestamp)::date AS month, {_SUMS}
        FROM feedback_feedbackday WHERE day >= %(current_first)s AND day <= %(last)s{term_filter}
        GROUP BY 1 ORDER BY 1""",  # noqa: S608
        params,
    )
    figures.months = [{"label": f"{row['month']:%Y-%m}", **headline(row)} for row in months]

    terms = list(Term.objects.filter(starts_on__lte=period.last).order_by("-starts_on")[:TERMS_SHOWN])
    if terms:
        rows = {
            row["term_id"]: row
            for row in _fetch(
                f"SELECT term_id, {_SUMS} FROM feedback_feedbackday "  # noqa: S608
                "WHERE term_id = ANY(%(terms)s) GROUP BY 1",
                {"terms": [term.pk for term in terms]},
            )
        }
        figures.terms = [
            {"label": term.name, "id": term.pk, **headline(rows.get(term.pk, _empty()))}
            for term in reversed(terms)
        ]

    courses = _fetch(
        """SELECT s.course_id, c.code, c.title, SUM(s.received)::bigint AS received,
            SUM(s.negative)::bigint AS negative
        FROM feedback_feedbacksubjectday AS s JOIN courses_course AS c ON c.id = s.course_id
        WHERE s.day >= %(current_first)s AND s.day <= %(last)s
        GROUP BY 1, 2, 3 HAVING SUM(s.negative) > 0
        ORDER BY 5 DESC, 4 DESC, 1 LIMIT %(limit)s""",
        {**params, "limit": RANKING_LIMIT},
    )
    figures.negative_courses = [
        {
            "id": row["course_id"],
            "label": f"{row['code']} {row['title']}",
            "received": row["received"],
            "negative": row["negative"],
            "negative_percent": share(row["negative"], row["received"]),
        }
        for row in courses
    ]
    figures.lowest_teachers, figures.teachers_suppressed = lowest_rated_teachers(
        period, sources=rating_sources if sources is None else sources, minimum=figures.min_responses
    )
    return figures


def lowest_rated_teachers(period: Period, *, sources, minimum: int) -> tuple[list[dict], int]:
    """The teachers with the lowest average score over every source, and how many were left out as too few.

    A teacher with fewer than ``minimum`` responses in all is never shown: not their average, not their name.
    """
    totals: dict[int, list[int]] = {}
    for source in sources:
        for instructor_id, score_sum, count in source(period.first, period.last):
            total = totals.setdefault(instructor_id, [0, 0])
            total[0] += int(score_sum)
            total[1] += int(count)
    shown = {pk: total for pk, total in totals.items() if total[1] >= minimum}
    ranked = sorted(shown.items(), key=lambda pair: (pair[1][0] / pair[1][1], -pair[1][1], pair[0]))
    ranked = ranked[:RANKING_LIMIT]
    names = dict(Instructor.objects.filter(pk__in=[pk for pk, _total in ranked]).values_list("pk", "name"))
    return (
        [
            {
                "id": pk,
                "label": names.get(pk, str(pk)),
                "responses": count,
                "average": round(score / count, 2),
            }
            for pk, (score, count) in ranked
        ],
        len(totals) - len(shown),
    )
