"""The help centre's pages: published articles only, in the reader's language, reads counted, one helpful
vote each; the filing forms' context help. Bad input changes nothing; every list has a fixed query count."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.tests.factories import LearnerFactory
from complaints.models import Category
from helpcentre.models import Article, HelpfulVote

from .factories import ArticleFactory

pytestmark = pytest.mark.django_db


def article_path(article: Article) -> str:
    return reverse("helpcentre:article", kwargs={"section": article.section.slug, "slug": article.slug})


@pytest.fixture
def refund_article():
    article = ArticleFactory(
        published=True,
        slug="refund-policy",
        draft_title="退费政策",
        draft_body="七天内全额退费。",
        draft_title_en="Refund policy",
        draft_body_en="A full refund within seven days.",
    )
    article.categories.add(Category.objects.get(code="fees_refunds"))
    return article


def test_the_index_lists_sections_and_most_read(client: Client, refund_article):
    Article.objects.filter(pk=refund_article.pk).update(read_count=9)
    response = client.get("/help/")
    html = response.content.decode()
    assert response.status_code == 200
    for name in ("使用指南", "常见问题", "权益知识", "选课建议"):
        assert name in html
    assert "退费政策" in html


def test_the_article_is_shown_in_the_readers_language_and_counted(client: Client, refund_article):
    response = client.get(article_path(refund_article))
    assert response.status_code == 200
    assert "七天内全额退费。" in response.content.decode()
    client.cookies["django_language"] = "en"
    english = client.get(article_path(refund_article)).content.decode()
    assert "A full refund within seven days." in english and "七天内全额退费" not in english
    refund_article.refresh_from_db()
    assert refund_article.read_count == 2


def test_english_readers_get_chinese_when_there_is_no_english_version(client: Client):
    article = ArticleFactory(published=True, draft_title_en="", draft_body_en="", draft_body="只有中文。")
    client.cookies["django_language"] = "en"
    assert "只有中文。" in client.get(article_path(article)).content.decode()


def test_drafts_are_never_shown(client: Client, editor):
    draft = ArticleFactory(draft_title="未发布的草稿")
    section_page = client.get(f"/help/{draft.section.slug}/")
    assert "未发布的草稿" not in section_page.content.decode()
    for who in (None, LearnerFactory(), editor):
        reader = Client()
        if who is not None:
            reader.force_login(who)
        assert reader.get(article_path(draft)).status_code == 404
    draft.refresh_from_db()
    assert draft.read_count == 0


def test_an_article_is_found_only_under_its_own_section(client: Client, refund_article):
    assert client.get(f"/help/rights/{refund_article.slug}/").status_code == 404
    assert client.get("/help/no-such-section/").status_code == 404


def test_related_articles_show_only_when_published(client: Client, refund_article):
    shown = ArticleFactory(published=True, draft_title="如何申请退费")
    hidden = ArticleFactory(draft_title="相关草稿")
    refund_article.related.add(shown, hidden)
    html = client.get(article_path(refund_article)).content.decode()
    assert "如何申请退费" in html and "相关草稿" not in html


def test_a_learner_votes_once(refund_article):
    learner = LearnerFactory()
    client = Client()
    client.force_login(learner)
    url = article_path(refund_article) + "helpful/"
    response = client.post(url, {"answer": "yes", "reason": "solved"})
    assert response.status_code == 302
    assert client.get(article_path(refund_article)).content.decode().count('name="answer"') == 0
    again = client.post(url, {"answer": "no", "reason": "unclear"})
    assert again.status_code == 400
    refund_article.refresh_from_db()
    assert (refund_article.helpful_count, refund_article.unhelpful_count) == (1, 0)
    assert HelpfulVote.objects.get().voter == learner


def test_an_anonymous_visitor_votes_once_per_session(refund_article):
    visitor = Client()
    url = article_path(refund_article) + "helpful/"
    assert (
        visitor.post(
            url, {"answer": "no", "reason": "outdated", "reason_text": "电话号码已经变了"}
        ).status_code
        == 302
    )
    assert visitor.post(url, {"answer": "yes"}).status_code == 400
    assert Client().post(url, {"answer": "yes"}).status_code == 302
    refund_article.refresh_from_db()
    assert (refund_article.helpful_count, refund_article.unhelpful_count) == (1, 1)
    assert HelpfulVote.objects.filter(voter__isnull=True).count() == 2


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"answer": "maybe"},
        {"answer": "no"},  # a "no" says why
        {"answer": "no", "reason": "x" * 1000},
        {"answer": "yes", "reason_text": "长" * 501},
        {"answer": "yes", "reason_text": "评论\u202egnp.exe"},
    ],
)
def test_a_bad_vote_is_shown_next_to_its_field_and_changes_nothing(client: Client, refund_article, data):
    response = client.post(article_path(refund_article) + "helpful/", data)
    assert response.status_code == 400
    assert 'class="field-errors"' in response.content.decode()
    refund_article.refresh_from_db()
    assert (refund_article.helpful_count, refund_article.unhelpful_count) == (0, 0)
    assert not HelpfulVote.objects.exists()


def test_a_vote_on_a_draft_is_a_404(client: Client):
    draft = ArticleFactory()
    assert client.post(article_path(draft) + "helpful/", {"answer": "yes"}).status_code == 404
    assert not HelpfulVote.objects.exists()


def test_the_search_page_lists_title_hits_first_with_a_highlight(client: Client, refund_article):
    ArticleFactory(published=True, slug="contract", draft_title="报名须知", draft_body="请先阅读退费规则。")
    ArticleFactory(slug="draft", draft_title="退费草稿")
    html = client.get("/help/search/", {"q": "退费"}).content.decode()
    assert html.index("退费政策") < html.index("报名须知")
    assert "<mark>退费</mark>" in html
    assert "退费草稿" not in html


@pytest.mark.parametrize("query", ["退" * 101, "\x00"])
def test_a_bad_search_is_refused_and_shown_next_to_the_box(client: Client, refund_article, query):
    response = client.get("/help/search/", {"q": query})
    assert response.status_code == 400
    assert "退费政策" not in response.content.decode().split("</form>", 1)[-1]


def test_a_search_query_is_shown_escaped(client: Client, refund_article):
    html = client.get("/help/search/", {"q": "<script>退费"}).content.decode()
    assert "<script>退费" not in html
    assert "&lt;script&gt;退费" in html


@pytest.mark.parametrize("count", [1, 8])
def test_the_lists_cost_a_fixed_number_of_queries(client: Client, django_assert_num_queries, count):
    articles = [ArticleFactory(published=True, draft_body="退费老师") for _ in range(count)]
    first = articles[0]
    for other in articles[1:]:
        first.related.add(other)
    client.get("/help/")  # the session and the language settle on the first request
    with django_assert_num_queries(2):  # sections, most read
        client.get("/help/")
    with django_assert_num_queries(2):  # section, its articles
        client.get(f"/help/{first.section.slug}/")
    with django_assert_num_queries(1):
        client.get("/help/search/", {"q": "退费"})
    # article, read count, related (a visitor with no session yet has cast no vote)
    with django_assert_num_queries(3):
        client.get(article_path(first))


def test_context_help_json_lists_the_categorys_published_articles(client: Client, refund_article):
    draft = ArticleFactory(draft_title="退费草稿")
    fees = Category.objects.get(code="fees_refunds")
    draft.categories.add(fees)
    body = client.get("/help/context/", {"category": fees.pk}).json()
    assert body == {"articles": [{"title": "退费政策", "url": article_path(refund_article)}]}
    other = Category.objects.get(code="teaching")
    assert client.get("/help/context/", {"category": other.pk}).json() == {"articles": []}
    for bad in ("", "abc", "9" * 30, "-1"):
        assert client.get("/help/context/", {"category": bad}).json() == {"articles": []}


def test_the_complaint_form_shows_the_articles_of_the_chosen_category(refund_article):
    learner = LearnerFactory()
    client = Client()
    client.force_login(learner)
    fees = Category.objects.get(code="fees_refunds")
    first = client.get("/complaints/new/").content.decode()
    assert "data-context-help" in first and "helpcentre/context-help" in first
    assert "退费政策" not in first  # no category chosen yet
    # a form shown again (here with errors) lists the chosen category's articles without any script
    again = client.post("/complaints/new/", {"category": fees.pk})
    assert again.status_code == 400
    assert "退费政策" in again.content.decode()


def test_the_refund_form_shows_the_fees_articles():
    from refunds.tests.factories import accept_agreement, enrolment_bought

    learner = LearnerFactory()
    article = ArticleFactory(published=True, draft_title="如何申请退费")
    article.categories.add(Category.objects.get(code="fees_refunds"))
    enrolment = enrolment_bought(learner=learner, days_ago=2)
    accept_agreement(learner)
    client = Client()
    client.force_login(learner)
    html = client.get(f"/refunds/courses/{enrolment.pk}/request/").content.decode()
    assert "如何申请退费" in html


def test_the_navigation_links_to_the_help_centre(learner_client):
    assert 'href="/help/"' in learner_client.get("/").content.decode()
