"""Changes to courses that rules govern: who teaches a course, and the instructors' training records.

An instructor is assigned to a course only while qualified (``qualifications.selectors.qualified``): every
required qualification verified and valid today. One already teaching it stays when their certificate lapses
(the course's learners keep their teacher mid-term) and is flagged on the course until renewed.
"""

import datetime
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.errors import NotAllowed, RuleViolation
from qualifications.selectors import qualified_ids

from .models import (
    Course,
    CoursePromise,
    DevelopmentKind,
    DevelopmentRecord,
    DevelopmentRequirement,
    Instructor,
)


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


class DevelopmentRecordInvalid(RuleViolation):
    code = "development_record_invalid"
    default_message = _("The training or assessment record is not valid.")


DEVELOPMENT_PERMISSION = "courses.add_developmentrecord"


def development_record_check(
    *, kind: str, requirement: DevelopmentRequirement | None, result: str, held_on: datetime.date | None
) -> None:
    """Refuse a record whose requirement is of another kind, whose result does not fit its kind (training is
    attended, an assessment passed or failed), or dated in the future; each at its field."""
    if requirement is not None and requirement.kind != kind:
        raise DevelopmentRecordInvalid(
            _("This requirement is met by a %(kind)s.") % {"kind": DevelopmentKind(requirement.kind).label},
            field="requirement",
        )
    allowed = (
        {DevelopmentRecord.Result.ATTENDED}
        if kind == DevelopmentKind.TRAINING
        else {DevelopmentRecord.Result.PASSED, DevelopmentRecord.Result.FAILED}
    )
    if result not in allowed:
        raise DevelopmentRecordInvalid(
            _("A training is attended; an assessment is passed or failed."), field="result"
        )
    if held_on is not None and held_on > timezone.localdate():
        raise DevelopmentRecordInvalid(_("Record it once it has taken place."), field="held_on")


@transaction.atomic
def development_record_add(*, instructor: Instructor, actor: User, **fields) -> DevelopmentRecord:
    """Record a training attended or an assessment taken; requires ``courses.add_developmentrecord``."""
    if not actor.has_perm(DEVELOPMENT_PERMISSION):
        raise NotAllowed(_("You may not record trainings and assessments."))
    development_record_check(
        kind=fields.get("kind", ""),
        requirement=fields.get("requirement"),
        result=fields.get("result", ""),
        held_on=fields.get("held_on"),
    )
    return DevelopmentRecord.objects.create(instructor=instructor, recorded_by=actor, **fields)


class PromiseInvalid(RuleViolation):
    code = "promise_invalid"
    default_message = _("This promise cannot be made.")


def course_promise_check(*, course: Course | None, instructor: Instructor | None, claim: str) -> str:
    """Refuse a promise about an instructor who does not teach the course or is not qualified (a promise must
    rest on a verified instructor record), or without its words; returns the cleaned claim."""
    claim = (claim or "").strip()
    if not claim:
        raise PromiseInvalid(_("Write what the course's page promises."), field="claim")
    if len(claim) > 200:
        raise PromiseInvalid(_("Write at most %(max)d characters.") % {"max": 200}, field="claim")
    if course is None or instructor is None:
        raise PromiseInvalid(_("Choose the course and the instructor promised."), field="instructor")
    if not course.instructors.filter(pk=instructor.pk).exists():
        raise PromiseInvalid(_("The instructor promised must teach the course."), field="instructor")
    if not qualified_ids(Instructor, [instructor.pk]):
        raise PromiseInvalid(
            _("A promise must rest on a verified instructor record: this instructor is not qualified."),
            field="instructor",
        )
    return claim


@transaction.atomic
def course_promise_add(*, course: Course, instructor: Instructor, claim: str, actor: User) -> CoursePromise:
    """Record what a course's page promises about its teaching; requires the right to change courses."""
    if not actor.has_perm("courses.change_course"):
        raise NotAllowed(_("You may not change what courses promise."))
    claim = course_promise_check(course=course, instructor=instructor, claim=claim)
    return CoursePromise.objects.create(course=course, instructor=instructor, claim=claim, created_by=actor)
