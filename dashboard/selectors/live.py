"""Overdue now, hot spots and improvement actions.

Overdue clocks are read along the index of running clocks by due time, and improvement actions from their
own small table. The hot spots take their complaint counts from the daily facts (departments from the
same sums as the volumes, courses and instructors from ``SUBJECT_FACTS``) and count enrolled learners from
the enrolments.
"""

import datetime

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import Department
from complaints.clocks import complaint_clocks, complaint_escalations
from complaints.models import ImprovementAction
from courses.models import Course, Enrolment, Instructor
from sla.models import RUNNING, Target

from ..facts import SUBJECT_FACTS
from .figures import Breakdown, breakdowns, fact_query
from .scope import Period, Scope, change

HOT_SPOT_LIMIT = 10
OVERDUE_LIST_LIMIT = 20


def overdue_now(scope: Scope, *, now: datetime.datetime | None = None) -> dict:
    """Running clocks past their due time now, whatever the period (nearest first), and how many there are."""
    now = now or timezone.now()
    clocks = complaint_clocks().filter(RUNNING, scope.complaint_filter("complaint__"), due_at__lte=now)
    listed = list(
        clocks.order_by("due_at", "id").values(
            "subject_id", "complaint__reference", "complaint__title", "target", "due_at"
        )[:OVERDUE_LIST_LIMIT]
    )
    total = clocks.count()
    for row in listed:
        row["target_label"] = str(Target(row["target"]).label)
    # Escalations that reached nobody, even through the fallback chain: someone must see them.
    unreached = (
        complaint_escalations().filter(scope.complaint_filter("complaint__"), reached_nobody=True).count()
    )
    return {"count": total, "clocks": listed, "unreached_escalations": unreached}


def _enrolled_learners(period: Period, **relation) -> Subquery:
    """Distinct learners with an enrolment valid during some of the period, in the related courses."""
    enrolments = (
        Enrolment.objects.filter(start_date__lte=period.last, valid_until__gte=period.first, **relation)
        .values(next(iter(relation)))
        .annotate(learners=Count("learner_id", distinct=True))
        .values("learners")
    )
    return Subquery(enrolments)


def _ranked(queryset: QuerySet, complaints: dict[int, int], period: Period, **relation) -> list[dict]:
    """The objects with complaints, by complaints per 100 learners enrolled in their courses in the period.

    Those without enrolled learners (a department without courses) have no rate (``per_100`` is None): they
    follow the ranked ones, most complaints first, so no object with complaints goes unlisted.
    """
    rows = [
        {
            "id": row.pk,
            "name": str(row),
            "complaints": complaints[row.pk],
            "learners": row.learner_count,
            "per_100": (
                round(complaints[row.pk] * 100.0 / row.learner_count, 2) if row.learner_count else None
            ),
        }
        for row in queryset.filter(pk__in=[pk for pk, count in complaints.items() if count]).annotate(
            learner_count=Coalesce(_enrolled_learners(period, **relation), 0)
        )
    ]
    rows.sort(key=lambda row: (row["per_100"] is None, -(row["per_100"] or 0), -row["complaints"], row["id"]))
    return rows[:HOT_SPOT_LIMIT]


def complaints_about_subjects(
    scope: Scope, *, now: datetime.datetime | None = None, built: bool | None = None
) -> tuple[dict[int, int], dict[int, int]]:
    """New complaints in the period naming each course, and naming each instructor (from the daily facts)."""
    rows = fact_query(
        scope,
        keys={"course_id": "f.subject_course_id", "instructor_id": "f.subject_instructor_id"},
        columns=["filed"],
        days=scope.period,
        now=now or timezone.now(),
        built=built,
        table=SUBJECT_FACTS,
    )
    courses: dict[int, int] = {}
    instructors: dict[int, int] = {}
    for row in rows:
        for counts, key in ((courses, row["course_id"]), (instructors, row["instructor_id"])):
            if key is not None:
                counts[key] = counts.get(key, 0) + int(row["filed"])
    return courses, instructors


def hot_spots(
    scope: Scope,
    *,
    by_category: list[Breakdown] | None = None,
    by_department: list[Breakdown] | None = None,
    now: datetime.datetime | None = None,
    built: bool | None = None,
) -> dict:
    """Courses, instructors and departments by complaints filed in the period per 100 enrolled learners.

    Enrolled learners: distinct learners whose enrolment is valid on some day of the period, in the course,
    in the instructor's courses, or in the department's courses. A course or instructor counts the complaints
    naming it; a department the complaints assigned to it. Those without enrolled learners come last, with
    their complaints but no rate.
    Rising categories: the categories whose new complaints grew most against the previous period.
    """
    if by_category is None or by_department is None:
        found = breakdowns(scope, now=now)
        by_category, by_department = found["by_category"], found["by_department"]
    rising = sorted((row for row in by_category if row.rise > 0), key=lambda row: (-row.rise, row.key))
    courses, instructors = complaints_about_subjects(scope, now=now, built=built)
    return {
        "courses": _ranked(Course.objects.all(), courses, scope.period, course=OuterRef("pk")),
        "instructors": _ranked(
            Instructor.objects.all(), instructors, scope.period, course__instructors=OuterRef("pk")
        ),
        "departments": _ranked(
            Department.objects.all(),
            {row.id: row.current for row in by_department},
            scope.period,
            course__department=OuterRef("pk"),
        ),
        "rising_categories": rising[:HOT_SPOT_LIMIT],
    }


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
