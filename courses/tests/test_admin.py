"""The staff's screens: the suggestions queue of their department's courses with the answers as buttons, and
the moderators' queue of free-text answers, which never names the learner."""

import pytest
from django.test import Client

from accounts.roles import Role
from accounts.tests.factories import DepartmentFactory, StaffFactory
from courses.evaluations.models import EvaluationText, TextState
from courses.suggestions.models import State, UpdateSuggestion

from .evaluation_helpers import evaluate
from .factories import CourseFactory, UpdateSuggestionFactory
from .test_evaluations import moderator

pytestmark = pytest.mark.django_db


def staff_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_staff_see_their_departments_suggestions_and_answer_with_the_buttons():
    course = CourseFactory()
    mine = UpdateSuggestionFactory(course=course)
    elsewhere = UpdateSuggestionFactory(course=CourseFactory(department=DepartmentFactory()))
    client = staff_client(StaffFactory(department=course.department, roles=[Role.SUPERVISOR]))

    queue = client.get("/admin/courses/updatesuggestion/").content.decode()
    assert mine.reference in queue and elsewhere.reference not in queue
    assert mine.proposer.display_name not in queue
    page = client.get(f"/admin/courses/updatesuggestion/{mine.pk}/change/").content.decode()
    assert 'id="move-decline"' in page and 'id="move-done"' in page
    assert client.get(f"/admin/courses/updatesuggestion/{elsewhere.pk}/change/").status_code == 302

    refused = client.post(f"/admin/courses/updatesuggestion/{mine.pk}/move/decline/", {"decline-reason": ""})
    assert refused.status_code == 400
    mine.refresh_from_db()
    assert mine.state == State.OPEN
    done = client.post(
        f"/admin/courses/updatesuggestion/{mine.pk}/move/done/",
        {"done-version": "3.2", "done-note": "已更新"},
    )
    assert done.status_code == 302
    mine.refresh_from_db()
    assert (mine.state, mine.version.number) == (State.DONE, "3.2")


def test_the_suggestions_queue_costs_the_same_queries_whatever_its_length(django_assert_num_queries):
    course = CourseFactory()
    UpdateSuggestionFactory(course=course)
    client = staff_client(StaffFactory(department=course.department))
    client.get("/admin/courses/updatesuggestion/")
    with django_assert_num_queries(10) as one:
        client.get("/admin/courses/updatesuggestion/")
    for _ in range(5):
        UpdateSuggestionFactory(course=course)
    with django_assert_num_queries(len(one.captured_queries)):
        client.get("/admin/courses/updatesuggestion/")
    assert UpdateSuggestion.objects.count() == 6


def test_moderators_publish_free_text_answers_without_seeing_the_learner(django_assert_num_queries):
    course = CourseFactory()
    evaluation = evaluate(course, text="练习题很有帮助。")
    client = staff_client(moderator())
    queue = client.get("/admin/courses/evaluationtext/").content.decode()
    assert "练习题很有帮助。" in queue
    assert evaluation.enrolment.learner.display_name not in queue
    text = evaluation.texts.first()
    page = client.get(f"/admin/courses/evaluationtext/{text.pk}/change/").content.decode()
    assert evaluation.enrolment.learner.display_name not in page
    assert client.post(f"/admin/courses/evaluationtext/{text.pk}/move/publish/").status_code == 302
    text.refresh_from_db()
    assert text.state == TextState.PUBLISHED
    # others never open the queue
    assert staff_client(StaffFactory()).get("/admin/courses/evaluationtext/").status_code == 403
    assert EvaluationText.objects.filter(state=TextState.PENDING).count() == 1

    # the queue's queries do not grow with its length
    client.get("/admin/courses/evaluationtext/")
    with django_assert_num_queries(9) as one:
        client.get("/admin/courses/evaluationtext/")
    for _ in range(3):
        evaluate(CourseFactory(), text="希望多一些案例。")
    with django_assert_num_queries(len(one.captured_queries)):
        client.get("/admin/courses/evaluationtext/")
