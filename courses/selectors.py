"""Reads of courses for their public page: a course by code, with its instructors."""

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from .models import Course, Instructor


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
