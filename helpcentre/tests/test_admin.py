"""The editors' admin: a saved change is a draft, publishing keeps the history readable, the figures page
costs a fixed number of queries, and staff outside the editors' group are refused."""

import pytest
from django.test import Client

from accounts.roles import Role
from accounts.tests.factories import StaffFactory
from helpcentre.models import Article, ArticleVersion, Section

from .factories import ArticleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(editor) -> Client:
    client = Client()
    client.force_login(editor)
    return client


def change_data(article: Article, **changes) -> dict:
    data = {
        "section": article.section_id,
        "slug": article.slug,
        "position": article.position,
        "draft_title": article.draft_title,
        "draft_body": article.draft_body,
        "draft_title_en": article.draft_title_en,
        "draft_body_en": article.draft_body_en,
    }
    return {**data, **changes}


def test_an_editor_writes_a_draft_publishes_it_and_reads_the_history(editor_client, editor):
    # given a published article
    article = ArticleFactory(published=True, draft_body="第一版正文。")
    url = f"/admin/helpcentre/article/{article.pk}/change/"
    # when the editor saves a change, readers still see the first version
    saved = editor_client.post(url, change_data(article, draft_body="第二版正文。"))
    assert saved.status_code == 302
    article.refresh_from_db()
    assert article.draft_body == "第二版正文。" and article.draft_updated_by == editor
    assert article.published_version.body == "第一版正文。"
    # when they publish it
    published = editor_client.post(f"/admin/helpcentre/article/{article.pk}/move/publish/")
    assert published.status_code == 302
    article.refresh_from_db()
    assert article.published_version.number == 2 and article.published_version.body == "第二版正文。"
    # then both versions are listed on the article's page and the first is readable as it was
    page = editor_client.get(url).content.decode()
    assert "第 1 版" in page and "第 2 版" in page
    first = ArticleVersion.objects.get(article=article, number=1)
    assert (
        "第一版正文。"
        in editor_client.get(f"/admin/helpcentre/articleversion/{first.pk}/change/").content.decode()
    )
    listing = editor_client.get("/admin/helpcentre/articleversion/").content.decode()
    assert listing.count("/admin/helpcentre/articleversion/") >= 2


def test_an_editor_adds_an_article_as_a_draft(editor_client):
    section = Section.objects.get(slug="rights")
    response = editor_client.post(
        "/admin/helpcentre/article/add/",
        {
            "section": section.pk,
            "slug": "new-one",
            "position": 0,
            "draft_title": "新文章",
            "draft_body": "正文",
        },
    )
    assert response.status_code == 302
    article = Article.objects.get(slug="new-one")
    assert article.published_version is None
    assert not ArticleVersion.objects.exists()


def test_a_bad_draft_is_refused_next_to_the_field(editor_client):
    article = ArticleFactory(published=True)
    url = f"/admin/helpcentre/article/{article.pk}/change/"
    response = editor_client.post(url, change_data(article, draft_title="标题\u202egpj.exe"))
    assert response.status_code == 200 and "errorlist" in response.content.decode()
    article.refresh_from_db()
    assert "\u202e" not in article.draft_title


@pytest.mark.parametrize("role", [Role.AGENT, Role.MANAGER, Role.LEADERSHIP])
def test_staff_outside_the_editors_group_are_refused(role):
    article = ArticleFactory(published=True, draft_body="原文")
    client = Client()
    client.force_login(StaffFactory(roles=[role]))
    assert client.get("/admin/helpcentre/article/").status_code == 403
    assert client.get("/admin/helpcentre/article/figures/").status_code == 403
    assert client.post(f"/admin/helpcentre/article/{article.pk}/move/publish/").status_code == 403
    assert client.post(f"/admin/helpcentre/article/{article.pk}/move/unpublish/").status_code == 403
    article.refresh_from_db()
    assert article.published_version is not None and article.versions.count() == 1


def test_publishing_nothing_new_is_refused_with_a_message(editor_client):
    article = ArticleFactory(published=True)
    response = editor_client.post(f"/admin/helpcentre/article/{article.pk}/move/publish/", follow=True)
    assert article.versions.count() == 1
    assert response.status_code == 200


@pytest.mark.parametrize("count", [2, 6])
def test_the_figures_page_costs_a_fixed_number_of_queries(editor_client, django_assert_num_queries, count):
    for index in range(count):
        article = ArticleFactory(published=True)
        Article.objects.filter(pk=article.pk).update(
            read_count=index * 10, helpful_count=1, unhelpful_count=index
        )
    editor_client.get("/admin/helpcentre/article/figures/")
    # the request's own (session, user, second factor, privacy policy, permissions, roles), then most read
    # and least helpful
    with django_assert_num_queries(9):
        response = editor_client.get("/admin/helpcentre/article/figures/")
    html = response.content.decode()
    assert response.status_code == 200
    most_read = html.split('id="most-read"')[1].split('id="least-helpful"')[0]
    least = html.split('id="least-helpful"')[1]
    by_reads = [a.published_version.title for a in Article.objects.order_by("-read_count")]
    assert [most_read.index(title) for title in by_reads] == sorted(most_read.index(t) for t in by_reads)
    # the largest share of "not helpful" first; an article nobody found unhelpful is not listed
    unhelpful = [a.published_version.title for a in Article.objects.filter(unhelpful_count__gt=0)]
    by_share = sorted(unhelpful, key=lambda t: least.index(t))
    assert by_share == [
        a.published_version.title
        for a in Article.objects.filter(unhelpful_count__gt=0).order_by("-unhelpful_count")
    ]
    assert by_reads[-1] not in least
