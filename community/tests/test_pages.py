"""The community pages through their real URLs: posting, replying, reporting, errors next to their field,
hidden messages gone from every page, the author's moderation page and appeal, and fixed query counts."""

import pytest
from django.test import Client

from community import services
from community.models import Appeal, Post, Reply, Report, SensitiveWord
from community.services import Decision

from .factories import PostFactory, ReplyFactory

pytestmark = pytest.mark.django_db

# What a page costs, whatever its length: the session, the reader and their roles, the menu's notices, and
# the page's own reads (the board's posts with their counts; the thread's replies, images, like and follow).
QUERIES = {"board": 8, "thread": 14}


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_learner_posts_on_a_board_and_reads_the_thread(learner, experience):
    client = _client(learner)
    assert client.get("/community/").status_code == 200
    assert client.get("/community/experience/new/").status_code == 200

    answer = client.post(
        "/community/experience/new/", {"title": "我的备考计划", "body": "每天背单词 50 个。"}
    )

    post = Post.objects.get()
    assert answer.status_code == 302 and answer["Location"] == f"/community/experience/{post.pk}/"
    page = client.get(answer["Location"]).content.decode()
    assert "我的备考计划" in page and "每天背单词 50 个。" in page


def test_anonymous_visitors_are_sent_to_log_in():
    assert Client().get("/community/").status_code == 302


def test_a_sensitive_word_is_shown_next_to_the_field_and_nothing_is_stored(learner, experience, moderator):
    services.sensitive_word_save(actor=moderator, word=SensitiveWord(word="代考"))

    answer = _client(learner).post("/community/experience/new/", {"title": "求助", "body": "找人代考"})

    assert answer.status_code == 400
    errors = answer.context["form"].errors
    assert (
        list(errors) == ["body"] and "代考" in errors["body"][0] and "本次未发布任何内容" in errors["body"][0]
    )
    assert Post.objects.count() == 0


def test_a_muted_learner_is_told_until_when_next_to_the_reply(learner, moderator):
    post = PostFactory()
    services.moderation_act(
        actor=moderator,
        target=PostFactory(author=learner),
        decision=Decision(kind="mute", reason="刷屏", mute_days=2),
    )
    answer = _client(learner).post(f"/community/experience/{post.pk}/reply/", {"body": "我来回复"})
    assert answer.status_code == 400
    assert "前您不能发帖或回复" in answer.context["reply_form"].non_field_errors()[0]
    assert Reply.objects.count() == 0


def test_a_reply_from_another_board_address_is_not_found(learner):
    post = PostFactory()
    assert _client(learner).get(f"/community/rights/{post.pk}/").status_code == 404
    assert _client(learner).post(f"/community/rights/{post.pk}/reply/", {"body": "回复"}).status_code == 404
    assert Reply.objects.count() == 0


def test_a_learner_reports_a_reply_and_a_hidden_reply_is_gone_from_the_thread(
    learner, other_learner, moderator
):
    post = PostFactory(author=other_learner)
    reply = ReplyFactory(post=post, author=other_learner, body="一条不友善的回复")
    client = _client(learner)

    answer = client.post(f"/community/experience/{post.pk}/report/", {"reply": reply.pk, "reason": "abuse"})

    assert answer.status_code == 302 and Report.objects.get().reply == reply
    services.report_act(
        actor=moderator, report=Report.objects.get(), decision=Decision(kind="hide", reason="不友善")
    )
    assert "一条不友善的回复" not in client.get(f"/community/experience/{post.pk}/").content.decode()
    # Its author still reads it, with the reason.
    own = _client(other_learner).get(f"/community/experience/{post.pk}/").content.decode()
    assert "一条不友善的回复" in own and "不友善" in own


def test_a_hidden_post_is_gone_from_the_board_the_search_and_its_page_but_its_author_reads_the_reason(
    learner, other_learner, moderator
):
    post = PostFactory(author=other_learner, title="隐藏测试帖子", body="内容")
    services.moderation_act(actor=moderator, target=post, decision=Decision(kind="hide", reason="广告内容"))
    client = _client(learner)
    assert "隐藏测试帖子" not in client.get("/community/experience/").content.decode()
    assert "隐藏测试帖子" not in client.get("/community/search/?q=隐藏测试").content.decode()
    assert client.get(f"/community/experience/{post.pk}/").status_code == 404
    own = _client(other_learner).get(f"/community/experience/{post.pk}/")
    assert own.status_code == 200 and "广告内容" in own.content.decode()


def test_the_author_appeals_on_their_moderation_page(learner, moderator):
    post = PostFactory(author=learner)
    action = services.moderation_act(
        actor=moderator, target=post, decision=Decision(kind="warn", reason="语气过激")
    )
    client = _client(learner)
    page = client.get("/community/my/moderation/").content.decode()
    assert "语气过激" in page and f"/community/my/moderation/{action.pk}/appeal/" in page

    assert client.post(f"/community/my/moderation/{action.pk}/appeal/", {"text": ""}).status_code == 400
    assert Appeal.objects.count() == 0
    answer = client.post(f"/community/my/moderation/{action.pk}/appeal/", {"text": "我只是表达不满"})
    assert answer.status_code == 302 and Appeal.objects.get().text == "我只是表达不满"


def test_nobody_appeals_another_persons_decision(learner, other_learner, moderator):
    action = services.moderation_act(
        actor=moderator, target=PostFactory(author=learner), decision=Decision(kind="warn", reason="语气过激")
    )
    answer = _client(other_learner).post(
        f"/community/my/moderation/{action.pk}/appeal/", {"text": "代为申诉"}
    )
    assert answer.status_code == 404 and Appeal.objects.count() == 0


def test_the_rights_board_offers_its_author_the_filing_form_filled_in(learner, other_learner, rights):
    post = services.post_create(
        actor=learner, board=rights, title="合同条款不公平", body="合同规定概不退费。"
    )
    thread = _client(learner).get(f"/community/rights/{post.pk}/").content.decode()
    link = f"/complaints/new/?from=community&amp;ref={post.pk}"
    assert link in thread
    assert link not in _client(other_learner).get(f"/community/rights/{post.pk}/").content.decode()

    form = _client(learner).get(f"/complaints/new/?from=community&ref={post.pk}").context["form"]
    assert form.initial["title"] == "合同条款不公平" and "合同规定概不退费。" in form.initial["description"]
    assert _client(other_learner).get(f"/complaints/new/?from=community&ref={post.pk}").status_code == 404


def test_like_and_follow_buttons(learner):
    post = PostFactory()
    client = _client(learner)
    client.post(f"/community/experience/{post.pk}/like/", {"like": "1"})
    client.post(f"/community/experience/{post.pk}/follow/", {"follow": "1"})
    assert post.likes.count() == 1 and post.follows.filter(user=learner).exists()
    client.post(f"/community/experience/{post.pk}/like/", {"like": "0"})
    assert post.likes.count() == 0


def test_only_moderators_mark_the_official_answer_on_the_page(learner, moderator):
    reply = ReplyFactory()
    url = f"/community/experience/{reply.post_id}/replies/{reply.pk}/official/"
    assert _client(learner).post(url).status_code == 403
    reply.refresh_from_db()
    assert not reply.is_official
    assert _client(moderator).post(url).status_code == 302
    reply.refresh_from_db()
    assert reply.is_official


@pytest.mark.parametrize("posts", [1, 6])
def test_the_board_costs_the_same_queries_whatever_its_length(learner, posts, django_assert_num_queries):
    for _ in range(posts):
        ReplyFactory(post=PostFactory())
    client = _client(learner)
    client.get("/community/experience/")
    with django_assert_num_queries(QUERIES["board"]):
        assert client.get("/community/experience/").status_code == 200


@pytest.mark.parametrize("replies", [1, 6])
def test_the_thread_costs_the_same_queries_whatever_its_length(learner, replies, django_assert_num_queries):
    post = PostFactory()
    for _ in range(replies):
        ReplyFactory(post=post)
    client = _client(learner)
    client.get(f"/community/experience/{post.pk}/")
    with django_assert_num_queries(QUERIES["thread"]):
        assert client.get(f"/community/experience/{post.pk}/").status_code == 200


def test_a_refused_report_opens_its_own_form_with_the_error(learner, other_learner):
    post = PostFactory(author=other_learner)
    first, second = ReplyFactory(post=post), ReplyFactory(post=post)
    answer = _client(learner).post(
        f"/community/experience/{post.pk}/report/", {"reply": second.pk, "reason": "not-a-reason"}
    )
    assert answer.status_code == 400 and Report.objects.count() == 0
    page = answer.content.decode()
    assert (
        f'id="id_report_reply{first.pk}_reason"' in page and f'id="id_report_reply{second.pk}_reason"' in page
    )
    replies = {reply.pk: reply for reply in answer.context["thread"].replies}
    assert (
        list(replies[second.pk].report_form.errors) == ["reason"] and not replies[first.pk].report_form.errors
    )


def test_a_learner_likes_a_reply_from_the_thread_and_takes_it_back(learner, other_learner):
    reply = ReplyFactory(author=other_learner, body="可以先找班主任沟通。")
    ReplyFactory(post=reply.post)
    url = f"/community/experience/{reply.post.pk}/"
    client = _client(learner)
    page = client.get(url).content.decode()
    assert f"/community/experience/{reply.post.pk}/replies/{reply.pk}/like/" in page

    answer = client.post(f"{url}replies/{reply.pk}/like/", {"like": "1"})
    client.post(f"{url}replies/{reply.pk}/like/", {"like": "1"})  # liking again changes nothing

    assert answer.status_code == 302 and answer.url == f"{url}#reply-{reply.pk}"
    assert list(reply.likes.values_list("user", flat=True)) == [learner.pk]
    thread = client.get(url).context["thread"]
    liked = [(r.like_count, r.liked) for r in thread.replies if r.pk == reply.pk]
    assert liked == [(1, True)]
    assert [r.liked for r in _client(other_learner).get(url).context["thread"].replies] == [False, False]
    client.post(f"{url}replies/{reply.pk}/like/", {"like": "0"})
    assert reply.likes.count() == 0


def test_a_hidden_reply_or_one_from_another_thread_takes_no_like(learner, moderator):
    hidden = ReplyFactory()
    services.moderation_act(actor=moderator, target=hidden, decision=Decision(kind="hide", reason="辱骂"))
    elsewhere = ReplyFactory()
    client = _client(learner)
    post = hidden.post.pk
    assert client.post(f"/community/experience/{post}/replies/{hidden.pk}/like/").status_code == 404
    assert client.post(f"/community/experience/{post}/replies/{elsewhere.pk}/like/").status_code == 404
    assert not hidden.likes.exists() and not elsewhere.likes.exists()
