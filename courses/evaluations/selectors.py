"""Reads of evaluations: the questionnaire a course is evaluated with, whether an enrolment may be evaluated
(and why not), and the results instructors and the course's staff read, under the ratings module's rule.

The rule for results: an evaluation counts once the ratings module has folded its overall rating into the
course's published summary (``Rating.summarised``, moved in batches by ``ratings_refresh``), and a group (a
course in a term, an instructor in a term) or a question within it is shown only when at least
``RATINGS_PUBLISH_MIN`` of those evaluations answered it. So question results move in the same batches as the
published rating, and no single learner's answers can be read from them.
"""

import math
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import DateField, Exists, F, OuterRef, Window
from django.db.models.functions import RowNumber, TruncMonth
from django.http import Http404
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.models import User
from ratings.models import CommentState, Rating

from ..models import Course, Enrolment, Instructor, Term
from .models import (
    CourseEvaluation,
    EvaluationQuestion,
    EvaluationScore,
    EvaluationTemplate,
    EvaluationText,
    QuestionKind,
    TextState,
)


def evaluation_template_default() -> EvaluationTemplate | None:
    return EvaluationTemplate.objects.filter(is_default=True).first()


def evaluation_template_for(course: Course) -> EvaluationTemplate | None:
    """The questionnaire the course is evaluated with: its own, else the default."""
    if course.evaluation_template_id is not None:
        return course.evaluation_template
    return evaluation_template_default()


def evaluation_questions(template: EvaluationTemplate) -> list[EvaluationQuestion]:
    return list(template.questions.order_by("position", "id"))


def lessons_needed(course: Course) -> int:
    """How many lessons a learner must have taken to evaluate the course (at least one, at most all)."""
    share = min(max(settings.COURSE_EVALUATION_MIN_SHARE, 0), 100)
    return min(course.lesson_count, max(1, math.ceil(course.lesson_count * share / 100)))


@dataclass(frozen=True)
class Eligibility:
    allowed: bool
    code: str = ""
    reason: str = ""


def evaluation_eligibility(*, enrolment: Enrolment, user: User, evaluated: bool | None = None) -> Eligibility:
    """Whether the user may evaluate the enrolment now, and if not, why, in words for the learner.

    ``evaluated`` says whether the enrolment already has an evaluation, when the caller read it already.
    """
    if not user.is_authenticated or not user.is_active or user.pk != enrolment.learner_id:
        return Eligibility(False, "not_the_learner", _("Only the learner who took the course evaluates it."))
    if evaluated is None:
        evaluated = CourseEvaluation.objects.filter(enrolment=enrolment).exists()
    if evaluated:
        return Eligibility(False, "already_evaluated", _("You have evaluated this course. Thank you."))
    needed = lessons_needed(enrolment.course)
    if enrolment.lessons_taken < needed:
        return Eligibility(
            False,
            "not_far_enough",
            _(
                "You have taken %(taken)d of the %(count)d lessons: the course can be evaluated once you "
                "have taken %(needed)d."
            )
            % {"taken": enrolment.lessons_taken, "count": enrolment.course.lesson_count, "needed": needed},
        )
    return Eligibility(True)


def enrolment_get_for_evaluation(*, user: User, pk: int) -> Enrolment:
    """One of the user's own enrolments, with its course and whether it was evaluated; 404 for any other."""
    try:
        return Enrolment.objects.select_related("course", "course__evaluation_template").get(
            pk=pk, learner=user
        )
    except Enrolment.DoesNotExist as missing:
        raise Http404 from missing


# --- results -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class QuestionResult:
    question_id: int
    text: str
    answers: int
    mean: Decimal
    low: int  # answers of 1 or 2: what the learners name as a weakness
    high: int  # answers of 4 or 5: what they name as a strength

    @property
    def is_weakness(self) -> bool:
        return self.mean < Decimal("3.50")

    @property
    def is_strength(self) -> bool:
        return self.mean >= Decimal("4.00")


@dataclass
class GroupResult:
    """The results of one group: a course in a term (``course`` set), or all of an instructor's courses in a
    term (``course`` None). ``term`` None: enrolments that name no term."""

    course: Course | None
    term: Term | None
    evaluations: int
    items: list[QuestionResult] = field(default_factory=list)  # lowest mean first
    texts: list[dict] = field(default_factory=list)


_RESULTS_SQL = f"""
WITH counted AS (
    SELECT e.id, e.course_id, e.term_id
    FROM {CourseEvaluation._meta.db_table} AS e
    JOIN {Rating._meta.db_table} AS r ON r.id = e.rating_id AND r.summarised
    WHERE e.course_id = ANY(%(courses)s)
), groups AS (
    SELECT course_id, term_id, GROUPING(course_id) AS all_courses, count(*) AS evaluations
    FROM counted GROUP BY GROUPING SETS ((course_id, term_id), (term_id))
    HAVING count(*) >= %(k)s
), items AS (
    SELECT c.course_id, c.term_id, GROUPING(c.course_id) AS all_courses, s.question_id,
           count(*) AS answers, sum(s.score) AS total,
           count(*) FILTER (WHERE s.score <= 2) AS low, count(*) FILTER (WHERE s.score >= 4) AS high
    FROM counted AS c JOIN {EvaluationScore._meta.db_table} AS s ON s.evaluation_id = c.id
    GROUP BY GROUPING SETS ((c.course_id, c.term_id, s.question_id), (c.term_id, s.question_id))
    HAVING count(*) >= %(k)s
)
SELECT g.course_id, g.term_id, g.all_courses, g.evaluations,
       i.question_id, i.answers, i.total, i.low, i.high
FROM groups AS g
LEFT JOIN items AS i
  ON i.all_courses = g.all_courses AND i.term_id IS NOT DISTINCT FROM g.term_id
 AND i.course_id IS NOT DISTINCT FROM g.course_id
ORDER BY g.all_courses DESC, g.term_id, g.course_id
"""  # noqa: S608 (the models' own table names; every value is a query parameter)


def _mean(total: int, count: int) -> Decimal:
    return (Decimal(total) / Decimal(count)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def evaluation_results(*, course_ids: list[int], with_texts: bool = True) -> list[GroupResult]:
    """The results of these courses, per course and term and (across them) per term, in three queries.

    Only groups and questions that meet the publication rule (see the module) appear; items lowest mean
    first. Published texts are those of the groups shown, newest first, at most ``TEXTS_PER_GROUP`` each,
    with the month they were written in and never who wrote them.
    """
    if not course_ids:
        return []
    with connection.cursor() as cursor:
        cursor.execute(_RESULTS_SQL, {"courses": list(course_ids), "k": settings.RATINGS_PUBLISH_MIN})
        rows = cursor.fetchall()
    if not rows:
        return []
    question_ids = {row[4] for row in rows if row[4] is not None}
    questions = {q.pk: q for q in EvaluationQuestion.objects.filter(pk__in=question_ids)}
    courses = {c.pk: c for c in Course.objects.filter(pk__in={row[0] for row in rows if row[0]})}
    terms = {t.pk: t for t in Term.objects.filter(pk__in={row[1] for row in rows if row[1]})}
    groups: dict[tuple, GroupResult] = {}
    for course_id, term_id, all_courses, evaluations, question_id, answers, total, low, high in rows:
        key = (None if all_courses else course_id, term_id)
        group = groups.get(key)
        if group is None:
            group = groups[key] = GroupResult(
                course=None if all_courses else courses[course_id],
                term=terms.get(term_id),
                evaluations=evaluations,
            )
        if question_id is not None:
            group.items.append(
                QuestionResult(
                    question_id=question_id,
                    text=questions[question_id].localized_text,
                    answers=answers,
                    mean=_mean(total, answers),
                    low=low,
                    high=high,
                )
            )
    for group in groups.values():
        group.items.sort(key=lambda item: (item.mean, -item.low, item.question_id))
    if with_texts:
        _attach_texts([group for group in groups.values() if group.course is not None])
    return list(groups.values())


TEXTS_PER_GROUP = 20


def _attach_texts(groups: list[GroupResult]) -> None:
    """Add each course-and-term group's published texts, newest first, in one query for them all."""
    if not groups:
        return
    wanted = {(group.course.pk, group.term.pk if group.term else None): group for group in groups}
    place = Window(
        RowNumber(),
        partition_by=[F("evaluation__course_id"), F("evaluation__term_id")],
        order_by=[F("moderated_at").desc(), F("id").desc()],
    )
    texts = (
        EvaluationText.objects.filter(
            state=TextState.PUBLISHED,
            evaluation__course_id__in={course for course, _term in wanted},
            evaluation__rating__summarised=True,
        )
        .annotate(place=place, published_in=TruncMonth("moderated_at", output_field=DateField()))
        .filter(place__lte=TEXTS_PER_GROUP)
        .order_by("-moderated_at", "-id")
        .values(
            "id",
            "text",
            "published_in",
            "question__text",
            "question__text_en",
            "evaluation__course_id",
            "evaluation__term_id",
        )
    )
    english = (translation.get_language() or "").startswith("en")
    for row in texts:
        group = wanted.get((row["evaluation__course_id"], row["evaluation__term_id"]))
        if group is not None:
            question = (english and row["question__text_en"]) or row["question__text"]
            group.texts.append(
                {
                    "id": row["id"],
                    "question": question,
                    "text": row["text"],
                    "published_in": row["published_in"],
                }
            )


def instructor_for_user(user: User) -> Instructor | None:
    return Instructor.objects.filter(user=user).first() if user.is_authenticated else None


def instructor_course_ids(instructor: Instructor) -> list[int]:
    return list(instructor.courses.order_by("code").values_list("pk", flat=True))


def evaluation_texts_awaiting_moderation():
    """The free-text answers that wait for a moderator, oldest first."""
    return EvaluationText.objects.filter(state=TextState.PENDING).order_by("created_at", "id")


def likert_questions(questions: list[EvaluationQuestion]) -> list[EvaluationQuestion]:
    return [q for q in questions if q.kind == QuestionKind.LIKERT]


def course_comments_published(*, course_ids: list[int]):
    """The published comments on these courses, unanswered first, then most recently published, as rows that
    name no rater (``id``, ``score``, ``comment``, ``reply``, ``subject_id``)."""
    return (
        Rating.objects.filter(
            subject_type=ContentType.objects.get_for_model(Course),
            subject_id__in=course_ids,
            comment_state=CommentState.PUBLISHED,
        )
        .order_by("replied_at", "-moderated_at", "-id")
        .values("id", "score", "comment", "reply", "subject_id")
    )


def course_comment_get(*, course_ids: list[int], pk: int) -> Rating:
    """A published comment on one of these courses; 404 for any other rating."""
    try:
        return Rating.objects.get(
            pk=pk,
            subject_type=ContentType.objects.get_for_model(Course),
            subject_id__in=course_ids,
            comment_state=CommentState.PUBLISHED,
        )
    except Rating.DoesNotExist as missing:
        raise Http404 from missing


def enrolments_with_evaluation(queryset):
    """Annotate each enrolment with whether it has been evaluated (``evaluated``), in the same query."""
    return queryset.annotate(evaluated=Exists(CourseEvaluation.objects.filter(enrolment=OuterRef("pk"))))


def evaluation_offers(*, enrolments, user: User) -> None:
    """Set ``evaluation`` on each enrolment (annotated by ``enrolments_with_evaluation``): the eligibility
    the "my courses" page shows, read without a query."""
    for enrolment in enrolments:
        enrolment.evaluation = evaluation_eligibility(
            enrolment=enrolment, user=user, evaluated=enrolment.evaluated
        )
