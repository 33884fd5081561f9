import pytest
from django.test import Client

from accounts.tests.factories import LearnerFactory
from surveys.models import Answer, Invitation, Response
from surveys.services import survey_open

from .conftest import full_answers
from .factories import SurveyFactory

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def counts():
    return (
        Response.objects.count(),
        Answer.objects.count(),
        Invitation.objects.filter(responded_on__isnull=False).count(),
    )


def invitation_of(world, learner):
    return Invitation.objects.get(survey=world["survey"], learner=learner, course=world["course"])


def test_the_learner_answers_on_the_page_once(opened):
    learner = opened["learners"][0]
    client = signed_in(learner)
    url = f"/surveys/{invitation_of(opened, learner).pk}/"
    assert client.get(url).status_code == 200
    form = {key: str(value) for key, value in full_answers(opened).items()}

    assert client.post(url, form).status_code == 302
    before = counts()
    again = client.post(url, form)

    assert again.status_code == 400
    assert counts() == before == (1, 5, 1)


def test_bad_input_on_the_page_is_shown_next_to_the_field_and_stores_nothing(opened):
    learner = opened["learners"][0]
    form = {key: str(value) for key, value in full_answers(opened).items()}
    likert = f"q{opened['questions']['likert'].pk}"
    form[likert] = "9"

    response = signed_in(learner).post(f"/surveys/{invitation_of(opened, learner).pk}/", form)

    assert response.status_code == 400
    assert list(response.context["form"].errors) == [likert]
    assert counts() == (0, 0, 0)


def test_another_learners_invitation_is_a_404(opened):
    invitation = invitation_of(opened, opened["learners"][0])
    stranger = signed_in(LearnerFactory())
    assert stranger.get(f"/surveys/{invitation.pk}/").status_code == 404
    assert stranger.get(f"/api/v1/surveys/invitations/{invitation.pk}/").status_code == 404


def test_the_api_answers_once_and_a_second_answer_changes_nothing(opened):
    learner = opened["learners"][0]
    client = signed_in(learner)
    url = f"/api/v1/surveys/invitations/{invitation_of(opened, learner).pk}/answer/"

    first = client.post(url, {"answers": full_answers(opened)}, content_type="application/json")
    before = counts()
    second = client.post(url, {"answers": full_answers(opened, score=1)}, content_type="application/json")

    assert first.status_code == 201
    assert second.status_code == 409 and second.json()["code"] == "already_answered"
    assert counts() == before


def test_bad_api_input_gets_a_message_per_field_and_stores_nothing(opened):
    learner = opened["learners"][0]
    answers = full_answers(opened)
    likert, text = f"q{opened['questions']['likert'].pk}", f"q{opened['questions']['text'].pk}"
    answers[likert], answers[text] = "五", "长" * 3000

    response = signed_in(learner).post(
        f"/api/v1/surveys/invitations/{invitation_of(opened, learner).pk}/answer/",
        {"answers": answers},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert set(response.json()["answers"]) == {likert, text}
    assert counts() == (0, 0, 0)


def test_the_invitation_list_costs_a_fixed_number_of_queries(opened, django_assert_num_queries):
    learner = opened["learners"][0]
    client = signed_in(learner)
    client.get("/api/v1/surveys/invitations/")  # a session's first request does its one-off work
    # session, user, current policy, role names, the page of invitations with their survey and course
    with django_assert_num_queries(5):
        response = client.get("/api/v1/surveys/invitations/")
    assert [row["id"] for row in response.json()["results"]] == [invitation_of(opened, learner).pk]

    second = SurveyFactory(term=opened["term"], courses=[opened["other_course"]])
    survey_open(survey=second, actor=opened["manager"])
    with django_assert_num_queries(5):
        response = client.get("/api/v1/surveys/invitations/")
    assert len(response.json()["results"]) == 2


def test_rates_are_for_the_staff_who_run_surveys(opened):
    url = f"/api/v1/surveys/{opened['survey'].pk}/rates/"
    assert signed_in(opened["learners"][0]).get(url).status_code == 403
    rows = signed_in(opened["manager"]).get(url).json()
    assert rows == [
        {
            "course": opened["course"].code,
            "school_class": opened["class"].name,
            "invited": 5,
            "answered": 0,
            "percent": 0,
        }
    ]


def test_an_instructor_reads_only_their_own_results(opened):
    for learner in opened["learners"]:
        signed_in(learner).post(
            f"/api/v1/surveys/invitations/{invitation_of(opened, learner).pk}/answer/",
            {"answers": full_answers(opened)},
            content_type="application/json",
        )
    first = opened["teachers"][0]
    rows = signed_in(first.user).get(f"/api/v1/surveys/{opened['survey'].pk}/results/?by=instructor").json()
    assert [row["instructor_id"] for row in rows] == [first.pk]
    assert (
        signed_in(LearnerFactory()).get(f"/api/v1/surveys/{opened['survey'].pk}/results/").status_code == 403
    )
