"""The moderators' admin screens: the queue's buttons call the services, a refusal changes nothing, and only
moderators reach them."""

import pytest
from django.test import Client

from community import services
from community.models import Appeal, ModerationAction, Report, SensitiveWord
from community.screening import sensitive_word_found
from community.services import Decision
from notifications.models import Notification

from .factories import ReplyFactory

pytestmark = pytest.mark.django_db

QUEUE_QUERIES = 9
POST_LIST_QUERIES = 10
REPLY_LIST_QUERIES = 9
ACTION_LIST_QUERIES = 9


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def report(learner, other_learner):
    reply = ReplyFactory(author=other_learner, body="这是一条辱骂回复")
    return services.report_create(actor=learner, reply=reply, reason="abuse", text="人身攻击")


def test_the_queue_shows_the_reported_message_to_moderators_only(report, moderator, agent):
    page = _client(moderator).get("/admin/community/report/")
    assert page.status_code == 200 and "这是一条辱骂回复" in page.content.decode()
    assert _client(agent).get("/admin/community/report/").status_code == 403
    assert _client(agent).get(f"/admin/community/report/{report.pk}/change/").status_code == 403


def test_a_moderator_hides_the_reported_reply_with_the_button(report, moderator, other_learner):
    client = _client(moderator)
    change = client.get(f"/admin/community/report/{report.pk}/change/").content.decode()
    assert f"/admin/community/report/{report.pk}/move/hide/" in change

    answer = client.post(f"/admin/community/report/{report.pk}/move/hide/", {"hide-reason": "辱骂他人"})

    assert answer.status_code == 302
    report.refresh_from_db()
    assert report.state == Report.State.ACTED and report.reply.is_hidden
    assert ModerationAction.objects.get().reason == "辱骂他人"
    assert Notification.objects.filter(recipient=other_learner, kind="community_hidden").exists()
    assert "这是一条辱骂回复" not in client.get("/admin/community/report/").content.decode()


def test_a_move_without_a_reason_is_refused_next_to_its_field_and_changes_nothing(report, moderator):
    answer = _client(moderator).post(f"/admin/community/report/{report.pk}/move/mute/", {"mute-days": "3"})
    assert answer.status_code == 400
    report.refresh_from_db()
    assert report.state == Report.State.OPEN and ModerationAction.objects.count() == 0
    assert Notification.objects.count() == 0


def test_a_non_moderator_cannot_press_the_buttons(report, agent):
    answer = _client(agent).post(f"/admin/community/report/{report.pk}/move/hide/", {"hide-reason": "x"})
    assert answer.status_code == 403
    report.refresh_from_db()
    assert report.state == Report.State.OPEN and not report.reply.is_hidden


def test_a_moderator_mutes_the_author_for_a_period(report, moderator, other_learner):
    _client(moderator).post(
        f"/admin/community/report/{report.pk}/move/mute/", {"mute-reason": "屡教不改", "mute-days": "7"}
    )
    assert services.mute_active(user=other_learner) is not None


def test_another_moderator_upholds_the_appeal_in_the_admin(
    report, moderator, second_moderator, other_learner
):
    action = services.report_act(
        actor=moderator, report=report, decision=Decision(kind="hide", reason="辱骂")
    )
    appeal = services.appeal_file(actor=other_learner, action=action, text="我没有辱骂")

    answer = _client(second_moderator).post(
        f"/admin/community/appeal/{appeal.pk}/move/uphold/", {"uphold-reason": "用语尚可"}
    )

    assert answer.status_code == 302
    appeal.refresh_from_db()
    assert (
        appeal.state == Appeal.State.UPHELD
        and not action.reply.__class__.objects.get(pk=action.reply_id).is_hidden
    )


def test_a_word_added_in_the_admin_applies_at_once(moderator):
    assert sensitive_word_found("刷单兼职") is None  # the empty list is now cached
    answer = _client(moderator).post(
        "/admin/community/sensitiveword/add/", {"word": "刷单", "is_active": "on"}
    )
    assert answer.status_code == 302 and SensitiveWord.objects.filter(word="刷单").exists()
    assert sensitive_word_found("刷单兼职") == "刷单"


def test_the_word_list_is_the_moderators(agent):
    assert _client(agent).post("/admin/community/sensitiveword/add/", {"word": "刷单"}).status_code == 403
    assert SensitiveWord.objects.count() == 0


@pytest.mark.parametrize("reports", [1, 6])
def test_the_queue_costs_the_same_queries_whatever_its_length(moderator, reports, django_assert_num_queries):
    for _ in range(reports):
        reply = ReplyFactory()
        services.report_create(actor=ReplyFactory().author, reply=reply, reason="spam")
    client = _client(moderator)
    client.get("/admin/community/report/")
    with django_assert_num_queries(QUEUE_QUERIES):
        assert client.get("/admin/community/report/").status_code == 200


def test_staff_list_the_visible_posts_and_moderators_the_hidden_ones_too(agent, moderator):
    from community.models import Post

    shown = ReplyFactory().post
    hidden = ReplyFactory().post
    Post.objects.filter(pk=hidden.pk).update(is_hidden=True)

    listed = _client(agent).get("/admin/community/post/").content.decode()
    assert shown.title in listed and hidden.title not in listed
    assert _client(agent).get(f"/admin/community/post/{hidden.pk}/change/").status_code == 302  # not found
    assert hidden.title in _client(moderator).get("/admin/community/post/").content.decode()
    assert _client(agent).post("/admin/community/post/add/", {"title": "x"}).status_code == 403


@pytest.mark.parametrize("posts", [1, 6])
def test_the_post_list_costs_the_same_queries_whatever_its_length(agent, posts, django_assert_num_queries):
    for _ in range(posts):
        ReplyFactory()
    client = _client(agent)
    client.get("/admin/community/post/")
    with django_assert_num_queries(POST_LIST_QUERIES):
        assert client.get("/admin/community/post/").status_code == 200


def test_a_moderator_hides_an_unreported_post_from_its_page_and_restores_it(moderator, other_learner):
    post = ReplyFactory(post__author=other_learner, post__title="无人举报的帖子").post
    client = _client(moderator)
    page = client.get(f"/admin/community/post/{post.pk}/change/").content.decode()
    assert f"/admin/community/post/{post.pk}/move/hide/" in page
    assert f"/admin/community/post/{post.pk}/move/restore/" not in page

    answer = client.post(f"/admin/community/post/{post.pk}/move/hide/", {"hide-reason": "广告引流"})

    assert answer.status_code == 302 and answer.url == f"/admin/community/post/{post.pk}/change/"
    post.refresh_from_db()
    assert post.is_hidden
    action = ModerationAction.objects.get()
    assert (action.kind, action.post, action.subject, action.report) == ("hide", post, other_learner, None)
    assert Notification.objects.filter(recipient=other_learner, kind="community_hidden").exists()
    page = client.get(f"/admin/community/post/{post.pk}/change/").content.decode()
    assert f"/admin/community/post/{post.pk}/move/restore/" in page

    client.post(f"/admin/community/post/{post.pk}/move/restore/", {"restore-reason": "误判"})
    post.refresh_from_db()
    assert not post.is_hidden and ModerationAction.objects.count() == 2


def test_a_moderator_mutes_the_author_of_an_unreported_reply(moderator, other_learner):
    reply = ReplyFactory(author=other_learner)
    answer = _client(moderator).post(
        f"/admin/community/reply/{reply.pk}/move/mute/", {"mute-reason": "连续刷屏", "mute-days": "3"}
    )
    assert answer.status_code == 302
    action = ModerationAction.objects.get()
    assert (action.kind, action.reply, action.subject) == ("mute", reply, other_learner)
    assert services.mute_active(user=other_learner) is not None


def test_a_refused_move_on_a_post_is_shown_next_to_its_field_and_changes_nothing(moderator):
    post = ReplyFactory().post
    answer = _client(moderator).post(f"/admin/community/post/{post.pk}/move/hide/", {"hide-reason": ""})
    assert answer.status_code == 400
    post.refresh_from_db()
    assert not post.is_hidden and ModerationAction.objects.count() == 0 and Notification.objects.count() == 0


def test_staff_who_do_not_moderate_see_no_moves_and_cannot_press_them(agent):
    reply = ReplyFactory()
    post = reply.post
    client = _client(agent)
    assert "/move/" not in client.get(f"/admin/community/post/{post.pk}/change/").content.decode()
    assert client.post(f"/admin/community/post/{post.pk}/move/hide/", {"hide-reason": "x"}).status_code == 403
    assert (
        client.post(f"/admin/community/reply/{reply.pk}/move/hide/", {"hide-reason": "x"}).status_code == 403
    )
    assert client.get("/admin/community/reply/").status_code == 403
    assert client.get("/admin/community/moderationaction/").status_code == 403
    post.refresh_from_db()
    reply.refresh_from_db()
    assert not post.is_hidden and not reply.is_hidden and ModerationAction.objects.count() == 0


@pytest.mark.parametrize("decisions", [1, 6])
def test_the_moderators_list_every_decision_at_a_fixed_cost(moderator, decisions, django_assert_num_queries):
    for n in range(decisions):
        target = ReplyFactory() if n % 2 else ReplyFactory().post
        services.moderation_act(
            actor=moderator, target=target, decision=Decision(kind="warn", reason=f"提醒{n}")
        )
    client = _client(moderator)
    client.get("/admin/community/moderationaction/")
    with django_assert_num_queries(ACTION_LIST_QUERIES):
        page = client.get("/admin/community/moderationaction/")
    assert page.status_code == 200
    assert all(f"提醒{n}" in page.content.decode() for n in range(decisions))


@pytest.mark.parametrize("replies", [1, 6])
def test_the_reply_list_costs_the_same_queries_whatever_its_length(
    moderator, replies, django_assert_num_queries
):
    for _ in range(replies):
        ReplyFactory()
    client = _client(moderator)
    client.get("/admin/community/reply/")
    with django_assert_num_queries(REPLY_LIST_QUERIES):
        assert client.get("/admin/community/reply/").status_code == 200
