"""The help centre's API: published sections and articles for everyone, drafts 404, search and the vote."""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from accounts.tests.factories import LearnerFactory
from helpcentre.models import HelpfulVote

from .factories import ArticleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def article():
    return ArticleFactory(
        published=True,
        slug="refund-policy",
        draft_title="退费政策",
        draft_body="七天内全额退费。",
        draft_title_en="Refund policy",
        draft_body_en="A full refund within seven days.",
    )


@pytest.fixture
def learner_api():
    client = APIClient()
    client.force_authenticate(LearnerFactory())
    return client


def test_sections_and_articles_are_open_to_everyone(article):
    client = APIClient()
    sections = client.get("/api/v1/help/sections/").json()
    assert [s["slug"] for s in sections] == ["user-guide", "faq", "rights", "course-advice"]
    listing = client.get("/api/v1/help/articles/").json()
    assert [a["slug"] for a in listing["results"]] == ["refund-policy"]
    detail = client.get("/api/v1/help/articles/refund-policy/").json()
    assert detail["title"] == "退费政策" and detail["body"] == "七天内全额退费。" and detail["version"] == 1
    client.cookies["django_language"] = "en"
    english = client.get("/api/v1/help/articles/refund-policy/").json()
    assert english["title"] == "Refund policy"
    article.refresh_from_db()
    assert article.read_count == 2


def test_a_draft_is_a_404_and_never_listed(learner_api):
    ArticleFactory(slug="draft-only", draft_title="退费草稿")
    assert APIClient().get("/api/v1/help/articles/draft-only/").status_code == 404
    assert learner_api.get("/api/v1/help/articles/draft-only/").status_code == 404
    assert learner_api.get("/api/v1/help/articles/").json()["results"] == []
    assert learner_api.get("/api/v1/help/search/", {"q": "退费"}).json() == []
    response = learner_api.post(
        "/api/v1/help/articles/draft-only/helpful/", {"is_helpful": True}, format="json"
    )
    assert response.status_code == 404
    assert not HelpfulVote.objects.exists()


def test_the_list_costs_a_fixed_number_of_queries(django_assert_num_queries):
    for _ in range(3):
        ArticleFactory(published=True)
    client = APIClient()
    client.get("/api/v1/help/articles/")
    with django_assert_num_queries(1):
        assert len(client.get("/api/v1/help/articles/").json()["results"]) == 3
    with django_assert_num_queries(2):  # the section, then its articles
        client.get("/api/v1/help/articles/", {"section": "rights"})


def test_search_answers_hits_with_snippets(article):
    hits = APIClient().get("/api/v1/help/search/", {"q": "退费"}).json()
    assert hits[0]["title"] == "退费政策" and hits[0]["title_hit"] is True
    assert "<mark>退费</mark>" in hits[0]["snippet"]


def test_a_too_long_query_is_a_400_per_field(article):
    response = APIClient().get("/api/v1/help/search/", {"q": "退" * 101})
    assert response.status_code == 400
    assert "q" in response.json()


def test_a_learner_votes_once(article, learner_api):
    url = "/api/v1/help/articles/refund-policy/helpful/"
    created = learner_api.post(url, {"is_helpful": True, "reason": "solved"}, format="json")
    assert created.status_code == 201 and created.json()["article"] == "refund-policy"
    again = learner_api.post(url, {"is_helpful": True}, format="json")
    assert again.status_code == 409
    article.refresh_from_db()
    assert article.helpful_count == 1


def test_voting_needs_an_account(article):
    response = APIClient().post(
        "/api/v1/help/articles/refund-policy/helpful/", {"is_helpful": True}, format="json"
    )
    assert response.status_code == 403
    assert not HelpfulVote.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "is_helpful"),
        ({"is_helpful": False}, "reason"),
        ({"is_helpful": True, "reason": "x" * 100}, "reason"),
        ({"is_helpful": True, "reason_text": "长" * 501}, "reason_text"),
        ({"is_helpful": True, "reason_text": "评论\u202eexe"}, "reason_text"),
    ],
)
def test_a_bad_vote_answers_per_field_and_changes_nothing(article, learner_api, body, field):
    response = learner_api.post("/api/v1/help/articles/refund-policy/helpful/", body, format="json")
    assert response.status_code == 400
    assert field in str(response.json())
    article.refresh_from_db()
    assert (article.helpful_count, article.unhelpful_count) == (0, 0)
    assert not HelpfulVote.objects.exists()


def test_the_endpoints_are_in_the_schema():
    client = Client()
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json").content.decode()
    for path in (
        "/api/v1/help/sections/",
        "/api/v1/help/articles/",
        "/api/v1/help/articles/{slug}/",
        "/api/v1/help/articles/{slug}/helpful/",
        "/api/v1/help/search/",
    ):
        assert path in schema
