"""Search of the help centre: two-character Chinese terms match titles and bodies, title matches first, and
only published text is ever found."""

import pytest
from django.utils import translation

from helpcentre.selectors import highlighted_snippet, search_articles, search_help
from helpcentre.services import article_draft_save, article_publish, article_unpublish

from .factories import ArticleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def shelf(editor):
    refund_title = ArticleFactory(
        published=True, slug="refund", draft_title="退费政策", draft_body="开课七天内可以申请。"
    )
    refund_body = ArticleFactory(
        published=True, slug="contract", draft_title="报名须知", draft_body="报名前请阅读退费规则和合同。"
    )
    teacher_title = ArticleFactory(
        published=True, slug="teacher", draft_title="老师临时更换怎么办", draft_body="机构应提前通知。"
    )
    teacher_body = ArticleFactory(
        published=True, slug="complaint", draft_title="如何投诉", draft_body="涉及哪位老师，请写清楚。"
    )
    draft = ArticleFactory(slug="draft", draft_title="退费草稿", draft_body="老师 退费 尚未发布。")
    return {
        "refund title": refund_title,
        "refund body": refund_body,
        "teacher title": teacher_title,
        "teacher body": teacher_body,
        "draft": draft,
    }


def slugs(hits) -> list[str]:
    return [hit.url.rstrip("/").rsplit("/", 1)[-1] for hit in hits]


def test_two_character_terms_match_titles_first_then_bodies(shelf):
    assert slugs(search_articles(reader=None, q="退费")) == ["refund", "contract"]
    assert slugs(search_articles(reader=None, q="老师")) == ["teacher", "complaint"]
    hits = search_articles(reader=None, q="老师")
    assert [hit.title_hit for hit in hits] == [True, False]


def test_the_snippet_highlights_the_term_and_escapes_the_text():
    snippet = highlighted_snippet("<b>申请</b>退费的流程", "退费")
    assert str(snippet) == "&lt;b&gt;申请&lt;/b&gt;<mark>退费</mark>的流程"


def test_hits_carry_a_highlighted_snippet_of_the_body(shelf):
    [hit] = [h for h in search_articles(reader=None, q="退费") if h.title == "报名须知"]
    assert "<mark>退费</mark>" in hit.snippet


def test_a_draft_or_unpublished_article_is_never_found(shelf, editor):
    assert "draft" not in slugs(search_articles(reader=editor, q="退费"))
    # a published article's new draft text is not found before it is published
    article = shelf["teacher title"]
    article.draft_body = "新草稿里有独特词汇麒麟。"
    article_draft_save(article=article, actor=editor)
    assert search_articles(reader=None, q="麒麟") == []
    article_publish(article=article, actor=editor)
    assert slugs(search_articles(reader=None, q="麒麟")) == ["teacher"]
    # taken off the help centre, it is found no more
    article_unpublish(article=article, actor=editor)
    assert search_articles(reader=None, q="麒麟") == []
    assert "teacher" not in slugs(search_articles(reader=None, q="老师"))


def test_english_text_is_searched_too_and_titles_follow_the_language(shelf):
    article = ArticleFactory(
        published=True,
        slug="english",
        draft_title="中文标题",
        draft_title_en="Refund steps",
        draft_body="正文",
    )
    with translation.override("en"):
        hits = search_articles(reader=None, q="refund")
    assert [hit.title for hit in hits] == ["Refund steps"]
    assert search_articles(reader=None, q="refund")[0].title == "中文标题"
    assert article.slug in hits[0].url


@pytest.mark.parametrize("query", ["", "   ", "!!!", "'\"<>;--", "\u202e", "退" * 5000])
def test_odd_queries_find_nothing_or_stay_bounded(shelf, query, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        hits = search_articles(reader=None, q=query)
    assert all("draft" not in hit.url for hit in hits)


def test_a_signed_in_reader_finds_community_posts_under_the_articles(shelf, learner):
    from community.tests.factories import PostFactory

    post = PostFactory(title="我的退费经历", body="分享一下流程。")
    PostFactory(title="退费吐槽", body="被版主隐藏。", is_hidden=True)

    hits = search_help(reader=learner, q="退费")

    assert [hit.kind for hit in hits] == ["article", "article", "post"]
    assert hits[-1].title == "我的退费经历" and hits[-1].title_hit
    assert hits[-1].url == f"/community/{post.board.slug}/{post.pk}/"
    assert "<mark>退费</mark>" not in hits[-1].snippet  # the body does not hold it
    assert search_help(reader=learner, q="的 了") == []


def test_nobody_signed_out_finds_community_posts(shelf):
    from community.tests.factories import PostFactory

    PostFactory(title="我的退费经历", body="分享一下退费流程。")
    assert [hit.kind for hit in search_help(reader=None, q="退费")] == ["article", "article"]


def test_the_search_page_shows_posts_to_a_signed_in_reader_only(client, learner_client, shelf):
    from community.tests.factories import PostFactory

    PostFactory(title="我的退费经历", body="分享一下退费流程。")
    signed_in = learner_client.get("/help/search/", {"q": "退费"}).content.decode()
    assert "我的退费经历" in signed_in and "社区帖子" in signed_in
    assert "/community/search/?q=%E9%80%80%E8%B4%B9" in signed_in
    signed_out = client.get("/help/search/", {"q": "退费"}).content.decode()
    assert "我的退费经历" not in signed_out and "/community/search/" not in signed_out
