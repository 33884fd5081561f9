"""Reads of courses that pages and reports share: which instructors are due or overdue for their periodic
training and assessments (培训与考核), whether what a course promises about its teaching holds, and a
course by code for its public page."""

import calendar
import datetime
from dataclasses import dataclass

from django.db.models import Exists, Max, OuterRef, Prefetch, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone

from accounts.selectors import learners_of_guardian
from qualifications.selectors import qualified

from .models import Course, CoursePromise, DevelopmentRecord, DevelopmentRequirement, Instructor

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


def course_promises(course_ids) -> dict[int, list[CoursePromise]]:
    """The promises of the courses about who teaches them, each with ``holds``: the instructor promised still
    teaches the course and is qualified today. One query for any number of courses."""
    teaching = Course.instructors.through.objects.filter(
        course_id=OuterRef("course_id"), instructor_id=OuterRef("instructor_id")
    )
    promises: dict[int, list[CoursePromise]] = {}
    rows = (
        CoursePromise.objects.filter(course_id__in=list(course_ids))
        .select_related("instructor")
        .annotate(
            teaches=Exists(teaching),
            qualified=Exists(qualified(Instructor.objects.filter(pk=OuterRef("instructor_id")))),
        )
        .order_by("course_id", "id")
    )
    for promise in rows:
        promise.holds = promise.teaches and promise.qualified
        promises.setdefault(promise.course_id, []).append(promise)
    return promises


def course_promise_get_for_learner(*, user, pk: int) -> CoursePromise:
    """A promise of a course the person (or their ward) is enrolled in; ``CoursePromise.DoesNotExist``
    otherwise."""
    learners = [user.pk, *learners_of_guardian(guardian=user).values_list("pk", flat=True)]
    return (
        CoursePromise.objects.select_related("course", "instructor")
        .filter(course__enrolments__learner__in=learners)
        .distinct()
        .get(pk=pk)
    )


def courses_public() -> QuerySet[Course]:
    return Course.objects.filter(is_active=True)


def course_get_public(*, code: str) -> Course:
    """An active course by code, with its active instructors; 404 when there is none."""
    instructors = Instructor.objects.filter(is_active=True).order_by("name")
    try:
        return (
            courses_public()
            .select_related("department")
            .prefetch_related(Prefetch("instructors", queryset=instructors, to_attr="teaching"))
            .get(code=code)
        )
    except Course.DoesNotExist as missing:
        raise Http404 from missing
