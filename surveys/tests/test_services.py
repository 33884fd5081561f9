import datetime

import pytest
from django.db import IntegrityError, connection, transaction

from notifications.models import Notification
from surveys.answers import InvalidAnswers, answer_slots, answers_clean
from surveys.errors import AlreadyAnswered, AnonymityLocked, SurveyNotAllowed
from surveys.models import Answer, Invitation, Reminder, Response, Survey
from surveys.notices import SURVEY_OPENED, SURVEY_REMINDER_LAST_DAY, SURVEY_REMINDER_TWO_DAYS
from surveys.services import response_submit, survey_anonymity_set, survey_open, surveys_sweep

from .conftest import full_answers

pytestmark = pytest.mark.django_db


def submit(world, learner, **kwargs):
    invitation = Invitation.objects.get(survey=world["survey"], learner=learner, course=world["course"])
    slots = answer_slots(survey=world["survey"], course_id=invitation.course_id)
    cleaned = answers_clean(slots=slots, raw=full_answers(world, **kwargs))
    return response_submit(invitation=invitation, answers=cleaned, actor=learner)


def test_opening_invites_exactly_the_learners_enrolled_in_the_term_and_tells_each_once(world):
    survey = survey_open(survey=world["survey"], actor=world["manager"])

    invited = set(Invitation.objects.filter(survey=survey).values_list("learner_id", "course_id"))
    assert invited == {(learner.pk, world["course"].pk) for learner in world["learners"]}
    told = Notification.objects.filter(kind=SURVEY_OPENED, channel="in_app")
    assert sorted(told.values_list("recipient_id", flat=True)) == sorted(p.pk for p in world["learners"])
    assert not Invitation.objects.filter(learner=world["outsider"]).exists()


def test_a_learner_may_not_open_a_survey_and_nothing_is_invited(world):
    with pytest.raises(SurveyNotAllowed):
        survey_open(survey=world["survey"], actor=world["learners"][0])
    assert Survey.objects.get(pk=world["survey"].pk).state == Survey.State.DRAFT
    assert not Invitation.objects.exists()


def test_an_answer_is_stored_unnamed_with_one_row_per_instructor_and_free_text_awaits_review(opened):
    learner = opened["learners"][0]
    invitation = submit(opened, learner)

    assert invitation.responded_on is not None
    response = Response.objects.get()
    assert response.course_id == opened["course"].pk
    answers = Answer.objects.filter(response=response)
    per_teacher = answers.filter(question=opened["questions"]["per_teacher"])
    assert set(per_teacher.values_list("instructor_id", flat=True)) == {t.pk for t in opened["teachers"]}
    assert answers.get(question=opened["questions"]["text"]).review == Answer.Review.PENDING


def test_answering_twice_is_refused_and_changes_nothing(opened):
    learner = opened["learners"][0]
    submit(opened, learner)
    before = (Response.objects.count(), Answer.objects.count())

    with pytest.raises(AlreadyAnswered):
        submit(opened, learner, score=1)

    assert (Response.objects.count(), Answer.objects.count()) == before
    assert not Answer.objects.filter(score=1).exists()


def test_someone_else_cannot_answer_a_learners_invitation(opened):
    invitation = Invitation.objects.filter(learner=opened["learners"][0]).first()
    with pytest.raises(SurveyNotAllowed):
        response_submit(invitation=invitation, answers={}, actor=opened["learners"][1])
    assert not Response.objects.exists()


def test_bad_input_names_each_field_and_nothing_is_stored(opened):
    q = opened["questions"]
    slots = answer_slots(survey=opened["survey"], course_id=opened["course"].pk)
    raw = {f"q{q['likert'].pk}": 9, f"q{q['single'].pk}": 7, f"q{q['text'].pk}": "长" * 2001, "q999999": 1}

    with pytest.raises(InvalidAnswers) as refused:
        answers_clean(slots=slots, raw=raw)

    a, b = opened["teachers"]
    assert set(refused.value.errors) == {
        f"q{q['likert'].pk}",
        f"q{q['single'].pk}",
        f"q{q['text'].pk}",
        f"q{q['per_teacher'].pk}_i{a.pk}",  # required and missing
        f"q{q['per_teacher'].pk}_i{b.pk}",
        "q999999",
    }
    assert not Response.objects.exists()


def test_anonymity_cannot_be_switched_off_after_the_first_answer(opened):
    submit(opened, opened["learners"][0])

    with pytest.raises(AnonymityLocked):
        survey_anonymity_set(survey=opened["survey"], is_anonymous=False, actor=opened["manager"])
    assert Survey.objects.get(pk=opened["survey"].pk).is_anonymous


def test_the_database_refuses_switching_anonymity_off_after_the_first_answer(opened):
    submit(opened, opened["learners"][0])
    with pytest.raises(IntegrityError), transaction.atomic():
        Survey.objects.filter(pk=opened["survey"].pk).update(is_anonymous=False)


def test_anonymity_may_be_switched_off_before_any_answer(opened):
    survey = survey_anonymity_set(survey=opened["survey"], is_anonymous=False, actor=opened["manager"])
    assert not survey.is_anonymous


def test_threshold_below_three_is_refused_by_the_database(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        Survey.objects.filter(pk=world["survey"].pk).update(min_group_size=2)


def test_reminders_go_once_each_to_those_who_have_not_answered_even_if_the_sweep_runs_twice(opened):
    survey = opened["survey"]
    submit(opened, opened["learners"][0])
    waiting = {learner.pk for learner in opened["learners"][1:]}
    two_days_before = survey.closes_on - datetime.timedelta(days=2)

    surveys_sweep(today=two_days_before)
    surveys_sweep(today=two_days_before)
    surveys_sweep(today=two_days_before + datetime.timedelta(days=1))
    surveys_sweep(today=survey.closes_on)
    surveys_sweep(today=survey.closes_on)

    for kind, notice in (
        (Reminder.Kind.TWO_DAYS, SURVEY_REMINDER_TWO_DAYS),
        (Reminder.Kind.LAST_DAY, SURVEY_REMINDER_LAST_DAY),
    ):
        reminded = list(Reminder.objects.filter(kind=kind).values_list("invitation__learner_id", flat=True))
        assert sorted(reminded) == sorted(waiting)
        told = Notification.objects.filter(kind=notice, channel="in_app").values_list(
            "recipient_id", flat=True
        )
        assert sorted(told) == sorted(waiting)


def test_the_sweep_opens_a_survey_on_its_day_and_closes_it_after_its_last(world):
    survey = world["survey"]
    surveys_sweep(today=survey.opens_on - datetime.timedelta(days=1))
    assert Survey.objects.get(pk=survey.pk).state == Survey.State.DRAFT
    surveys_sweep(today=survey.opens_on)
    assert Survey.objects.get(pk=survey.pk).state == Survey.State.OPEN
    assert Invitation.objects.filter(survey=survey).count() == 5
    surveys_sweep(today=survey.closes_on + datetime.timedelta(days=1))
    assert Survey.objects.get(pk=survey.pk).state == Survey.State.CLOSED


def _columns(table: str) -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT column_name, data_type, column_default FROM information_schema.columns "
            "WHERE table_name = %s",
            [table],
        )
        return {name: (kind, default) for name, kind, default in cursor.fetchall()}


# Every column of the unnamed tables, so that a new one is looked at here before it is added: the groups a
# response is counted in (a term survey's course and class, an opinion survey's audience), never a person.
RESPONSE_COLUMNS = {
    "surveys_response": {
        "id",
        "survey_id",
        "purpose",
        "course_id",
        "school_class_id",
        "audience",
        "submitted_on",
    },
    "surveys_answer": {
        "id",
        "response_id",
        "survey_id",
        "purpose",
        "question_id",
        "course_id",
        "instructor_id",
        "school_class_id",
        "audience",
        "score",
        "choices",
        "text",
        "review",
    },
}


@pytest.mark.parametrize("table", ["surveys_response", "surveys_answer"])
def test_a_dump_of_the_response_tables_cannot_link_an_answer_to_a_person(table):
    columns = _columns(table)

    assert set(columns) == RESPONSE_COLUMNS[table]
    assert columns["id"][0] == "uuid"
    assert not any("user" in name or "learner" in name or "invitation" in name for name in columns)
    assert not any(kind.startswith(("timestamp", "time")) for kind, _ in columns.values())
    assert not any("nextval" in str(default) for _, default in columns.values())  # no serial order
    # the purpose and the audience group are the same few words for everyone in the group
    assert columns["audience"][0] == columns["purpose"][0] == "character varying"


def test_the_invitation_records_no_response_and_no_time_of_day():
    columns = _columns("surveys_invitation")
    assert not any("response" in name for name in columns)
    assert not any(kind.startswith("timestamp") for kind, _ in columns.values())


def test_answering_earns_points_once_keyed_on_the_invitation_never_the_response(opened):
    from incentives.models import Award

    learner = opened["learners"][0]
    invitation = submit(opened, learner)
    with pytest.raises(AlreadyAnswered):
        submit(opened, learner)

    award = Award.objects.get(learner=learner)
    assert (award.reason, award.source_id) == ("survey_answered", invitation.pk)
    assert award.source_type.model == "invitation"
