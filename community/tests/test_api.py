"""The community API: reads through the one visibility rule, writes through the services, errors per field,
fixed query counts for lists."""

import pytest
from rest_framework.test import APIClient

from community import services
from community.models import Follow, Like, Post, Reply, Report, SensitiveWord
from community.services import Decision

from .factories import PostFactory, ReplyFactory

pytestmark = pytest.mark.django_db

# The board, then one page of posts with their counts (a cursor page counts nothing).
BOARD_POSTS_QUERIES = 2


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_boards_are_listed(learner):
    answer = _api(learner).get("/api/v1/community/boards/")
    assert answer.status_code == 200
    assert [board["slug"] for board in answer.json()] == ["experience", "course-reviews", "rights"]


def test_posting_masks_personal_data_and_answers_the_post(learner):
    answer = _api(learner).post(
        "/api/v1/community/boards/experience/posts/",
        {"title": "经验", "body": "有问题打我电话 13912345678"},
        format="json",
    )
    assert answer.status_code == 201
    assert answer.json()["body"] == "有问题打我电话 139****5678"
    assert "13912345678" not in Post.objects.values_list("body", flat=True).get()


def test_a_sensitive_word_is_a_field_error_and_nothing_is_stored(learner, moderator):
    services.sensitive_word_save(actor=moderator, word=SensitiveWord(word="代考"))
    answer = _api(learner).post(
        "/api/v1/community/boards/experience/posts/", {"title": "求助", "body": "代考"}, format="json"
    )
    assert answer.status_code == 400
    assert answer.json()["code"] == "sensitive_word" and "代考" in answer.json()["body"][0]
    assert Post.objects.count() == 0


def test_a_muted_author_gets_403_saying_until_when(learner, moderator):
    post = PostFactory(author=learner)
    services.moderation_act(
        actor=moderator, target=post, decision=Decision(kind="mute", reason="刷屏", mute_days=1)
    )
    answer = _api(learner).post(
        f"/api/v1/community/posts/{post.pk}/replies/", {"body": "回复"}, format="json"
    )
    assert answer.status_code == 403 and answer.json()["code"] == "muted"
    assert Reply.objects.count() == 0


def test_a_hidden_post_is_in_no_answer(learner, moderator):
    post = PostFactory(title="被隐藏的退费帖", body="退费")
    ReplyFactory(post=post)
    services.moderation_act(actor=moderator, target=post, decision=Decision(kind="hide", reason="广告"))
    client = _api(learner)
    assert client.get("/api/v1/community/boards/experience/posts/").json()["results"] == []
    assert client.get("/api/v1/community/posts/", {"q": "被隐藏"}).json() == []
    assert client.get(f"/api/v1/community/posts/{post.pk}/").status_code == 404
    assert client.get(f"/api/v1/community/posts/{post.pk}/replies/").status_code == 404
    assert client.post(f"/api/v1/community/posts/{post.pk}/like/").status_code == 404
    assert Like.objects.count() == 0


def test_a_hidden_reply_is_not_in_the_thread_and_cannot_be_reported(learner, other_learner, moderator):
    post = PostFactory()
    shown, hidden = ReplyFactory(post=post), ReplyFactory(post=post)
    services.moderation_act(actor=moderator, target=hidden, decision=Decision(kind="hide", reason="辱骂"))
    client = _api(learner)
    thread = client.get(f"/api/v1/community/posts/{post.pk}/").json()
    assert [reply["id"] for reply in thread["replies"]] == [shown.pk]
    answer = client.post("/api/v1/community/reports/", {"reply": hidden.pk, "reason": "abuse"}, format="json")
    assert answer.status_code == 404 and Report.objects.count() == 0


def test_search_finds_visible_posts(learner):
    found = PostFactory(title="雅思备考经验", body="每天练习听力")
    PostFactory(title="别的", body="无关内容")
    answer = _api(learner).get("/api/v1/community/posts/", {"q": "雅思"})
    assert [post["id"] for post in answer.json()] == [found.pk]


def test_like_follow_and_report(learner, other_learner):
    post = PostFactory(author=other_learner)
    client = _api(learner)
    assert client.post(f"/api/v1/community/posts/{post.pk}/like/").json() == {"liked": True}
    assert client.post(f"/api/v1/community/posts/{post.pk}/like/").status_code == 200
    assert Like.objects.filter(post=post).count() == 1
    assert client.delete(f"/api/v1/community/posts/{post.pk}/like/").json() == {"liked": False}
    assert client.post(f"/api/v1/community/posts/{post.pk}/follow/").json() == {"following": True}
    assert Follow.objects.filter(post=post, user=learner).exists()
    answer = client.post(
        "/api/v1/community/reports/", {"post": post.pk, "reason": "spam", "text": "广告"}, format="json"
    )
    assert answer.status_code == 201 and Report.objects.get().post == post


def test_a_report_needs_one_target_and_a_known_reason(learner):
    post = PostFactory()
    client = _api(learner)
    assert client.post("/api/v1/community/reports/", {"reason": "spam"}, format="json").status_code == 400
    answer = client.post("/api/v1/community/reports/", {"post": post.pk, "reason": "nonsense"}, format="json")
    assert answer.status_code == 400 and "reason" in answer.json()
    assert Report.objects.count() == 0


def test_anonymous_callers_are_refused():
    assert APIClient().get("/api/v1/community/boards/").status_code == 403


@pytest.mark.parametrize("posts", [1, 6])
def test_the_board_list_costs_the_same_queries_whatever_its_length(learner, posts, django_assert_num_queries):
    for _ in range(posts):
        ReplyFactory(post=PostFactory())
    client = _api(learner)
    with django_assert_num_queries(BOARD_POSTS_QUERIES):
        answer = client.get("/api/v1/community/boards/experience/posts/")
    assert len(answer.json()["results"]) == posts


def test_a_reply_is_liked_and_its_count_read_in_the_thread(learner, other_learner, moderator):
    reply = ReplyFactory(author=other_learner)
    client = _api(learner)
    assert client.post(f"/api/v1/community/replies/{reply.pk}/like/").json() == {"liked": True}
    assert client.post(f"/api/v1/community/replies/{reply.pk}/like/").status_code == 200
    [read] = client.get(f"/api/v1/community/posts/{reply.post.pk}/").json()["replies"]
    assert (read["like_count"], read["liked"]) == (1, True)
    assert client.delete(f"/api/v1/community/replies/{reply.pk}/like/").json() == {"liked": False}
    assert not reply.likes.exists()

    services.moderation_act(actor=moderator, target=reply, decision=Decision(kind="hide", reason="辱骂"))
    assert client.post(f"/api/v1/community/replies/{reply.pk}/like/").status_code == 404
    assert APIClient().post(f"/api/v1/community/replies/{reply.pk}/like/").status_code in {401, 403}
    assert not reply.likes.exists()
