"""The feedback API: learners give, follow and rate; staff work items; refusals are JSON and change
nothing."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from accounts.tests.factories import LearnerFactory
from feedback import services
from feedback.models import FeedbackEvent, FeedbackItem, State
from notifications.models import Notification

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _post(client, url, data=None):
    return client.post(url, data or {}, content_type="application/json")


def test_a_learner_gives_feedback_and_follows_it(learner, subject):
    client = _client(learner)

    answer = _post(
        client,
        "/api/v1/feedback/",
        {"category": subject.category.pk, "text": "希望开放周末自习室", "course": subject.course.code},
    )

    assert answer.status_code == 201, answer.json()
    reference = answer.json()["reference"]
    assert answer.json()["follow_key"] is None
    detail = client.get(f"/api/v1/feedback/{reference}/").json()
    assert detail["state"] == State.RECEIVED and detail["available_actions"] == []
    assert [event["to_state"] for event in detail["events"]] == [State.RECEIVED]
    assert client.get("/api/v1/feedback/").json()["results"][0]["reference"] == reference


def test_anonymous_feedback_answers_its_follow_key_once(learner, subject):
    answer = _post(
        _client(learner),
        "/api/v1/feedback/",
        {"category": subject.category.pk, "text": "匿名建议", "is_anonymous": True},
    )
    assert answer.status_code == 201
    key = answer.json()["follow_key"]
    item = FeedbackItem.objects.get(reference=answer.json()["reference"])
    assert key and item.learner is None and item.follow_key_hash == services.follow_key_hash(key)
    # Not the learner's any more: it is nobody's.
    assert _client(learner).get(f"/api/v1/feedback/{item.reference}/").status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"text": "x"}, "category"),
        ({"category": 999999, "text": "x"}, "category"),
        ({"text": ""}, "text"),
        ({"text": "x" * 5001}, "text"),
        ({"text": "x", "course": "NO-SUCH"}, "course"),
        ({"text": "x", "is_urgent": "maybe"}, "is_urgent"),
    ],
)
def test_bad_input_gets_an_error_per_field_and_writes_nothing(learner, subject, body, field):
    body = (
        {"category": subject.category.pk, **body} if "category" not in body and field != "category" else body
    )
    answer = _post(_client(learner), "/api/v1/feedback/", body)
    assert answer.status_code == 400
    assert field in answer.json()
    assert FeedbackItem.objects.count() == 0


def test_staff_work_an_item_through_its_actions_and_the_learner_rates_it(agent, learner, subject):
    item = services.feedback_give(actor=learner, subject=subject, text="希望增加实训课时").item
    staff = _client(agent)
    url = f"/api/v1/feedback/{item.reference}/"

    assert "accept" in staff.get(url).json()["available_actions"]
    assert _post(staff, f"{url}accept/").status_code == 200
    plan = {"plan_owner": agent.pk, "actions": "与教务协调", "due_on": timezone.localdate().isoformat()}
    assert _post(staff, f"{url}plan/", plan).json()["state"] == State.PLANNED
    assert (
        _post(staff, f"{url}notify-result/", {"result": "下学期起每周增加两课时"}).json()["state"]
        == State.RESULT_NOTIFIED
    )
    learner_view = _client(learner).get(url).json()
    assert learner_view["available_actions"] == ["rate"]
    assert _post(_client(learner), f"{url}rate/", {"rating": 5, "comment": "谢谢"}).json()["rating"] == 5
    assert _post(staff, f"{url}close/").json()["state"] == State.CLOSED


def test_a_learner_cannot_move_their_item_and_a_refusal_changes_nothing(learner, subject):
    item = services.feedback_give(actor=learner, subject=subject, text="建议").item
    events, notices = FeedbackEvent.objects.count(), Notification.objects.count()

    answer = _post(_client(learner), f"/api/v1/feedback/{item.reference}/accept/")

    assert answer.status_code == 403
    assert answer.json()["code"] == "permission_denied"
    item.refresh_from_db()
    assert item.state == State.RECEIVED
    assert (FeedbackEvent.objects.count(), Notification.objects.count()) == (events, notices)


def test_a_move_the_state_does_not_allow_is_a_409(agent, learner, subject):
    item = services.feedback_give(actor=learner, subject=subject, text="建议").item
    answer = _post(_client(agent), f"/api/v1/feedback/{item.reference}/close/")
    assert answer.status_code == 409
    item.refresh_from_db()
    assert item.state == State.RECEIVED


def test_another_learners_item_is_a_404_everywhere(learner, subject):
    item = services.feedback_give(actor=learner, subject=subject, text="建议").item
    other = _client(LearnerFactory())
    assert other.get(f"/api/v1/feedback/{item.reference}/").status_code == 404
    assert _post(other, f"/api/v1/feedback/{item.reference}/rate/", {"rating": 5}).status_code == 404
    assert other.get("/api/v1/feedback/").json()["results"] == []


def test_a_plan_due_in_the_past_is_refused_at_its_field(agent, learner, subject):
    item = services.feedback_accept(
        item=services.feedback_give(actor=learner, subject=subject, text="x").item, actor=agent
    )
    yesterday = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    answer = _post(
        _client(agent),
        f"/api/v1/feedback/{item.reference}/plan/",
        {"plan_owner": agent.pk, "actions": "a", "due_on": yesterday},
    )
    assert answer.status_code == 400
    assert "due_on" in answer.json()
    item.refresh_from_db()
    assert item.state == State.ACCEPTED


def test_the_list_costs_the_same_queries_for_one_item_or_many(learner, subject, django_assert_num_queries):
    client = _client(learner)
    services.feedback_give(actor=learner, subject=subject, text="一")
    client.get("/api/v1/feedback/")  # warm the session and the policy caches
    # the session, the user, the current privacy policy, their roles, their reach, the page with its
    # categories
    with django_assert_num_queries(6) as one:
        client.get("/api/v1/feedback/")
    for number in range(10):
        services.feedback_give(actor=learner, subject=subject, text=f"建议{number}")
    with django_assert_num_queries(len(one.captured_queries)):
        assert len(client.get("/api/v1/feedback/").json()["results"]) == 11
