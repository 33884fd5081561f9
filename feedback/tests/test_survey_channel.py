"""The term-survey channel: a reviewed free-text answer is raised as an anonymous feedback item, once, from
the survey's own review screen in the admin."""

import pytest
from django.test import Client

from accounts.roles import Role
from accounts.tests.factories import LearnerFactory, UserFactory
from feedback.models import Channel, FeedbackCategory, FeedbackItem
from surveys.answers import answer_slots, answers_clean
from surveys.models import Answer, Invitation
from surveys.services import response_submit, survey_open
from surveys.tests.conftest import full_answers
from surveys.tests.factories import QuestionFactory, SurveyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def answered(opened):
    learner = opened["learners"][0]
    invitation = Invitation.objects.get(survey=opened["survey"], learner=learner, course=opened["course"])
    slots = answer_slots(survey=opened["survey"], course_id=invitation.course_id)
    cleaned = answers_clean(slots=slots, raw=full_answers(opened, text="实验室器材太旧，希望更新"))
    response_submit(invitation=invitation, answers=cleaned, actor=learner)
    return opened


def test_a_free_text_answer_becomes_an_anonymous_survey_item_once(answered):
    agent = UserFactory(roles=[Role.AGENT], is_staff=True)
    client = Client()
    client.force_login(agent)
    answer = Answer.objects.get(survey=answered["survey"], review=Answer.Review.PENDING)
    category = FeedbackCategory.objects.get(code="facilities")
    form = {"action": "raise_as_feedback", "_selected_action": [str(answer.pk)], "category": category.pk}

    first = client.post("/admin/surveys/answer/", form, follow=True)
    again = client.post("/admin/surveys/answer/", form, follow=True)

    assert first.status_code == again.status_code == 200
    item = FeedbackItem.objects.get()
    assert (item.channel, item.learner, item.is_anonymous, item.text) == (
        Channel.SURVEY,
        None,
        True,
        "实验室器材太旧，希望更新",
    )
    assert (item.course, item.term, item.survey_answer) == (
        answered["course"],
        answered["survey"].term,
        answer.pk,
    )
    assert item.filed_by == agent


def test_without_a_category_nothing_is_raised(answered):
    agent = UserFactory(roles=[Role.AGENT], is_staff=True)
    client = Client()
    client.force_login(agent)
    answer = Answer.objects.get(survey=answered["survey"], review=Answer.Review.PENDING)
    client.post(
        "/admin/surveys/answer/", {"action": "raise_as_feedback", "_selected_action": [str(answer.pk)]}
    )
    assert FeedbackItem.objects.count() == 0


def test_an_opinion_surveys_free_text_answer_is_raised_about_no_course_and_no_term(manager):
    learner = LearnerFactory()
    survey = SurveyFactory(opinions=True, invitees=[learner])
    question = QuestionFactory(questionnaire=survey.questionnaire, free_text=True)
    survey = survey_open(survey=survey, actor=manager)
    invitation = Invitation.objects.get(survey=survey)
    response_submit(
        invitation=invitation, answers={f"q{question.pk}": "反馈处理进度希望能在线查看"}, actor=learner
    )
    answer = Answer.objects.get(survey=survey)
    client = Client()
    client.force_login(UserFactory(roles=[Role.AGENT], is_staff=True))
    category = FeedbackCategory.objects.get(code="facilities")

    client.post(
        "/admin/surveys/answer/",
        {"action": "raise_as_feedback", "_selected_action": [str(answer.pk)], "category": category.pk},
    )

    item = FeedbackItem.objects.get()
    assert (item.course, item.term, item.learner, item.survey_answer) == (None, None, None, answer.pk)
