"""Who may do what with a course's evaluations and update suggestions.

- Evaluate: the learner of the enrolment themself (not a guardian: the evaluation is the learner's own view).
- Propose and support suggestions: learners enrolled in the course; nobody supports their own.
- Answer suggestions (the course's owners): the instructors who teach it (through their accounts) and the
  staff of its department (supervisors and agents of that department, the managers and leadership group
  among them); superusers too.
- Reply in public to a published comment on a course: the instructors who teach it (``ratings`` asks the
  course's registered subject).
- Read the evaluation results of a course: its instructors, and staff of its department; always as
  aggregates and moderated texts, never one learner's answers.
"""

from django.db.models import Q

from accounts.models import User
from accounts.roles import STAFF_ROLES, Role

from .models import Course, Enrolment, Instructor

STAFF_ROLE_NAMES = frozenset(str(role) for role in STAFF_ROLES)


def course_instructor_user_ids(course_id: int) -> list[int]:
    """The accounts of the instructors who teach the course."""
    return list(
        Instructor.objects.filter(courses=course_id, user__isnull=False, is_active=True)
        .order_by("user_id")
        .values_list("user_id", flat=True)
    )


def is_course_staff(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active and user.role_names & STAFF_ROLE_NAMES)


def owned_courses(user: User) -> Q:
    """The courses the user owns, as a filter on courses: those they teach, those of their department."""
    if not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    if user.is_superuser:
        return Q()
    teaching = Course.instructors.through.objects.filter(instructor__user=user, instructor__is_active=True)
    owned = Q(pk__in=teaching.values("course_id"))
    if is_course_staff(user) and user.department_id is not None:
        owned |= Q(department_id=user.department_id)
    return owned


def may_answer_suggestions(user: User, course: Course) -> bool:
    """Whether the user is one of the course's owners."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    if (
        is_course_staff(user)
        and user.department_id is not None
        and user.department_id == course.department_id
    ):
        return True
    return user.pk in course_instructor_user_ids(course.pk)


def is_course_learner(user: User, course: Course) -> bool:
    """Whether the user is a learner enrolled in the course."""
    return bool(
        user.is_authenticated
        and user.is_active
        and Role.LEARNER in user.role_names
        and Enrolment.objects.filter(learner=user, course=course).exists()
    )


def is_instructor(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active and Role.INSTRUCTOR in user.role_names)
