"""The answer slots of one invitation (each question; each per-instructor question once per instructor of
the course, so not at all in an opinion survey, which is about no course) and the checking of raw input
against them, shared by the answer page and the API."""

from collections.abc import Mapping
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from core.validators import BIDI_CONTROLS
from courses.models import Instructor

from .models import MAX_TEXT_LENGTH, Question, Survey

AnswerValue = int | str | list[int] | None


@dataclass(frozen=True)
class AnswerSlot:
    question: Question
    instructor: Instructor | None

    @property
    def key(self) -> str:
        suffix = f"_i{self.instructor.pk}" if self.instructor else ""
        return f"q{self.question.pk}{suffix}"


def answer_slots(*, survey: Survey, course_id: int | None) -> list[AnswerSlot]:
    questions = list(survey.questionnaire.questions.order_by("position", "id"))
    instructors = (
        list(Instructor.objects.filter(courses=course_id).order_by("name", "id")) if course_id else []
    )
    slots = []
    for question in questions:
        if question.per_instructor:
            slots.extend(AnswerSlot(question, instructor) for instructor in instructors)
        else:
            slots.append(AnswerSlot(question, None))
    return slots


class InvalidAnswers(Exception):
    """The input refused, as messages per slot key."""

    def __init__(self, errors: dict[str, list[str]]):
        self.errors = errors
        super().__init__(errors)


def _as_int(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit() and len(value.strip()) < 6:
        return int(value.strip())
    return None


def _clean_one(question: Question, value) -> AnswerValue:
    """Return the cleaned value, None for no answer; raise ValueError with the message for a bad one."""
    if value is None or value == "" or value == []:
        return None
    if question.kind == Question.Kind.LIKERT:
        number = _as_int(value)
        if number is None or not 1 <= number <= 5:
            raise ValueError(_("Choose a number from 1 to 5."))
        return number
    if question.kind == Question.Kind.SINGLE:
        number = _as_int(value)
        if number is None or not 0 <= number < len(question.choices):
            raise ValueError(_("Choose one of the options offered."))
        return number
    if question.kind == Question.Kind.MULTIPLE:
        values = value if isinstance(value, list) else [value]
        numbers = [_as_int(item) for item in values]
        if any(n is None or not 0 <= n < len(question.choices) for n in numbers) or len(set(numbers)) != len(
            numbers
        ):
            raise ValueError(_("Choose among the options offered, each once."))
        return numbers
    if not isinstance(value, str):
        raise ValueError(_("Write your answer as text."))
    text = value.strip()
    if len(text) > MAX_TEXT_LENGTH:
        raise ValueError(_("Write at most %(max)d characters.") % {"max": MAX_TEXT_LENGTH})
    if "\x00" in text or not BIDI_CONTROLS.isdisjoint(text):
        raise ValueError(_("Remove the invisible control characters from the text."))
    return text or None


def answers_clean(*, slots: list[AnswerSlot], raw: Mapping) -> dict[str, AnswerValue]:
    """Check every slot's input; raise InvalidAnswers naming each bad or missing required slot."""
    cleaned: dict[str, AnswerValue] = {}
    errors: dict[str, list[str]] = {}
    known = {slot.key for slot in slots}
    for key in raw:
        if key not in known:
            errors[str(key)[:50]] = [str(_("No such question in this survey."))]
    for slot in slots:
        try:
            value = _clean_one(slot.question, raw.get(slot.key))
        except ValueError as error:
            errors[slot.key] = [str(error.args[0])]
            continue
        if value is None and slot.question.is_required:
            errors[slot.key] = [str(_("This question needs an answer."))]
            continue
        cleaned[slot.key] = value
    if errors:
        raise InvalidAnswers(errors)
    return cleaned
