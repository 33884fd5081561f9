"""A demo term survey of the demo term's courses, open, with two answers in; the demo learner's still to give.

Safe to run again: the survey is found by its title and term, opened once, and each answer is given once.
"""

import datetime

from django.utils import timezone

from accounts.models import User
from courses.demo import DEMO_TERM
from courses.models import Course, Term

from .answers import answer_slots, answers_clean
from .models import Invitation, Question, Questionnaire, Survey
from .services import response_submit, survey_open, survey_reference_assign

TITLE = "2026年秋季学期期末评教"
QUESTIONS = [
    (Question.Kind.LIKERT, "课程内容对我有帮助", False, []),
    (Question.Kind.LIKERT, "老师讲解清楚，答疑及时", True, []),
    (Question.Kind.SINGLE, "课程进度", False, ["偏快", "合适", "偏慢"]),
    (Question.Kind.MULTIPLE, "你最看重的教学环节", False, ["课堂讲解", "课后作业", "答疑辅导", "案例实践"]),
    (Question.Kind.TEXT, "对课程或老师的其他建议", False, []),
]
# Learners who have already answered about AC-301 (co-taught by two instructors).
ANSWERED = ["learner4@demo.edu.cn", "learner6@demo.edu.cn"]


def seed_survey() -> Survey:
    questionnaire, created = Questionnaire.objects.get_or_create(
        title="学期评教问卷", defaults={"introduction": "本问卷匿名填写，结果仅以汇总形式呈现。"}
    )
    if created:
        for position, (kind, text, per_instructor, choices) in enumerate(QUESTIONS, start=1):
            Question.objects.create(
                questionnaire=questionnaire,
                position=position,
                kind=kind,
                text=text,
                is_required=kind != Question.Kind.TEXT,
                per_instructor=per_instructor,
                choices=choices,
            )
    term = Term.objects.get(name=DEMO_TERM)
    today = timezone.localdate()
    survey = Survey.objects.filter(title=TITLE, term=term).first()
    if survey is None:
        survey = Survey(
            title=TITLE,
            questionnaire=questionnaire,
            term=term,
            opens_on=today - datetime.timedelta(days=3),
            closes_on=today + datetime.timedelta(days=11),
            min_group_size=3,
        )
        survey_reference_assign(survey=survey)
        survey.save()
        survey.courses.set(Course.objects.filter(enrolments__term=term).distinct())
    if survey.state == Survey.State.DRAFT:
        survey = survey_open(survey=survey, actor=None, today=today)
    return survey


def seed_answers(survey: Survey) -> None:
    for email in ANSWERED:
        learner = User.objects.get(email=email)
        invitation = Invitation.objects.filter(survey=survey, learner=learner, course__code="AC-301").first()
        if invitation is None or invitation.responded_on is not None:
            continue
        slots = answer_slots(survey=survey, course_id=invitation.course_id)
        raw = {}
        for slot in slots:
            kind = slot.question.kind
            raw[slot.key] = {"likert": 4, "single": 1, "multiple": [0, 2], "text": "希望多安排真题练习。"}[
                kind
            ]
        response_submit(
            invitation=invitation,
            answers=answers_clean(slots=slots, raw=raw),
            actor=learner,
            today=survey.opens_on,
        )


def demo_seed(*, password: str) -> None:
    """Seed this app's demo data (the ``seed_demo`` command calls it) after the courses' demo."""
    seed_answers(seed_survey())
