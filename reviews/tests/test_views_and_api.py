import datetime

import pytest
from django.test import Client
from django.utils import timezone

from accounts.roles import Role
from accounts.tests.factories import LearnerFactory, StaffFactory
from reviews.models import Review, ReviewDecision, ReviewKind

from .factories import ManagerFactory, ReviewDecisionFactory, ReviewFactory

pytestmark = pytest.mark.django_db

PAGES = ["/reviews/", "/reviews/new/"]


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def manager():
    return ManagerFactory()


def many_reviews(count: int) -> None:
    for _ in range(count):
        review = ReviewFactory()
        ReviewDecisionFactory.create_batch(2, review=review)


@pytest.mark.parametrize("role", [Role.MANAGER, Role.LEADERSHIP])
def test_managers_read_the_review_pages(role):
    review = ReviewDecisionFactory(change="缩短反馈回复时限").review
    client = client_for(StaffFactory(roles=[role]))

    listing = client.get("/reviews/")
    detail = client.get(f"/reviews/{review.pk}/")

    assert listing.status_code == 200 and "缩短反馈回复时限" in listing.content.decode()
    assert detail.status_code == 200 and review.findings in detail.content.decode()


@pytest.mark.parametrize("role", [Role.AGENT, Role.SUPERVISOR, Role.LEGAL, Role.LEARNER])
def test_other_roles_are_refused_every_review_page(role):
    person = LearnerFactory() if role == Role.LEARNER else StaffFactory(roles=[role])
    decision = ReviewDecisionFactory(owner=person if role != Role.LEARNER else StaffFactory())
    client = client_for(person)

    answers = [client.get(url).status_code for url in [*PAGES, f"/reviews/{decision.review_id}/"]]
    done = client.post(f"/reviews/decisions/{decision.pk}/done/")
    added = client.post(f"/reviews/{decision.review_id}/decisions/", {"change": "x"})

    assert answers == [403, 403, 403]
    assert (done.status_code, added.status_code) == (403, 403)
    decision.refresh_from_db()
    assert decision.state == ReviewDecision.State.OPEN
    assert ReviewDecision.objects.count() == 1


def test_the_list_page_costs_the_same_queries_for_one_review_or_many(manager, django_assert_num_queries):
    client = client_for(manager)
    many_reviews(1)
    client.get("/reviews/")  # the session and the user's roles warmed the same way for both counts
    with django_assert_num_queries(12):
        assert client.get("/reviews/").status_code == 200
    many_reviews(15)
    with django_assert_num_queries(12):
        assert client.get("/reviews/").status_code == 200


def test_a_review_is_recorded_from_the_page(manager):
    today = timezone.localdate()
    participant = StaffFactory()

    answer = client_for(manager).post(
        "/reviews/new/",
        {
            "kind": ReviewKind.PROCESS,
            "held_on": today.isoformat(),
            "period_start": (today - datetime.timedelta(days=180)).isoformat(),
            "period_end": today.isoformat(),
            "findings": "整体达标。",
            "participants": [participant.pk],
            "opinions_source": "学期问卷 2026 春",
        },
    )

    review = Review.objects.get()
    assert answer.status_code == 302 and answer["Location"] == f"/reviews/{review.pk}/"
    assert list(review.participants.all()) == [participant]
    assert review.opinions_source == "学期问卷 2026 春"


def test_a_refused_review_shows_the_error_by_its_field_and_records_nothing(manager):
    today = timezone.localdate()

    answer = client_for(manager).post(
        "/reviews/new/",
        {
            "kind": ReviewKind.MEASURE,
            "held_on": today.isoformat(),
            "period_start": today.isoformat(),
            "period_end": today.isoformat(),
            "findings": "整体达标。",
        },
    )

    assert answer.status_code == 400
    assert answer.context["form"].errors["measure"]
    assert not Review.objects.exists()


def test_a_decision_is_added_and_marked_done_from_the_page(manager):
    review, owner = ReviewFactory(), StaffFactory()
    client = client_for(manager)

    added = client.post(
        f"/reviews/{review.pk}/decisions/",
        {"change": "增加晚间客服", "owner": owner.pk, "due_date": timezone.localdate().isoformat()},
    )
    decision = ReviewDecision.objects.get()
    done = client.post(f"/reviews/decisions/{decision.pk}/done/")

    assert (added.status_code, done.status_code) == (302, 302)
    decision.refresh_from_db()
    assert decision.state == ReviewDecision.State.DONE and decision.owner == owner


def test_a_decision_due_in_the_past_is_refused_by_its_field(manager):
    review = ReviewFactory()

    answer = client_for(manager).post(
        f"/reviews/{review.pk}/decisions/",
        {
            "change": "增加晚间客服",
            "owner": StaffFactory().pk,
            "due_date": (timezone.localdate() - datetime.timedelta(days=1)).isoformat(),
        },
    )

    assert answer.status_code == 400
    assert answer.context["decision_form"].errors["due_date"]
    assert not ReviewDecision.objects.exists()


def test_the_api_lists_reviews_for_managers_at_a_fixed_cost(manager, django_assert_num_queries):
    client = client_for(manager)
    many_reviews(2)
    client.get("/api/v1/reviews/")
    with django_assert_num_queries(8):
        first = client.get("/api/v1/reviews/")
    many_reviews(10)
    with django_assert_num_queries(8):
        assert client.get("/api/v1/reviews/").status_code == 200

    assert first.status_code == 200
    assert len(first.json()["results"]) == 2
    assert len(first.json()["results"][0]["decisions"]) == 2


@pytest.mark.parametrize("role", [Role.AGENT, Role.LEARNER])
def test_the_api_refuses_reviews_to_other_roles(role):
    person = LearnerFactory() if role == Role.LEARNER else StaffFactory(roles=[role])
    review = ReviewFactory()

    client = client_for(person)
    assert client.get("/api/v1/reviews/").status_code == 403
    assert client.get(f"/api/v1/reviews/{review.pk}/").status_code == 403


def test_a_decisions_owner_marks_it_done_through_the_api_and_no_one_else_finds_it():
    decision = ReviewDecisionFactory()
    stranger = StaffFactory(roles=[Role.SUPERVISOR])

    refused = client_for(stranger).post(f"/api/v1/review-decisions/{decision.pk}/complete/")
    decision.refresh_from_db()
    assert refused.status_code == 404 and decision.state == ReviewDecision.State.OPEN

    done = client_for(decision.owner).post(f"/api/v1/review-decisions/{decision.pk}/complete/")
    again = client_for(decision.owner).post(f"/api/v1/review-decisions/{decision.pk}/complete/")

    assert done.status_code == 200 and done.json()["state"] == "done"
    assert again.status_code == 409 and again.json()["code"] == "already_done"


def test_managers_mark_decisions_done_from_the_admin(manager):
    decisions = ReviewDecisionFactory.create_batch(2)

    answer = client_for(manager).post(
        "/admin/reviews/reviewdecision/",
        {"action": "mark_done", "_selected_action": [decision.pk for decision in decisions]},
    )

    assert answer.status_code == 302
    assert set(ReviewDecision.objects.values_list("state", flat=True)) == {"done"}


def test_an_agent_sees_no_review_screen_in_the_admin():
    client = client_for(StaffFactory(roles=[Role.AGENT]))
    decision = ReviewDecisionFactory()

    assert client.get("/admin/reviews/review/").status_code == 403
    answer = client.post(
        "/admin/reviews/reviewdecision/", {"action": "mark_done", "_selected_action": [decision.pk]}
    )
    assert answer.status_code == 403
    decision.refresh_from_db()
    assert decision.state == ReviewDecision.State.OPEN
