"""The course endpoints: the public course and its lists, evaluating once, proposing, supporting and
answering suggestions, an instructor's results and replies; refusals change nothing; lists pin their
queries."""

import pytest
from django.test import Client

from accounts.roles import Role
from accounts.tests.factories import LearnerFactory, StaffFactory, UserFactory
from courses.evaluations.models import CourseEvaluation
from courses.suggestions.models import State, SuggestionSupport, UpdateSuggestion
from courses.suggestions.services import suggestion_mark_done
from notifications.models import Notification
from ratings.models import Rating
from ratings.services import rating_comment_moderate, ratings_refresh

from .evaluation_helpers import evaluate, full_answers
from .factories import (
    CompletedEnrolmentFactory,
    CourseFactory,
    EnrolmentFactory,
    InstructorFactory,
    TermFactory,
    UpdateSuggestionFactory,
)
from .test_evaluations import moderator

pytestmark = pytest.mark.django_db


def client_of(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def post(client, url, data=None):
    return client.post(url, data or {}, content_type="application/json")


def teacher_of(course):
    account = UserFactory(roles=[Role.INSTRUCTOR])
    course.instructors.add(InstructorFactory(user=account))
    return account


@pytest.mark.parametrize(("evaluations", "shown"), [(4, False), (5, True)])
def test_the_course_gives_its_rating_only_from_five(evaluations, shown):
    course = CourseFactory()
    for _ in range(evaluations):
        evaluate(course, score=5)
    ratings_refresh()
    body = client_of().get(f"/api/v1/courses/{course.code}/").json()
    assert body["code"] == course.code
    if shown:
        assert body["rating"] == {"count": 5, "mean": "5.00", "distribution": [0, 0, 0, 0, 5]}
    else:
        assert body["rating"] is None


def test_a_learner_evaluates_once_through_the_api():
    course = CourseFactory()
    enrolment = CompletedEnrolmentFactory(course=course)
    client = client_of(enrolment.learner)
    url = f"/api/v1/enrolments/{enrolment.pk}/evaluation/"
    offer = client.get(url).json()
    assert offer["allowed"] is True and len(offer["questions"]) == 8

    first = post(client, url, {"score": 4, "answers": full_answers(course)})
    again = post(client, url, {"score": 1, "answers": full_answers(course, score=1)})

    assert first.status_code == 201
    assert (again.status_code, again.json()["code"]) == (409, "already_evaluated")
    assert CourseEvaluation.objects.count() == Rating.objects.count() == 1
    assert Rating.objects.get().score == 4


def test_an_unfinished_course_is_refused_with_the_reason_and_nothing_is_stored():
    course = CourseFactory(lesson_count=10)
    enrolment = EnrolmentFactory(course=course, lessons_taken=2)
    client = client_of(enrolment.learner)
    url = f"/api/v1/enrolments/{enrolment.pk}/evaluation/"
    assert client.get(url).json()["code"] == "not_far_enough"
    response = post(client, url, {"score": 4, "answers": full_answers(course)})
    assert (response.status_code, response.json()["code"]) == (409, "not_far_enough")
    assert CourseEvaluation.objects.count() == Rating.objects.count() == 0
    assert client_of(LearnerFactory()).get(url).status_code == 404


def test_suggestions_are_proposed_supported_once_and_answered_by_owners_only():
    course = CourseFactory()
    proposer = EnrolmentFactory(course=course).learner
    made = post(
        client_of(proposer),
        f"/api/v1/courses/{course.code}/suggestions/",
        {"kind": "missing_topic", "text": "增加数据可视化一章"},
    )
    assert made.status_code == 201
    reference = made.json()["reference"]
    supporter = client_of(EnrolmentFactory(course=course).learner)
    assert post(supporter, f"/api/v1/course-suggestions/{reference}/support/").status_code == 200
    assert post(supporter, f"/api/v1/course-suggestions/{reference}/support/").status_code == 409
    assert SuggestionSupport.objects.count() == 1

    outsider = client_of(StaffFactory())
    refused = post(outsider, f"/api/v1/course-suggestions/{reference}/accept/")
    assert refused.status_code == 403
    owner = client_of(teacher_of(course))
    no_reason = post(owner, f"/api/v1/course-suggestions/{reference}/decline/", {"reason": ""})
    assert no_reason.status_code == 400 and "reason" in no_reason.json()
    assert UpdateSuggestion.objects.get().state == State.OPEN
    assert Notification.objects.count() == 0

    done = post(owner, f"/api/v1/course-suggestions/{reference}/done/", {"version": "2.0"})
    assert done.status_code == 200
    assert (done.json()["state"], done.json()["version"]) == (State.DONE, "2.0")
    versions = client_of().get(f"/api/v1/courses/{course.code}/versions/").json()["results"]
    assert versions == [
        {"number": "2.0", "released_on": versions[0]["released_on"], "notes": "", "suggestions": [reference]}
    ]


def test_the_public_lists_cost_the_same_queries_whatever_their_length(django_assert_num_queries):
    course = CourseFactory()
    owner = teacher_of(course)
    client = client_of(EnrolmentFactory(course=course).learner)

    def add(number):
        UpdateSuggestionFactory(course=course)
        suggestion_mark_done(
            suggestion=UpdateSuggestionFactory(course=course), actor=owner, version=f"1.{number}"
        )
        evaluation = evaluate(course, comment=f"评语{number}")
        rating_comment_moderate(rating=evaluation.rating, actor=moderator(), publish=True)

    add(0)
    for url in ("suggestions/", "versions/", "comments/"):
        full = f"/api/v1/courses/{course.code}/{url}"
        client.get(full)
        with django_assert_num_queries(12 if url != "comments/" else 11, exact=False) as one:
            client.get(full)
        counts = len(one.captured_queries)
        for number in range(1, 4):
            add(f"{url}{number}")
        with django_assert_num_queries(counts):
            assert len(client.get(full).json()["results"]) >= 4


def test_an_instructor_reads_results_and_replies_through_the_api(django_assert_num_queries):
    course = CourseFactory()
    teacher = teacher_of(course)
    term = TermFactory()
    evaluations = [evaluate(course, score=3, term=term, comment="节奏偏快") for _ in range(5)]
    ratings_refresh()
    rating_comment_moderate(rating=evaluations[0].rating, actor=moderator(), publish=True)
    client = client_of(teacher)

    results = client.get("/api/v1/me/evaluation-results/").json()["results"]
    assert [(group["course"], group["term"], group["evaluations"]) for group in results] == [
        (None, term.name, 5),
        (course.code, term.name, 5),
    ]
    reply = post(
        client, f"/api/v1/course-comments/{evaluations[0].rating.pk}/reply/", {"text": "会放慢节奏。"}
    )
    assert (reply.status_code, reply.json()["reply"]) == (200, "会放慢节奏。")
    assert client_of(LearnerFactory()).get("/api/v1/me/evaluation-results/").status_code == 403
