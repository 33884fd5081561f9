"""Opinion surveys: chosen people (learners, teachers, the team) asked about no course, as anonymously as a
term survey, with results per question and audience group that hide small groups."""

import uuid

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone

from accounts.roles import Role
from accounts.tests.factories import LearnerFactory, ParentFactory, StaffFactory
from courses.tests.factories import CourseFactory, InstructorFactory, TermFactory
from incentives.models import Award
from notifications.models import Notification
from surveys.answers import answer_slots, answers_clean
from surveys.errors import AlreadyAnswered, AnonymityLocked, SurveyError
from surveys.models import Answer, Invitation, Purpose, Reminder, Response, ResultTally, Survey
from surveys.notices import SURVEY_OPENED, SURVEY_REMINDER_LAST_DAY
from surveys.selectors import opinion_groups_shown, opinion_survey_results, survey_response_rates
from surveys.services import (
    answer_review,
    response_submit,
    survey_anonymity_set,
    survey_open,
    survey_setup_check,
    surveys_sweep,
)

from .factories import QuestionFactory, QuestionnaireFactory, SurveyFactory

pytestmark = pytest.mark.django_db

PHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148"


@pytest.fixture
def people(manager):
    """Seven learners, two teachers (an agent with an instructor record; the instructor role alone), two
    agents, the manager, a parent and an inactive learner."""
    return {
        "learners": [LearnerFactory() for _ in range(7)],
        "teachers": [
            InstructorFactory(user=StaffFactory(roles=[Role.AGENT])).user,
            StaffFactory(roles=[Role.INSTRUCTOR]),
        ],
        "agents": [StaffFactory(roles=[Role.AGENT]) for _ in range(2)],
        "manager": manager,
        "parent": ParentFactory(),
        "inactive": LearnerFactory(is_active=False),
    }


@pytest.fixture
def questions():
    questionnaire = QuestionnaireFactory()
    return {
        "questionnaire": questionnaire,
        "likert": QuestionFactory(questionnaire=questionnaire, text="反馈处理进度清楚"),
        "per_teacher": QuestionFactory(questionnaire=questionnaire, per_instructor=True),
        "single": QuestionFactory(questionnaire=questionnaire, single=True),
        "text": QuestionFactory(questionnaire=questionnaire, free_text=True),
    }


def opinion_survey(questions, **kwargs) -> Survey:
    return SurveyFactory(opinions=True, questionnaire=questions["questionnaire"], **kwargs)


def raw_answers(questions, *, score=4, choice=0, text="希望答复更及时"):
    return {
        f"q{questions['likert'].pk}": score,
        f"q{questions['single'].pk}": choice,
        f"q{questions['text'].pk}": text,
    }


def answer(survey, person, questions, **kwargs) -> Invitation:
    invitation = Invitation.objects.get(survey=survey, learner=person)
    slots = answer_slots(survey=survey, course_id=invitation.course_id)
    cleaned = answers_clean(slots=slots, raw=raw_answers(questions, **kwargs))
    return response_submit(invitation=invitation, answers=cleaned, actor=person)


def asked(survey) -> set[tuple[int, str]]:
    return set(Invitation.objects.filter(survey=survey).values_list("learner_id", "audience"))


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- Who is asked ----------------------------------------------------------------------------------------


def test_an_opinion_survey_asks_exactly_the_people_chosen_once_each_and_tells_them(people, questions):
    first, second = people["learners"][:2]
    teacher = people["teachers"][0]
    survey = opinion_survey(questions, invite_teachers=True, invitees=[first, second, teacher])

    survey_open(survey=survey, actor=people["manager"])

    expected = {(first.pk, "learner"), (second.pk, "learner")} | {
        (person.pk, "teacher") for person in people["teachers"]
    }
    assert asked(survey) == expected  # the teacher picked by name as well is asked once, as a teacher
    assert not Invitation.objects.filter(survey=survey, course__isnull=False).exists()
    assert set(Invitation.objects.filter(survey=survey).values_list("purpose", flat=True)) == {"opinions"}
    told = Notification.objects.filter(kind=SURVEY_OPENED, channel="in_app")
    assert sorted(told.values_list("recipient_id", flat=True)) == sorted(pk for pk, _ in expected)


def test_asking_whole_groups_asks_every_active_member_in_the_first_group_they_belong_to(people, questions):
    survey = opinion_survey(questions, invite_learners=True, invite_teachers=True, invite_team=True)

    survey_open(survey=survey, actor=people["manager"])

    expected = (
        {(person.pk, "learner") for person in people["learners"]}
        | {(person.pk, "teacher") for person in people["teachers"]}
        | {(person.pk, "team") for person in [*people["agents"], people["manager"]]}
    )
    assert asked(survey) == expected  # no parent, no inactive learner; a teacher on the staff is a teacher


def test_the_team_alone_is_asked_without_the_learners_or_the_teachers_who_are_not_staff(people, questions):
    survey = opinion_survey(questions, invite_team=True)

    survey_open(survey=survey, actor=people["manager"])

    # the first teacher is a member of staff with an instructor record: asked with the team, as the team
    team = [*people["agents"], people["manager"], people["teachers"][0]]
    assert asked(survey) == {(person.pk, "team") for person in team}


@pytest.mark.parametrize(
    ("shape", "field"),
    [
        ({"purpose": Purpose.OPINIONS, "invite_learners": True, "term": "a term"}, "term"),
        ({"purpose": Purpose.OPINIONS, "invite_learners": True, "courses": "a course"}, "courses"),
        ({"purpose": Purpose.OPINIONS}, "invitees"),
        ({"purpose": Purpose.OPINIONS, "invitees": "a parent"}, "invitees"),
        ({"purpose": Purpose.TERM, "courses": "a course"}, "term"),
        ({"purpose": Purpose.TERM, "term": "a term"}, "courses"),
        ({"purpose": Purpose.TERM, "term": "a term", "courses": "a course", "invite_team": True}, "invitees"),
        ({"purpose": "yearly"}, "purpose"),
    ],
)
def test_a_survey_of_the_wrong_shape_is_refused_naming_the_field(people, shape, field):
    values = {"term": None, "courses": [], "invitees": []}
    given = {
        "a term": TermFactory(),
        "a course": [CourseFactory()],
        "a parent": [people["parent"]],
    }
    values.update({key: given.get(value, value) for key, value in shape.items()})

    with pytest.raises(SurveyError) as refused:
        survey_setup_check(**values)

    assert refused.value.field == field


def test_opening_an_opinion_survey_that_asks_nobody_is_refused_and_invites_no_one(people, questions):
    survey = opinion_survey(questions)

    with pytest.raises(SurveyError) as refused:
        survey_open(survey=survey, actor=people["manager"])

    assert refused.value.field == "invitees"
    assert Survey.objects.get(pk=survey.pk).state == Survey.State.DRAFT
    assert not Invitation.objects.exists() and not Notification.objects.exists()


# --- Answering ---------------------------------------------------------------------------------------------


def test_an_answer_is_stored_once_unnamed_about_no_course_in_the_persons_group(people, questions):
    learner = people["learners"][0]
    survey = opinion_survey(questions, invitees=[learner])
    survey_open(survey=survey, actor=people["manager"])

    invitation = answer(survey, learner, questions)
    with pytest.raises(AlreadyAnswered):
        answer(survey, learner, questions, score=1)

    assert invitation.responded_on is not None
    response = Response.objects.get()
    assert (response.purpose, response.course_id, response.school_class_id, response.audience) == (
        "opinions",
        None,
        None,
        "learner",
    )
    answers = Answer.objects.filter(response=response)
    assert answers.count() == 3  # the per-instructor question is not asked: there is no course
    assert not answers.filter(score=1).exists()
    assert answers.get(question=questions["text"]).review == Answer.Review.PENDING
    assert not ResultTally.objects.exists()  # the running sums are the term surveys'


def test_answering_earns_a_learner_points_once_keyed_on_the_invitation_and_a_teacher_none(people, questions):
    learner, teacher = people["learners"][0], people["teachers"][0]
    survey = opinion_survey(questions, invitees=[learner, teacher])
    survey_open(survey=survey, actor=people["manager"])

    invitation = answer(survey, learner, questions)
    with pytest.raises(AlreadyAnswered):
        answer(survey, learner, questions)
    answer(survey, teacher, questions)

    award = Award.objects.get()
    assert (award.learner, award.reason, award.source_id) == (learner, "survey_answered", invitation.pk)
    assert award.source_type.model == "invitation"


def test_the_learner_answers_on_the_page_at_a_phones_size_once(people, questions):
    learner = people["learners"][0]
    survey = opinion_survey(questions, invitees=[learner])
    survey_open(survey=survey, actor=people["manager"])
    invitation = Invitation.objects.get(survey=survey)
    client = signed_in(learner)
    client.cookies["django_language"] = "en"

    listing = client.get("/surveys/", HTTP_USER_AGENT=PHONE)
    page = client.get(f"/surveys/{invitation.pk}/", HTTP_USER_AGENT=PHONE)
    form = {key: str(value) for key, value in raw_answers(questions).items()}
    sent = client.post(f"/surveys/{invitation.pk}/", form, HTTP_USER_AGENT=PHONE)
    again = client.post(f"/surveys/{invitation.pk}/", form, HTTP_USER_AGENT=PHONE)

    html = page.content.decode()
    assert listing.status_code == 200 and "Opinion survey" in listing.content.decode()
    assert page.status_code == 200
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    assert "<table" not in html and "style=" not in html  # one column of fields, nothing wider than a phone
    assert 'type="radio"' in html and "<textarea" in html
    assert questions["per_teacher"].text not in html
    assert sent.status_code == 302 and again.status_code == 400
    assert Response.objects.count() == 1


def test_someone_not_asked_is_told_the_invitation_does_not_exist(people, questions):
    learner = people["learners"][0]
    survey = opinion_survey(questions, invitees=[learner])
    survey_open(survey=survey, actor=people["manager"])
    invitation = Invitation.objects.get(survey=survey)
    stranger = signed_in(people["learners"][1])

    assert stranger.get(f"/surveys/{invitation.pk}/").status_code == 404
    assert stranger.post(f"/surveys/{invitation.pk}/", {}).status_code == 404
    assert stranger.get(f"/api/v1/surveys/invitations/{invitation.pk}/").status_code == 404
    assert not Response.objects.exists()


def test_the_api_shows_the_invitation_about_no_course_and_takes_one_answer(people, questions):
    teacher = people["teachers"][1]
    survey = opinion_survey(questions, invitees=[teacher])
    survey_open(survey=survey, actor=people["manager"])
    invitation = Invitation.objects.get(survey=survey)
    client = signed_in(teacher)

    detail = client.get(f"/api/v1/surveys/invitations/{invitation.pk}/").json()
    first = client.post(
        f"/api/v1/surveys/invitations/{invitation.pk}/answer/",
        {"answers": raw_answers(questions)},
        content_type="application/json",
    )
    second = client.post(
        f"/api/v1/surveys/invitations/{invitation.pk}/answer/",
        {"answers": raw_answers(questions)},
        content_type="application/json",
    )

    assert (detail["course"], detail["audience"], detail["survey_purpose"]) == (None, "teacher", "opinions")
    assert [slot["key"] for slot in detail["slots"]] == list(raw_answers(questions))
    assert first.status_code == 201 and second.status_code == 409
    assert Response.objects.get().audience == "teacher"


def test_reminders_go_once_to_each_person_asked_who_has_not_answered(people, questions):
    learner, teacher = people["learners"][0], people["teachers"][0]
    survey = opinion_survey(questions, invitees=[learner, teacher, people["agents"][0]])
    survey_open(survey=survey, actor=people["manager"])
    answer(survey, learner, questions)

    surveys_sweep(today=survey.closes_on)
    surveys_sweep(today=survey.closes_on)

    waiting = sorted([teacher.pk, people["agents"][0].pk])
    reminded = Reminder.objects.filter(kind=Reminder.Kind.LAST_DAY).values_list(
        "invitation__learner_id", flat=True
    )
    told = Notification.objects.filter(kind=SURVEY_REMINDER_LAST_DAY, channel="in_app")
    assert sorted(reminded) == waiting
    assert sorted(told.values_list("recipient_id", flat=True)) == waiting


# --- Anonymity ---------------------------------------------------------------------------------------------


def test_the_rows_of_an_opinion_survey_link_no_answer_to_a_person(people, questions):
    survey = opinion_survey(questions, invite_learners=True)
    survey_open(survey=survey, actor=people["manager"])
    for learner in people["learners"][:5]:
        answer(survey, learner, questions)

    responses = list(
        Response.objects.filter(survey=survey).values("id", "submitted_on", "audience", "course")
    )
    assert len(responses) == 5
    assert all(uuid.UUID(str(row["id"])).version == 4 for row in responses)  # random keys, no order
    assert {(row["submitted_on"], row["audience"], row["course"]) for row in responses} == {
        (timezone.localdate(), "learner", None)
    }  # a day, the group, and nothing else that tells them apart
    answers = Answer.objects.filter(survey=survey)
    assert all(isinstance(row.pk, uuid.UUID) and row.pk.version == 4 for row in answers)
    assert not answers.exclude(course=None).exists() and not answers.exclude(instructor=None).exists()


def test_anonymity_cannot_be_switched_off_after_the_first_answer_here_either(people, questions):
    learner = people["learners"][0]
    survey = opinion_survey(questions, invitees=[learner])
    survey_open(survey=survey, actor=people["manager"])
    answer(survey, learner, questions)

    with pytest.raises(AnonymityLocked):
        survey_anonymity_set(survey=survey, is_anonymous=False, actor=people["manager"])
    with pytest.raises(IntegrityError), transaction.atomic():
        Survey.objects.filter(pk=survey.pk).update(is_anonymous=False)
    assert Survey.objects.get(pk=survey.pk).is_anonymous


# --- The database keeps each shape ------------------------------------------------------------------------


def test_the_database_refuses_a_term_survey_without_its_term_or_an_opinion_survey_with_one(questions):
    term_survey = SurveyFactory()
    opinions = opinion_survey(questions, invite_team=True)

    with pytest.raises(IntegrityError), transaction.atomic():
        Survey.objects.filter(pk=term_survey.pk).update(term=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        Survey.objects.filter(pk=term_survey.pk).update(invite_learners=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        Survey.objects.filter(pk=opinions.pk).update(term=TermFactory())


def test_the_database_refuses_a_term_surveys_rows_without_a_course_and_an_opinion_surveys_with_one(
    people, questions
):
    term_survey = SurveyFactory()
    opinions = opinion_survey(questions, invite_team=True)
    learner, course = people["learners"][0], CourseFactory()
    today = timezone.localdate()

    with pytest.raises(IntegrityError), transaction.atomic():  # a term survey's row without its course
        Invitation.objects.create(survey=term_survey, learner=learner, course=None, invited_on=today)
    with pytest.raises(IntegrityError), transaction.atomic():  # ... claiming to be an opinion survey's
        Response.objects.create(survey=term_survey, purpose=Purpose.OPINIONS, course=None, submitted_on=today)
    with pytest.raises(IntegrityError), transaction.atomic():  # an opinion survey's row with a course
        Response.objects.create(survey=opinions, purpose=Purpose.OPINIONS, course=course, submitted_on=today)
    with pytest.raises(IntegrityError), transaction.atomic():  # ... claiming to be a term survey's
        Response.objects.create(survey=opinions, purpose=Purpose.TERM, course=course, submitted_on=today)
    assert not Invitation.objects.exists() and not Response.objects.exists()


def test_the_purpose_of_a_survey_cannot_change_once_anyone_is_asked(people, questions):
    survey = opinion_survey(questions, invite_team=True)
    survey_open(survey=survey, actor=people["manager"])

    with pytest.raises(IntegrityError), transaction.atomic():
        # a term survey's shape, but the invitations keep the purpose they were written with
        Survey.objects.filter(pk=survey.pk).update(
            purpose=Purpose.TERM, term=TermFactory(), invite_team=False
        )


# --- Results -----------------------------------------------------------------------------------------------


def test_four_answers_are_hidden_at_threshold_five_and_five_are_shown(people, questions):
    survey = opinion_survey(questions, invite_learners=True)
    survey_open(survey=survey, actor=people["manager"])
    learners = people["learners"]
    for learner, score in zip(learners[:4], [2, 3, 4, 5], strict=True):
        answer(survey, learner, questions, score=score, choice=1)

    four = opinion_survey_results(survey=survey)
    answer(survey, learners[4], questions, score=5, choice=0)
    five = opinion_survey_results(survey=survey)

    likert = four.questions[0]
    assert (
        likert.overall.suppressed and likert.overall.mean_score is None and likert.overall.responses is None
    )
    assert all(group.suppressed for group in likert.groups)
    assert all(item.overall.suppressed and item.texts == [] for item in four.questions)
    likert, _per_teacher, single, _text = five.questions
    assert (likert.overall.responses, likert.overall.mean_score) == (5, round((2 + 3 + 4 + 5 + 5) / 5, 2))
    assert [(group.audience, group.mean_score) for group in likert.groups] == [("learner", 3.8)]
    assert single.overall.options == [("很好", 1), ("一般", 4), ("较差", 0)]
    assert (five.invited, five.answered, five.percent) == (7, 5, 71)


def test_free_text_shows_only_once_approved_and_only_with_a_large_enough_group(people, questions, manager):
    survey = opinion_survey(questions, invite_learners=True)
    survey_open(survey=survey, actor=manager)
    for index, learner in enumerate(people["learners"][:5]):
        answer(survey, learner, questions, text=f"建议{index}")

    assert opinion_survey_results(survey=survey).questions[3].texts == []
    approved = Answer.objects.get(survey=survey, text="建议3")
    answer_review(answer=approved, approve=True, actor=manager)
    answer_review(answer=Answer.objects.get(survey=survey, text="建议1"), approve=False, actor=manager)

    assert opinion_survey_results(survey=survey).questions[3].texts == ["建议3"]


def test_a_group_is_hidden_when_the_overall_figures_less_theopinion_groups_shown_would_give_a_small_one_away(
    people, questions
):
    survey = opinion_survey(questions, invite_learners=True, invite_teachers=True)
    survey_open(survey=survey, actor=people["manager"])
    for learner in people["learners"][:5]:
        answer(survey, learner, questions, score=4)
    answer(survey, people["teachers"][0], questions, score=1)

    likert = opinion_survey_results(survey=survey).questions[0]

    # six answered: the overall shows; the learners' five alone would give the one teacher's answer away
    assert (likert.overall.suppressed, likert.overall.responses) == (False, 6)
    assert [(group.audience, group.suppressed) for group in likert.groups] == [
        ("learner", True),
        ("teacher", True),
    ]


@pytest.mark.parametrize(
    ("counts", "shown"),
    [
        ({"learner": 4}, set()),
        ({"learner": 5}, {"learner"}),
        ({"learner": 5, "teacher": 1}, set()),
        ({"learner": 5, "teacher": 5}, {"learner", "teacher"}),
        ({"learner": 7, "teacher": 5, "team": 2}, {"learner"}),  # the teachers and the team: 7 together
        ({"learner": 6, "teacher": 3, "team": 2}, {"learner"}),
        ({"learner": 9, "teacher": 6, "team": 1}, {"learner"}),
    ],
)
def test_the_groups_shown_never_leave_a_small_remainder(counts, shown):
    assert opinion_groups_shown(counts, sum(counts.values()), 5) == shown


def test_the_response_rates_are_per_group(people, questions):
    survey = opinion_survey(questions, invite_learners=True, invite_team=True)
    survey_open(survey=survey, actor=people["manager"])
    answer(survey, people["learners"][0], questions)

    rates = [(row.audience, row.invited, row.answered) for row in survey_response_rates(survey=survey)]

    assert rates == [("learner", 7, 1), ("team", 4, 0)]


def test_the_results_take_a_fixed_number_of_queries(people, questions, django_assert_num_queries):
    survey = opinion_survey(questions, invite_learners=True)
    survey_open(survey=survey, actor=people["manager"])
    for learner in people["learners"][:2]:
        answer(survey, learner, questions)
    with django_assert_num_queries(5):
        opinion_survey_results(survey=survey)
    for learner in people["learners"][2:]:
        answer(survey, learner, questions)
    with django_assert_num_queries(5):
        opinion_survey_results(survey=survey)


# --- The staff's screen ------------------------------------------------------------------------------------


def test_staff_set_up_an_opinion_survey_in_the_admin_and_a_wrong_shape_is_shown_by_its_field(
    people, questions
):
    client = signed_in(people["manager"])
    client.cookies["django_language"] = "en"
    learner = people["learners"][0]
    form = {
        "title": "流程评审意见征集",
        "purpose": Purpose.OPINIONS,
        "questionnaire": questions["questionnaire"].pk,
        "invite_teachers": "on",
        "invitees": [learner.pk],
        "opens_on": "2026-12-01",
        "closes_on": "2026-12-14",
        "is_anonymous": "on",
        "min_group_size": 5,
    }

    refused = client.post("/admin/surveys/survey/add/", {**form, "term": TermFactory().pk})
    added = client.post("/admin/surveys/survey/add/", form)

    assert refused.status_code == 200
    assert list(refused.context["adminform"].form.errors) == ["term"]
    assert added.status_code == 302
    survey = Survey.objects.get()
    assert (survey.purpose, survey.term, survey.invite_teachers) == ("opinions", None, True)
    assert list(survey.invitees.all()) == [learner]
    assert survey.reference.startswith("WJ-")
    page = client.get(f"/admin/surveys/survey/{survey.pk}/change/")
    assert page.status_code == 200 and "No one is invited yet." in page.content.decode()


def test_the_admin_shows_an_opinion_surveys_rates_and_results_by_group(people, questions):
    survey = opinion_survey(questions, invite_learners=True)
    survey_open(survey=survey, actor=people["manager"])
    for learner in people["learners"][:5]:
        answer(survey, learner, questions, score=3)
    client = signed_in(people["manager"])
    client.cookies["django_language"] = "en"

    html = client.get(f"/admin/surveys/survey/{survey.pk}/change/").content.decode()

    assert "5 of the 7 people asked have answered (71%)." in html
    assert "3.0 of 5" in html and questions["likert"].text in html
