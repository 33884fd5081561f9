"""A process review and the opinion survey that asked learners, teachers and the team before it."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from accounts.roles import Role
from accounts.tests.factories import LearnerFactory, StaffFactory
from core.errors import NotAllowed, RuleViolation
from incentives.models import Award, PointsBalance
from reviews.models import Review, ReviewKind
from reviews.services import review_create, review_opinions_survey_set, review_opinions_thank
from surveys.answers import answer_slots, answers_clean
from surveys.models import Invitation
from surveys.services import response_submit, survey_open
from surveys.tests.factories import QuestionFactory, QuestionnaireFactory, SurveyFactory

from .factories import ManagerFactory, ReviewFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager():
    return ManagerFactory()


@pytest.fixture
def learners():
    return [LearnerFactory() for _ in range(6)]


@pytest.fixture
def opinions(manager, learners):
    """An open opinion survey of the learners and one teacher: an agreement question and a free text."""
    questionnaire = QuestionnaireFactory()
    QuestionFactory(questionnaire=questionnaire, text="反馈答复及时")
    QuestionFactory(questionnaire=questionnaire, free_text=True)
    teacher = StaffFactory(roles=[Role.INSTRUCTOR])
    survey = SurveyFactory(
        opinions=True,
        questionnaire=questionnaire,
        title="反馈流程意见征集",
        invite_learners=True,
        invitees=[teacher],
    )
    return survey_open(survey=survey, actor=manager)


def answer(survey, person, score=4):
    invitation = Invitation.objects.get(survey=survey, learner=person)
    slots = answer_slots(survey=survey, course_id=None)
    raw = {slots[0].key: score}
    return response_submit(invitation=invitation, answers=answers_clean(slots=slots, raw=raw), actor=person)


def record(actor, **overrides) -> Review:
    values = {
        "kind": ReviewKind.PROCESS,
        "held_on": timezone.localdate(),
        "period_start": timezone.localdate() - datetime.timedelta(days=182),
        "period_end": timezone.localdate() - datetime.timedelta(days=1),
        "findings": "反馈回复偏慢。",
        "actor": actor,
    }
    values.update(overrides)
    return review_create(**values)


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client


def test_a_review_is_recorded_with_its_opinion_survey(manager, opinions):
    review = record(manager, opinions_survey=opinions, opinions_summary="学员希望进度可查。")

    assert Review.objects.get(pk=review.pk).opinions_survey == opinions
    assert review.opinions_summary == "学员希望进度可查。"  # the team's own summary stays beside it


def test_a_term_survey_is_refused_as_a_reviews_opinion_survey_by_its_field_and_nothing_is_written(manager):
    term_survey = SurveyFactory()

    with pytest.raises(RuleViolation) as refused:
        record(manager, opinions_survey=term_survey)

    assert (refused.value.field, refused.value.code) == ("opinions_survey", "not_an_opinion_survey")
    assert not Review.objects.exists()


def test_the_opinion_survey_is_linked_and_unlinked_later_and_a_term_survey_changes_nothing(manager, opinions):
    review = ReviewFactory()

    linked = review_opinions_survey_set(review=review, survey=opinions, actor=manager)
    with pytest.raises(RuleViolation) as refused:
        review_opinions_survey_set(review=review, survey=SurveyFactory(), actor=manager)

    assert linked.opinions_survey == opinions and refused.value.field == "opinions_survey"
    assert Review.objects.get(pk=review.pk).opinions_survey == opinions
    review_opinions_survey_set(review=review, survey=None, actor=manager)
    assert Review.objects.get(pk=review.pk).opinions_survey is None


def test_an_agent_may_not_link_a_survey_and_nothing_changes(opinions):
    review = ReviewFactory()

    with pytest.raises(NotAllowed):
        review_opinions_survey_set(review=review, survey=opinions, actor=StaffFactory(roles=[Role.AGENT]))

    assert Review.objects.get(pk=review.pk).opinions_survey is None


def test_answering_the_survey_and_being_thanked_by_the_review_award_points_once(manager, learners, opinions):
    review = record(manager, opinions_survey=opinions)
    answered, thanked_first = learners[0], learners[1]

    # answered first, then thanked
    answer(opinions, answered)
    assert review_opinions_thank(review=review, learner=answered, actor=manager) is None
    # thanked first, then answered
    award = review_opinions_thank(review=review, learner=thanked_first, actor=manager)
    answer(opinions, thanked_first)

    assert award.source == Invitation.objects.get(survey=opinions, learner=thanked_first)
    for learner in (answered, thanked_first):
        assert Award.objects.filter(learner=learner).count() == 1
        assert PointsBalance.objects.get(learner=learner).total == 10


def test_a_learner_the_survey_did_not_ask_is_thanked_by_the_review_itself(manager, opinions):
    review = record(manager, opinions_survey=opinions)
    newcomer = LearnerFactory()  # signed up after the survey opened: not asked

    award = review_opinions_thank(review=review, learner=newcomer, actor=manager)

    assert (award.reason, award.source) == ("review_opinions_given", review)


def test_a_survey_asking_learners_the_review_already_thanked_is_refused_as_their_points_would_double(
    manager, learners, opinions
):
    review = ReviewFactory()
    review_opinions_thank(review=review, learner=learners[0], actor=manager)

    with pytest.raises(RuleViolation) as refused:
        review_opinions_survey_set(review=review, survey=opinions, actor=manager)

    assert refused.value.code == "opinions_thanked_before"
    assert Review.objects.get(pk=review.pk).opinions_survey is None


def test_the_review_page_shows_the_surveys_response_rate_and_results_with_small_groups_hidden(
    manager, learners, opinions
):
    review = record(manager, opinions_survey=opinions)
    for learner, score in zip(learners[:5], [3, 4, 4, 5, 5], strict=True):
        answer(opinions, learner, score=score)
    teacher = opinions.invitees.get()
    answer(opinions, teacher, score=1)

    html = client_for(manager).get(f"/reviews/{review.pk}/").content.decode()

    assert f'href="/admin/surveys/survey/{opinions.pk}/change/"' in html and opinions.reference in html
    assert "6 of the 7 people asked have answered (86%)." in html
    assert "反馈答复及时" in html and f"{round((3 + 4 + 4 + 5 + 5 + 1) / 6, 2)} of 5" in html
    # the learners' five alone would give the teacher's one answer away: neither group is shown
    assert html.count("Too few respondents to show") == 2 + 1  # both groups; the free text's overall


def test_the_leadership_group_reads_the_results_without_a_link_to_the_survey_staffs_screen(manager, opinions):
    review = record(manager, opinions_survey=opinions)

    html = client_for(StaffFactory(roles=[Role.LEADERSHIP])).get(f"/reviews/{review.pk}/").content.decode()

    assert opinions.reference in html and "/admin/surveys/survey/" not in html


def test_the_page_links_an_opinion_survey_and_refuses_a_term_survey_by_its_field(manager, opinions):
    review = ReviewFactory()
    client = client_for(manager)

    refused = client.post(f"/reviews/{review.pk}/opinions-survey/", {"opinions_survey": SurveyFactory().pk})
    assert refused.status_code == 400
    assert refused.context["survey_form"].errors["opinions_survey"]
    assert Review.objects.get(pk=review.pk).opinions_survey is None

    linked = client.post(f"/reviews/{review.pk}/opinions-survey/", {"opinions_survey": opinions.pk})
    assert linked.status_code == 302
    assert Review.objects.get(pk=review.pk).opinions_survey == opinions


def test_a_review_is_recorded_from_the_page_with_its_opinion_survey(manager, opinions):
    today = timezone.localdate()

    answer_page = client_for(manager).post(
        "/reviews/new/",
        {
            "kind": ReviewKind.PROCESS,
            "held_on": today.isoformat(),
            "period_start": (today - datetime.timedelta(days=180)).isoformat(),
            "period_end": today.isoformat(),
            "findings": "整体达标。",
            "opinions_survey": opinions.pk,
        },
    )

    assert answer_page.status_code == 302
    assert Review.objects.get().opinions_survey == opinions


def test_the_admin_and_the_api_show_the_reviews_opinion_survey(manager, learners, opinions):
    review = record(manager, opinions_survey=opinions)
    for learner in learners[:5]:
        answer(opinions, learner, score=2)
    client = client_for(manager)

    admin_page = client.get(f"/admin/reviews/review/{review.pk}/change/").content.decode()
    api = client.get(f"/api/v1/reviews/{review.pk}/").json()

    assert opinions.reference in admin_page and "2.0 of 5" in admin_page
    assert api["opinions_survey"] == opinions.reference
