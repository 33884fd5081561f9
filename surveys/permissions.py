"""Who reaches surveys through relations (see privacy.policy).

- Invitations: the invited learner their own; the staff who run surveys (managers, agents) all.
- Surveys: the staff who run them all (and change them); an instructor those covering a course they teach;
  a learner those they are invited to.
- Answers (free text): the staff who run surveys all, to review them; an instructor only approved answers
  about a course they teach, and of per-instructor questions only those about themselves.
"""

from django.db.models import Q

from accounts.models import User
from courses.models import Course, Instructor
from privacy import policy

from .models import Answer, Invitation, Survey
from .services import SURVEY_MANAGING_ROLES


def _manages(user: User) -> bool:
    return bool(user.role_names & SURVEY_MANAGING_ROLES)


def instructor_reach(user: User) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """The reader's own instructor records and the courses they teach, read once per request."""

    def read():
        instructors = tuple(Instructor.objects.filter(user=user).values_list("pk", flat=True))
        courses = tuple(
            Course.objects.filter(instructors__in=instructors).values_list("pk", flat=True).distinct()
        )
        return instructors, courses

    return policy.remember(user, "surveys:instructor", read)


@policy.rule(Invitation, policy.VIEW)
def invitations_visible_by_relation(user: User) -> Q:
    return policy.EVERYTHING if _manages(user) else Q(learner=user)


@policy.rule(Survey, policy.VIEW)
def surveys_visible_by_relation(user: User) -> Q:
    if _manages(user):
        return policy.EVERYTHING
    _instructors, courses = instructor_reach(user)
    condition = Q(pk__in=Invitation.objects.filter(learner=user).values("survey_id"))
    if courses:
        condition |= Q(
            pk__in=Survey.courses.through.objects.filter(course_id__in=courses).values("survey_id")
        )
    return condition


@policy.rule(Survey, policy.CHANGE)
def surveys_changeable_by_relation(user: User) -> Q:
    return policy.EVERYTHING if _manages(user) else policy.NOTHING


@policy.rule(Answer, policy.VIEW)
def answers_visible_by_relation(user: User) -> Q:
    if _manages(user):
        return policy.EVERYTHING
    instructors, courses = instructor_reach(user)
    if not courses:
        return policy.NOTHING
    about_them = Q(instructor__isnull=True) | Q(instructor_id__in=instructors)
    return Q(review=Answer.Review.APPROVED, course_id__in=courses) & about_them


@policy.rule(Answer, policy.CHANGE)
def answers_changeable_by_relation(user: User) -> Q:
    return policy.EVERYTHING if _manages(user) else policy.NOTHING
