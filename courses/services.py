"""Changes to courses that rules govern: who teaches a course.

An instructor is assigned to a course only while qualified (``qualifications.selectors.qualified``): every
required qualification verified and valid today. One already teaching it stays when their certificate lapses
(the course's learners keep their teacher mid-term) and is flagged on the course until renewed.
"""

from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.errors import NotAllowed, RuleViolation
from qualifications.selectors import qualified_ids

from .models import Course, Instructor


class InstructorNotQualified(RuleViolation):
    code = "instructor_not_qualified"
    default_message = _("This instructor is not qualified to teach.")


def course_instructors_check(*, course: Course | None, instructors: Iterable[Instructor]) -> None:
    """Refuse instructors who would newly teach the course without being qualified (field ``instructors``)."""
    chosen = {instructor.pk: instructor for instructor in instructors}
    teaching = (
        set(course.instructors.values_list("pk", flat=True)) if course is not None and course.pk else set()
    )
    newcomers = set(chosen) - teaching
    unqualified = sorted(newcomers - qualified_ids(Instructor, newcomers), key=lambda pk: chosen[pk].name)
    if unqualified:
        raise InstructorNotQualified(
            _(
                "%(names)s cannot be assigned: a required qualification is missing, not yet verified, "
                "suspended or lapsed."
            )
            % {"names": "、".join(chosen[pk].name for pk in unqualified)},
            field="instructors",
        )


@transaction.atomic
def course_instructors_set(*, course: Course, instructors: Iterable[Instructor], actor: User) -> Course:
    """Set who teaches the course; newcomers must be qualified. Requires the right to change courses."""
    if not actor.has_perm("courses.change_course"):
        raise NotAllowed(_("You may not change who teaches courses."))
    instructors = list(instructors)
    locked = Course.objects.select_for_update().get(pk=course.pk)
    course_instructors_check(course=locked, instructors=instructors)
    locked.instructors.set(instructors)
    return locked
