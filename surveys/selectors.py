"""The survey reads pages, the API and other apps share: a reader's invitations, response rates, and
results per course, instructor or class (a term survey) or per question and audience group (an opinion
survey), with small groups suppressed.

``survey_results`` is the one read of term survey scores others call (the feedback analysis): one grouped
query over the running sums, never a loop over rows. ``opinion_survey_results`` is the one read of an
opinion survey's results (the process review's page and the admin show it): a fixed number of grouped
queries over its answers.
"""

from dataclasses import dataclass
from typing import Literal

from django.db import connection
from django.db.models import Avg, Count, Q, QuerySet, Sum

from accounts.models import User
from privacy import policy

from .models import Answer, Audience, Invitation, Purpose, Question, Response, ResultTally, Survey
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
    """Invited and answered in one group: a course and class (a term survey) or an audience group (an
    opinion survey, whose rows name no course)."""

    course_id: int | None
    course_code: str | None
    school_class_id: int | None
    school_class_name: str | None
    invited: int
    answered: int
    audience: str = Audience.LEARNERS

    @property
    def percent(self) -> int:
        return round(100 * self.answered / self.invited) if self.invited else 0

    @property
    def audience_label(self) -> str:
        return Audience(self.audience).label


AUDIENCE_SORT = {audience: position for position, audience in enumerate(Audience.values)}


def survey_response_rates(*, survey: Survey) -> list[RateRow]:
    """How many were invited and how many answered, per course and class (a term survey) or per audience
    group (an opinion survey): one grouped query."""
    if survey.purpose == Purpose.OPINIONS:
        rows = (
            Invitation.objects.filter(survey=survey)
            .values("audience")
            .annotate(invited=Count("id"), answered=Count("id", filter=Q(responded_on__isnull=False)))
            .order_by()
        )
        rates = [
            RateRow(
                course_id=None,
                course_code=None,
                school_class_id=None,
                school_class_name=None,
                invited=row["invited"],
                answered=row["answered"],
                audience=row["audience"],
            )
            for row in rows
        ]
        return sorted(rates, key=lambda rate: AUDIENCE_SORT.get(rate.audience, len(AUDIENCE_SORT)))
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


@dataclass(frozen=True)
class GroupFigures:
    """One question's figures in one group (an audience group, or ``""`` for everyone who answered it).

    A ``suppressed`` group carries no figures: fewer than the survey's ``min_group_size`` answered the
    question in it, or showing it would let its figures be worked out from the others'.
    """

    audience: str
    label: str
    responses: int | None
    mean_score: float | None
    options: list[tuple[str, int]] | None
    suppressed: bool


@dataclass(frozen=True)
class QuestionResult:
    question: Question
    overall: GroupFigures
    groups: list[GroupFigures]
    texts: list[str]  # the approved free-text answers, shown only with an overall that is shown


@dataclass(frozen=True)
class OpinionResults:
    survey: Survey
    rates: list[RateRow]
    questions: list[QuestionResult]

    @property
    def invited(self) -> int:
        return sum(rate.invited for rate in self.rates)

    @property
    def answered(self) -> int:
        return sum(rate.answered for rate in self.rates)

    @property
    def percent(self) -> int:
        return round(100 * self.answered / self.invited) if self.invited else 0


# Per question and audience group: how many responses answered it, and the sum and count of its scores.
_OPINION_SCORES_SQL = """
SELECT question_id, audience, COUNT(DISTINCT response_id), COALESCE(SUM(score), 0), COUNT(score)
FROM surveys_answer
WHERE survey_id = %(survey)s
GROUP BY question_id, audience
"""
# Per question, audience group and option chosen: how many answers chose it.
_OPINION_CHOICES_SQL = """
SELECT answer.question_id, answer.audience, chosen.option, COUNT(*)
FROM surveys_answer AS answer CROSS JOIN LATERAL unnest(answer.choices) AS chosen(option)
WHERE answer.survey_id = %(survey)s
GROUP BY answer.question_id, answer.audience, chosen.option
"""
TEXTS_SHOWN = 50


def opinion_groups_shown(counts: dict[str, int], total: int, threshold: int) -> set[str]:
    """The audience groups whose figures may be shown beside the overall one.

    A group is shown when at least ``threshold`` answered in it, and then only while the groups left out
    hold none or at least ``threshold`` answers together: otherwise the overall figures less the shown
    groups' would give the small groups' away, so the smallest shown groups are left out as well.
    """
    if total < threshold:
        return set()
    shown = {audience for audience, count in counts.items() if count >= threshold}
    hidden = total - sum(counts[audience] for audience in shown)
    while shown and 0 < hidden < threshold:
        smallest = min(shown, key=lambda audience: (counts[audience], audience))
        shown.discard(smallest)
        hidden += counts[smallest]
    return shown


def _figures(
    *, question: Question, audience: str, label: str, responses: int, sums: tuple[int, int], chosen, shown
) -> GroupFigures:
    if not shown:
        return GroupFigures(audience, label, None, None, None, True)
    score_sum, score_count = sums
    mean = round(score_sum / score_count, 2) if score_count else None
    options = None
    if question.kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE):
        options = [(text, chosen.get(index, 0)) for index, text in enumerate(question.choices)]
    return GroupFigures(audience, label, responses, mean, options, False)


def opinion_survey_results(*, survey: Survey) -> OpinionResults:
    """Return an opinion survey's response rates per audience group and its results per question: overall,
    and per audience group, each suppressed below the survey's ``min_group_size`` (``opinion_groups_shown``).

    The mean of agreement questions, the count of each option of choice questions, and the approved
    free-text answers (those not yet reviewed or hidden never show) when the question's overall figures
    show. Five queries, whatever the number of answers.
    """
    threshold = survey.min_group_size
    questions = list(
        Question.objects.filter(questionnaire_id=survey.questionnaire_id).order_by("position", "id")
    )
    with connection.cursor() as cursor:
        cursor.execute(_OPINION_SCORES_SQL, {"survey": survey.pk})
        scores = {(question, audience): rest for question, audience, *rest in cursor.fetchall()}
        cursor.execute(_OPINION_CHOICES_SQL, {"survey": survey.pk})
        choices: dict[tuple[int, str], dict[int, int]] = {}
        for question, audience, option, count in cursor.fetchall():
            choices.setdefault((question, audience), {})[option] = count
    texts: dict[int, list[str]] = {}
    approved = (
        Answer.objects.filter(survey=survey, review=Answer.Review.APPROVED)
        .order_by("question_id", "id")
        .values_list("question_id", "text")
    )
    for question, text in approved:
        texts.setdefault(question, []).append(text)
    results = []
    for question in questions:
        counts = {
            audience: int(scores[(question.pk, audience)][0])
            for audience in Audience.values
            if (question.pk, audience) in scores
        }
        total = sum(counts.values())
        shown = opinion_groups_shown(counts, total, threshold)
        overall_chosen: dict[int, int] = {}
        overall_sums = [0, 0]
        for audience in counts:
            for option, count in choices.get((question.pk, audience), {}).items():
                overall_chosen[option] = overall_chosen.get(option, 0) + count
            overall_sums[0] += int(scores[(question.pk, audience)][1])
            overall_sums[1] += int(scores[(question.pk, audience)][2])
        overall_shown = total >= threshold
        overall = _figures(
            question=question,
            audience="",
            label="",
            responses=total,
            sums=tuple(overall_sums),
            chosen=overall_chosen,
            shown=overall_shown,
        )
        groups = [
            _figures(
                question=question,
                audience=audience,
                label=str(Audience(audience).label),
                responses=counts.get(audience, 0),
                sums=(
                    int(scores.get((question.pk, audience), (0, 0, 0))[1]),
                    int(scores.get((question.pk, audience), (0, 0, 0))[2]),
                ),
                chosen=choices.get((question.pk, audience), {}),
                shown=audience in shown,
            )
            for audience in Audience.values
            if audience in counts
        ]
        shown_texts = texts.get(question.pk, [])[:TEXTS_SHOWN] if overall_shown else []
        results.append(QuestionResult(question, overall, groups, shown_texts))
    return OpinionResults(survey=survey, rates=survey_response_rates(survey=survey), questions=results)


def invitations_for_user(*, user: User) -> QuerySet[Invitation]:
    """The invitations this user may see (a person asked: their own), newest survey first."""
    return (
        policy.visible_to(user=user, queryset=Invitation.objects.all())
        .select_related("survey", "course")
        .order_by("-survey__opens_on", "-id")
    )


def invitation_get_for_user(*, user: User, pk: int) -> Invitation:
    """The person's own invitation, or 404 (also for another's)."""
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
