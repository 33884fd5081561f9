"""Helpers of the evaluation tests: full answers to a course's questionnaire, and evaluations made through the
service by learners who finished the course."""

from courses.evaluations.models import CourseEvaluation, QuestionKind
from courses.evaluations.selectors import evaluation_questions, evaluation_template_for
from courses.evaluations.services import evaluation_submit, question_field
from courses.models import Course

from .factories import CompletedEnrolmentFactory


def full_answers(course: Course, *, score: int = 4, text: str = "") -> dict[str, object]:
    """An answer to every question of the course's questionnaire: ``score`` to each scored one, ``text`` (when
    given) to each free-text one."""
    answers: dict[str, object] = {}
    for question in evaluation_questions(evaluation_template_for(course)):
        if question.kind == QuestionKind.LIKERT:
            answers[question_field(question)] = score
        elif text:
            answers[question_field(question)] = text
    return answers


def evaluate(
    course: Course, *, score: int = 4, comment: str = "", text: str = "", **enrolment
) -> CourseEvaluation:
    """One more learner finishes the course and evaluates it."""
    enrolled = CompletedEnrolmentFactory(course=course, **enrolment)
    return evaluation_submit(
        enrolment=enrolled,
        actor=enrolled.learner,
        score=score,
        comment=comment,
        answers=full_answers(course, score=score, text=text),
    )
