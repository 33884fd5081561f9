"""The survey reads pages, the API and other apps share: a reader's invitations, response rates, and
results per course, instructor or class with small groups suppressed.

``survey_results`` is the one read of scores others call (the feedback analysis): one grouped query over
the answers' index ``answer_scores_idx``, never a loop over rows.
"""

from dataclasses import dataclass
from typing import Literal

from django.db.models import Avg, Count, Q, QuerySet, Sum

from accounts.models import User
from privacy import policy

from .models import Answer, Invitation, Response, ResultTally, Survey
from .services import SURVEY_MANAGING_ROLES

GroupBy = Literal["course", "instructor", "school_class"]
GROUP_COLUMNS = {
    "course": ("course_id",),
    "instructor": ("course_id", "instructor_id"),
    "school_class": ("course_id", "school_class_id"),
}


@dataclass(frozen=True)
class ResultRow:
    """One group's figures; a ``suppressed`` group (fewer respondents than the threshold) carries none."""

    survey_id: int
    course_id: int
    instructor_id: int | None
    school_class_id: int | None
    responses: int | None
    mean_score: float | None
    suppressed: bool


def survey_results(
    *,
    surveys: QuerySet[Survey] | list[int],
    by: GroupBy = "course",
    question_ids: list[int] | None = None,
    instructor_ids: list[int] | None = None,
) -> list[ResultRow]:
    """Return the mean Likert score and the number of respondents per survey and group, in one query over the
    running sums (``ResultTally``; with ``question_ids``, over the answers of those questions).

    ``by`` groups per course, per course and instructor (only the per-instructor questions), or per course
    and class. A group with fewer respondents than its survey's ``min_group_size`` comes back suppressed,
    with no figures. ``surveys`` is a queryset or a list of survey ids (several terms for a trend).
    """
    columns = GROUP_COLUMNS[by]
    if question_ids is not None:
        return _results_from_answers(
            surveys=surveys, by=by, question_ids=question_ids, instructor_ids=instructor_ids
        )
    tallies = ResultTally.objects.filter(survey__in=surveys)
    if by == "instructor":
        tallies = tallies.filter(instructor__isnull=False)
        counted = Sum("responses")
    else:
        counted = Sum("responses", filter=Q(instructor__isnull=True))
    if instructor_ids is not None:
        tallies = tallies.filter(instructor_id__in=instructor_ids)
    rows = (
        tallies.values("survey_id", "survey__min_group_size", *columns)
        .annotate(responses=counted, total=Sum("score_sum"), scored=Sum("score_count"))
        .filter(scored__gt=0)
        .order_by("survey_id", *columns)
    )
    return _rows(rows)


def _results_from_answers(*, surveys, by, question_ids, instructor_ids) -> list[ResultRow]:
    """The same figures for chosen questions, read from the answers themselves (slower: every answer)."""
    columns = GROUP_COLUMNS[by]
    answers = Answer.objects.filter(score__isnull=False, survey__in=surveys, question_id__in=question_ids)
    if by == "instructor":
        answers = answers.filter(instructor__isnull=False)
    if instructor_ids is not None:
        answers = answers.filter(instructor_id__in=instructor_ids)
    rows = (
        answers.values("survey_id", "survey__min_group_size", *columns)
        .annotate(responses=Count("response_id", distinct=True), mean=Avg("score"))
        .order_by("survey_id", *columns)
    )
    return _rows(rows)


def _rows(rows) -> list[ResultRow]:
    results = []
    for row in rows:
        responses = row["responses"] or 0
        shown = responses >= row["survey__min_group_size"]
        mean = row["mean"] if "mean" in row else row["total"] / row["scored"]
        results.append(
            ResultRow(
                survey_id=row["survey_id"],
                course_id=row["course_id"],
                instructor_id=row.get("instructor_id"),
                school_class_id=row.get("school_class_id"),
                responses=responses if shown else None,
                mean_score=round(float(mean), 2) if shown else None,
                suppressed=not shown,
            )
        )
    return results


@dataclass(frozen=True)
class RateRow:
    course_id: int
    course_code: str
    school_class_id: int | None
    school_class_name: str | None
    invited: int
    answered: int

    @property
    def percent(self) -> int:
        return round(100 * self.answered / self.invited) if self.invited else 0


def survey_response_rates(*, survey: Survey) -> list[RateRow]:
    """How many were invited and how many answered, per course and class: one grouped query."""
    rows = (
        Invitation.objects.filter(survey=survey)
        .values("course_id", "course__code", "school_class_id", "school_class__name")
        .annotate(invited=Count("id"), answered=Count("id", filter=Q(responded_on__isnull=False)))
        .order_by("course__code", "school_class__name")
    )
    return [
        RateRow(
            course_id=row["course_id"],
            course_code=row["course__code"],
            school_class_id=row["school_class_id"],
            school_class_name=row["school_class__name"],
            invited=row["invited"],
            answered=row["answered"],
        )
        for row in rows
    ]


def invitations_for_user(*, user: User) -> QuerySet[Invitation]:
    """The invitations this user may see (a learner: their own), newest survey first."""
    return (
        policy.visible_to(user=user, queryset=Invitation.objects.all())
        .select_related("survey", "course")
        .order_by("-survey__opens_on", "-id")
    )


def invitation_get_for_user(*, user: User, pk: int) -> Invitation:
    """The learner's own invitation, or 404 (also for another's)."""
    return policy.get_visible_or_404(
        user=user,
        queryset=Invitation.objects.filter(learner=user).select_related("survey__questionnaire", "course"),
        pk=pk,
    )


def survey_get_for_user(*, user: User, pk: int) -> Survey:
    return policy.get_visible_or_404(user=user, queryset=Survey.objects.all(), pk=pk)


def free_text_for_user(*, user: User, survey: Survey) -> QuerySet[Answer]:
    """The free-text answers of the survey this user may read: reviewers all, instructors approved ones about
    their own courses or themselves, only where the group is large enough (``visible_to`` on Answer)."""
    answers = Answer.objects.filter(survey=survey).exclude(review="")
    if not (user.is_superuser or user.role_names & SURVEY_MANAGING_ROLES):
        large_enough = (
            Response.objects.filter(survey=survey)
            .values("course_id")
            .annotate(count=Count("id"))
            .filter(count__gte=survey.min_group_size)
            .values("course_id")
        )
        answers = answers.filter(course_id__in=large_enough)
    return (
        policy.visible_to(user=user, queryset=answers)
        .select_related("question", "course", "instructor")
        .order_by("course_id", "question_id", "id")
    )
