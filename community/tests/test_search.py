"""The community's search: title matches first, then the rest, each newest first; pages read only their own
rows (with their counts); hidden posts never found; a fixed number of queries whatever the page holds."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from community import selectors
from community.models import Post

from .factories import PostFactory, ReplyFactory

pytestmark = pytest.mark.django_db

# The session, the reader and their roles, the menu's notices; the search's two parts, its count, and the
# page's posts with their counts.
SEARCH_PAGE_QUERIES = 9


def _posted(days_ago: int, **fields) -> Post:
    return PostFactory(created_at=timezone.now() - datetime.timedelta(days=days_ago), **fields)


def test_title_matches_come_first_then_the_rest_each_newest_first(learner):
    old_title = _posted(9, title="退费流程问题", body="等了很久")
    new_title = _posted(1, title="再谈退费", body="没有消息")
    old_body = _posted(5, title="开课第一周", body="同学说可以申请退费")
    new_body = _posted(2, title="关于排课", body="退费之后还能再报名吗")
    _posted(0, title="今天的心得", body="老师讲得很好")  # holds no 退费

    found = selectors.search_posts(learner, "退费")

    assert list(found) == [new_title, old_title, new_body, old_body]
    assert [post.search_title_hit for post in found] == [True, True, False, False]
    assert found.count() == len(found) == 4


def test_pages_read_across_the_two_parts(learner):
    titles = [_posted(10 + n, title=f"退费第{n}帖", body="正文") for n in range(3)]
    bodies = [_posted(n, title=f"心得{n}", body="说到退费的事") for n in range(3)]
    found = selectors.search_posts(learner, "退费")

    assert found[0:2] == titles[:2]
    assert found[2:4] == [titles[2], bodies[0]]
    assert found[4:6] == bodies[1:]
    assert found[6:8] == []
    assert found[3] == bodies[0]
    with pytest.raises(IndexError):
        found[6]


def test_each_post_carries_its_like_and_visible_reply_counts(learner):
    post = _posted(1, title="退费经验", body="正文")
    ReplyFactory(post=post)
    ReplyFactory(post=post)
    ReplyFactory(post=post, is_hidden=True)
    [found] = selectors.search_posts(learner, "退费")
    assert (found.reply_count, found.like_count) == (2, 0)


def test_hidden_posts_are_never_found_and_nobody_signed_out_finds_anything(learner, moderator):
    visible = _posted(1, title="退费经验", body="正文")
    _posted(2, title="退费吐槽", body="正文", hidden=True)
    assert list(selectors.search_posts(learner, "退费")) == [visible]
    assert list(selectors.search_posts(moderator, "退费")) == [visible]
    from django.contrib.auth.models import AnonymousUser

    assert list(selectors.search_posts(AnonymousUser(), "退费")) == []


def test_a_query_with_nothing_searchable_finds_nothing(learner):
    _posted(1, title="退费经验", body="正文")
    found = selectors.search_posts(learner, "的 了")
    assert list(found) == [] and found.count() == 0


@pytest.mark.parametrize("posts", [1, 25])
def test_the_search_page_costs_the_same_queries_whatever_it_finds(learner, posts, django_assert_num_queries):
    for n in range(posts):
        ReplyFactory(post=_posted(n, title=f"退费第{n}帖" if n % 2 else "心得", body="说到退费的事"))
    client = Client()
    client.force_login(learner)
    client.get("/community/search/?q=退费")
    with django_assert_num_queries(SEARCH_PAGE_QUERIES):
        response = client.get("/community/search/?q=退费")
    assert response.status_code == 200
    assert response.content.decode().count('class="card"') == min(posts, 20)


def test_a_frequent_term_is_counted_up_to_the_cap_and_the_page_says_so(learner, monkeypatch):
    monkeypatch.setattr(selectors, "SEARCH_COUNT_CAP", 3)
    posts = [_posted(n, title=f"退费第{n}帖", body="正文") for n in range(5)]
    found = selectors.search_posts(learner, "退费")
    assert (found.count(), found.is_capped) == (3, True)
    assert found[0:5] == posts  # the rows themselves are all there to read
    exact = selectors.search_posts(learner, "第1帖")
    assert (exact.count(), exact.is_capped) == (1, False)

    client = Client()
    client.force_login(learner)
    page = client.get("/community/search/?q=退费").content.decode()
    assert "超过 3 条帖子含有这些词" in page
    assert "超过" not in client.get("/community/search/?q=第1帖").content.decode()
