"""A demo term survey of the demo term's courses, open, with two answers in; the demo learner's still to give.
And a closed opinion survey of learners, teachers and the team before the feedback process review, which five
learners answered (enough for the learners' results to show; the demo learner's is left unanswered).

Safe to run again: each survey is found by its title, opened once, and each answer is given once.
"""

import datetime

from django.utils import timezone

from accounts.models import User
from courses.demo import DEMO_TERM
from courses.models import Course, Term

from .answers import answer_slots, answers_clean
from .models import Answer, Invitation, Purpose, Question, Questionnaire, Survey
from .services import answer_review, response_submit, survey_close, survey_open, survey_reference_assign

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
    survey = Survey.objects.filter(title=TITLE, term=term, purpose=Purpose.TERM).first()
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


OPINION_TITLE = "2026年上半年反馈流程意见征集"
OPINION_QUESTIONS = [
    (Question.Kind.LIKERT, "提交反馈后，我能清楚地查到处理进度", []),
    (Question.Kind.LIKERT, "反馈的答复及时、有针对性", []),
    (Question.Kind.SINGLE, "你最常用的反馈渠道", ["在线表单", "学期问卷", "纸质反馈表", "学员代表会议"]),
    (Question.Kind.TEXT, "对反馈流程的改进建议", []),
]
# The learners who answered the opinion survey, each: the two agreements, the channel, a suggestion.
OPINION_ANSWERS = {
    "learner2@demo.edu.cn": (4, 3, 0, "希望在手机上也能看到处理进度。"),
    "learner3@demo.edu.cn": (3, 2, 1, "答复有时太笼统，希望说明具体改进措施。"),
    "learner4@demo.edu.cn": (4, 4, 0, ""),
    "learner5@demo.edu.cn": (2, 3, 2, "纸质反馈表交上去后很久没有回音。"),
    "learner6@demo.edu.cn": (5, 4, 3, ""),
}
# Reviewed free text the process review shows (the others still await review).
OPINION_TEXTS_APPROVED = {"希望在手机上也能看到处理进度。", "纸质反馈表交上去后很久没有回音。"}


def seed_opinion_survey() -> Survey:
    """The opinion survey the demo process review gathered its opinions with (reviews.demo links it)."""
    survey = Survey.objects.filter(title=OPINION_TITLE, purpose=Purpose.OPINIONS).first()
    if survey is not None:
        return survey
    questionnaire, created = Questionnaire.objects.get_or_create(
        title="反馈流程意见征集问卷",
        defaults={
            "introduction": "流程评审前征集学员、教师和工作人员的意见；匿名填写，结果仅以汇总形式呈现。"
        },
    )
    if created:
        for position, (kind, text, choices) in enumerate(OPINION_QUESTIONS, start=1):
            Question.objects.create(
                questionnaire=questionnaire,
                position=position,
                kind=kind,
                text=text,
                is_required=kind != Question.Kind.TEXT,
                choices=choices,
            )
    today = timezone.localdate()
    survey = Survey(
        title=OPINION_TITLE,
        purpose=Purpose.OPINIONS,
        questionnaire=questionnaire,
        opens_on=today - datetime.timedelta(days=45),
        closes_on=today - datetime.timedelta(days=25),
        invite_learners=True,
        invite_teachers=True,
        invite_team=True,
    )
    survey_reference_assign(survey=survey)
    survey.save()
    survey = survey_open(survey=survey, actor=None, today=survey.opens_on)
    answered_on = survey.opens_on + datetime.timedelta(days=3)
    for email, values in OPINION_ANSWERS.items():
        learner = User.objects.get(email=email)
        invitation = Invitation.objects.get(survey=survey, learner=learner)
        slots = answer_slots(survey=survey, course_id=None)
        raw = {slot.key: value for slot, value in zip(slots, values, strict=True) if value != ""}
        response_submit(
            invitation=invitation,
            answers=answers_clean(slots=slots, raw=raw),
            actor=learner,
            today=answered_on,
        )
    manager = User.objects.get(email="manager@demo.edu.cn")
    for answer in Answer.objects.filter(survey=survey, text__in=OPINION_TEXTS_APPROVED):
        answer_review(answer=answer, approve=True, actor=manager)
    return survey_close(survey=survey, actor=None)


def demo_seed(*, password: str) -> None:
    """Seed this app's demo data (the ``seed_demo`` command calls it) after the courses' demo."""
    seed_answers(seed_survey())
    seed_opinion_survey()
