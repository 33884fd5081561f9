"""Every change to evaluations: a learner's evaluation, and the moderation of its free-text answers.

The overall score and comment go to the ratings module (``ratings.services.rating_give``, the course as the
subject and the enrolment as the source), which publishes them as the course's batched summary and moderates
the comment; a published comment is answered in public by the course's instructors through
``ratings.services.rating_reply``.
"""

from collections.abc import Mapping

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from ratings.errors import AlreadyRated, RatingInvalid
from ratings.permissions import may_moderate_ratings
from ratings.services import rating_give

from ..errors import (
    AlreadyEvaluated,
    CoursePermissionDenied,
    EvaluationInvalid,
    NotAwaitingModeration,
    NotEligibleToEvaluate,
)
from ..models import Enrolment
from ..permissions import course_instructor_user_ids
from ..text_input import text_clean
from .models import (
    ONCE_PER_ENROLMENT,
    REASON_MAX_LENGTH,
    TEXT_MAX_LENGTH,
    CourseEvaluation,
    EvaluationQuestion,
    EvaluationScore,
    EvaluationText,
    QuestionKind,
    TextState,
)
from .selectors import evaluation_eligibility, evaluation_questions, evaluation_template_for


def question_field(question: EvaluationQuestion) -> str:
    """The name of the input that carries the answer to a question (forms and API errors use it)."""
    return f"question_{question.pk}"


def _clean_score(value, *, field: str, required: bool) -> int | None:
    if value in (None, ""):
        if required:
            raise EvaluationInvalid(_("Choose a score from 1 to 5."), field=field)
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
        raise EvaluationInvalid(_("Choose a score from 1 to 5."), field=field)
    return value


def _clean_answers(
    questions: list[EvaluationQuestion], answers: Mapping[str, object]
) -> tuple[dict[EvaluationQuestion, int], dict[EvaluationQuestion, str]]:
    known = {question_field(question) for question in questions}
    unknown = sorted(set(answers) - known)
    if unknown:
        raise EvaluationInvalid(_("This question is not in the course's questionnaire."), field=unknown[0])
    scores, texts = {}, {}
    for question in questions:
        name = question_field(question)
        value = answers.get(name)
        if question.kind == QuestionKind.LIKERT:
            score = _clean_score(value, field=name, required=question.required)
            if score is not None:
                scores[question] = score
        else:
            text = text_clean(
                "" if value is None else value,
                field=name,
                max_length=TEXT_MAX_LENGTH,
                required=question.required,
                refusal=EvaluationInvalid,
            )
            if text:
                texts[question] = text
    return scores, texts


def evaluation_submit(
    *,
    enrolment: Enrolment,
    actor: User,
    score: int,
    comment: str = "",
    answers: Mapping[str, object] | None = None,
) -> CourseEvaluation:
    """Evaluate the enrolment's course: the overall score (1-5) and comment, and the questionnaire's answers
    keyed by ``question_field`` (scores 1-5 for scored questions, text for the others).

    Requires the enrolment's learner themself, who has taken at least the share of lessons the institution
    sets (``NotEligibleToEvaluate``, with the reason), and no evaluation of the enrolment yet
    (``AlreadyEvaluated``, also when two arrive at once: the database keeps one per enrolment). Refuses a
    score outside 1-5, a missing required answer, an unknown question or a bad text (``EvaluationInvalid``
    with the input's name). Writes nothing when it refuses. Causes the course's rating (its comment waiting
    for moderation), the evaluation, its scores and its texts (waiting for moderation).
    """
    with transaction.atomic():
        # The enrolment's row is the turnstile: a second evaluation waits, then finds the first.
        locked = Enrolment.objects.select_for_update().select_related("course").get(pk=enrolment.pk)
        eligibility = evaluation_eligibility(enrolment=locked, user=actor)
        if not eligibility.allowed:
            if eligibility.code == "not_the_learner":
                raise CoursePermissionDenied(eligibility.reason)
            refusal = AlreadyEvaluated if eligibility.code == "already_evaluated" else NotEligibleToEvaluate
            raise refusal(eligibility.reason, code=eligibility.code)
        template = evaluation_template_for(locked.course)
        if template is None:
            raise NotEligibleToEvaluate(_("No evaluation questionnaire is set up yet."), code="no_template")
        questions = evaluation_questions(template)
        scores, texts = _clean_answers(questions, answers or {})
        try:
            rating = rating_give(
                subject=locked.course, source=locked, rater=actor, score=score, comment=comment
            )
        except AlreadyRated:
            raise AlreadyEvaluated() from None
        except RatingInvalid as error:
            raise EvaluationInvalid(error.message, field=error.field) from None
        now = timezone.now()
        try:
            with transaction.atomic():
                evaluation = CourseEvaluation.objects.create(
                    enrolment=locked,
                    course=locked.course,
                    term_id=locked.term_id,
                    template=template,
                    rating=rating,
                    created_at=now,
                )
        except IntegrityError as error:
            if ONCE_PER_ENROLMENT in str(error):
                raise AlreadyEvaluated() from None
            raise
        EvaluationScore.objects.bulk_create(
            EvaluationScore(evaluation=evaluation, question=question, score=value)
            for question, value in scores.items()
        )
        EvaluationText.objects.bulk_create(
            EvaluationText(evaluation=evaluation, question=question, text=value, created_at=now)
            for question, value in texts.items()
        )
    return evaluation


@transaction.atomic
def evaluation_text_moderate(
    *, text: EvaluationText, actor: User, publish: bool, reason: str = ""
) -> EvaluationText:
    """Publish a waiting free-text answer to the course's instructors, or keep it unpublished with a reason.

    Requires a ratings moderator (``ratings.moderate_rating``) who neither wrote it nor teaches the course
    (``CoursePermissionDenied``); a rejection needs a reason (``EvaluationInvalid`` at ``reason``); an answer
    that no longer waits is refused (``NotAwaitingModeration``). Records who moderated and when.
    """
    if not may_moderate_ratings(actor):
        raise CoursePermissionDenied()
    if not publish:
        reason = text_clean(
            reason, field="reason", max_length=REASON_MAX_LENGTH, required=True, refusal=EvaluationInvalid
        )
    locked = (
        EvaluationText.objects.select_for_update().select_related("evaluation__enrolment").get(pk=text.pk)
    )
    evaluation = locked.evaluation
    if actor.pk == evaluation.enrolment.learner_id or actor.pk in course_instructor_user_ids(
        evaluation.course_id
    ):
        # Nobody decides on a text they wrote or that is about them.
        raise CoursePermissionDenied()
    if locked.state != TextState.PENDING:
        raise NotAwaitingModeration()
    locked.state = TextState.PUBLISHED if publish else TextState.REJECTED
    locked.moderation_reason = "" if publish else reason
    locked.moderated_by = actor
    locked.moderated_at = timezone.now()
    locked.save(update_fields=["state", "moderation_reason", "moderated_by", "moderated_at"])
    return locked
