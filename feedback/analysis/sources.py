"""Where the teachers' ratings come from: the handled feedback items, and any source registered later.

A rating source is a callable ``source(first, last) -> iterable of (instructor_id, score_sum, count)`` over
the scores of one period (local days, inclusive) on the 1–5 scale. Feedback registers its own (the learners'
ratings of the handling of items naming an instructor); the term surveys register theirs from their app's
``ready`` with ``rating_source_register``, without feedback importing them.
"""

import datetime
from collections.abc import Callable, Iterable

RatingRow = tuple[int, int, int]
RatingSource = Callable[[datetime.date, datetime.date], Iterable[RatingRow]]

rating_sources: list[RatingSource] = []


def rating_source_register(source: RatingSource) -> RatingSource:
    """Add a source of teachers' ratings (once); usable as a decorator."""
    if source not in rating_sources:
        rating_sources.append(source)
    return source


def handled_item_ratings(first: datetime.date, last: datetime.date) -> list[RatingRow]:
    """The ratings of the handling of items naming an instructor, received in the period (stored facts)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT instructor_id, SUM(rating_sum), SUM(rated) FROM feedback_feedbacksubjectday
            WHERE day >= %s AND day <= %s AND instructor_id IS NOT NULL AND rated > 0
            GROUP BY instructor_id""",
            [first, last],
        )
        return [(instructor, int(total), int(count)) for instructor, total, count in cursor.fetchall()]


rating_source_register(handled_item_ratings)


def term_survey_ratings(first: datetime.date, last: datetime.date) -> list[RatingRow]:
    """The term surveys' per-teacher scores, of surveys that closed in the period, from their running sums.

    The count is the number of responses (people), so small groups are judged by respondents, not by the
    number of questions answered; the score sum is scaled to it, which keeps each teacher's mean.
    """
    from django.db.models import Sum

    from surveys.models import ResultTally

    rows = (
        ResultTally.objects.filter(
            instructor__isnull=False,
            survey__closes_on__gte=first,
            survey__closes_on__lte=last,
            score_count__gt=0,
        )
        .values("instructor_id")
        .annotate(total=Sum("score_sum"), scored=Sum("score_count"), people=Sum("responses"))
    )
    return [
        (row["instructor_id"], round(row["total"] * row["people"] / row["scored"]), int(row["people"]))
        for row in rows
        if row["people"]
    ]


rating_source_register(term_survey_ratings)
