"""The community's services: screening before storing, limits, mutes, notices, reports, moderation and
appeals, with what must not happen when they refuse."""

import datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.http import Http404
from django.utils import timezone

from community import selectors, services
from community.errors import AuthorMuted, CommunityError, PostingLimitReached, SensitiveWordFound
from community.models import Appeal, Follow, Image, Like, ModerationAction, Post, Reply, Report, SensitiveWord
from community.services import Decision
from complaints.drafts import complaint_draft_initial
from complaints.tests import evidence_files as made
from notifications.models import Notification

from .factories import PostFactory, ReplyFactory

pytestmark = pytest.mark.django_db

PNG = made.png_image()


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def _raw_row(table: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT row_to_json(t)::text FROM {table} AS t WHERE id = %s", [pk])  # noqa: S608
        return cursor.fetchone()[0]


def test_personal_data_is_masked_before_the_post_reaches_the_table(learner, experience):
    post = services.post_create(
        actor=learner,
        board=experience,
        title="联系我 13812345678",
        body=(
            "电话 138 1234 5678，身份证 11010519491231002X，邮箱 wang.xiao@example.com，"
            "全角１３９１２３４５６７８。"
        ),
    )

    row = _raw_row("community_post", post.pk)
    for raw in (
        "13812345678",
        "138 1234 5678",
        "11010519491231002X",
        "wang.xiao@example.com",
        "１３９１２３４５６７８",
    ):
        assert raw not in row
    assert "138****5678" in row and "110105********002X" in row and "w***@example.com" in row


def test_a_sensitive_word_refuses_the_post_next_to_its_field_and_stores_nothing(
    learner, experience, media_root
):
    SensitiveWord.objects.create(word="代考")

    with pytest.raises(SensitiveWordFound) as refused:
        services.post_create(
            actor=learner,
            board=experience,
            title="求助",
            body="有没有人能 代考 ？",
            images=[upload("a.png", PNG)],
        )

    assert refused.value.field == "body"
    assert "代考" in str(refused.value.message) and "本次未发布任何内容" in str(refused.value.message)
    assert Post.objects.count() == 0 and Image.objects.count() == 0 and Follow.objects.count() == 0
    assert not media_root.exists() or not any(media_root.rglob("*.png"))


def test_a_sensitive_word_in_the_title_is_named_on_the_title_whatever_its_width_or_case(learner, experience):
    SensitiveWord.objects.create(word="VPN")
    with pytest.raises(SensitiveWordFound) as refused:
        services.post_create(actor=learner, board=experience, title="好用的ｖｐｎ推荐", body="正文")
    assert refused.value.field == "title" and Post.objects.count() == 0


def test_the_word_list_is_cached_and_a_moderators_change_applies_at_once(
    learner, experience, moderator, django_assert_num_queries
):
    services.sensitive_word_save(actor=moderator, word=SensitiveWord(word="刷单"))
    from community.screening import sensitive_word_found

    assert sensitive_word_found("刷单兼职") == "刷单"
    with django_assert_num_queries(0):
        assert sensitive_word_found("刷单兼职") == "刷单"

    services.sensitive_word_save(actor=moderator, word=SensitiveWord(word="加微信"))

    with pytest.raises(SensitiveWordFound):
        services.reply_create(actor=learner, post=PostFactory(), body="加微信聊")
    assert Reply.objects.count() == 0


def test_only_moderators_keep_the_word_list(agent):
    with pytest.raises(CommunityError):
        services.sensitive_word_save(actor=agent, word=SensitiveWord(word="刷单"))
    assert SensitiveWord.objects.count() == 0


def test_the_hourly_limit_refuses_the_next_post_with_a_clear_error_and_lifts_after_an_hour(
    learner, experience, settings
):
    settings.COMMUNITY_POSTS_PER_HOUR = 2
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        post = services.post_create(actor=learner, board=experience, title="一", body="第一帖")
        services.reply_create(actor=learner, post=post, body="补充")
        with pytest.raises(PostingLimitReached) as refused:
            services.post_create(actor=learner, board=experience, title="三", body="第三帖")
    assert "2" in str(refused.value.message) and Post.objects.count() == 1
    with time_machine.travel(start + datetime.timedelta(hours=1, seconds=1), tick=False):
        services.post_create(actor=learner, board=experience, title="三", body="第三帖")
    assert Post.objects.count() == 2


def test_a_muted_author_cannot_post_or_reply_until_the_mute_ends(learner, moderator, experience):
    post = PostFactory(author=learner)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        action = services.moderation_act(
            actor=moderator, target=post, decision=Decision(kind="mute", reason="多次人身攻击", mute_days=3)
        )
    until = timezone.localtime(action.muted_until)
    with time_machine.travel(start + datetime.timedelta(days=2, hours=23), tick=False):
        with pytest.raises(AuthorMuted) as refused:
            services.reply_create(actor=learner, post=post, body="我不服")
        with pytest.raises(AuthorMuted):
            services.post_create(actor=learner, board=experience, title="新帖", body="内容")
    assert f"{until:%Y-%m-%d %H:%M}" in str(refused.value.message)
    assert Reply.objects.count() == 0 and Post.objects.count() == 1
    with time_machine.travel(start + datetime.timedelta(days=3, seconds=1), tick=False):
        services.reply_create(actor=learner, post=post, body="好的，我会注意")
    assert Reply.objects.count() == 1


def test_followers_but_the_replier_get_an_in_app_notice_of_a_reply(learner, other_learner, experience):
    post = services.post_create(actor=learner, board=experience, title="备考经验", body="分享一下")
    third = ReplyFactory(post=post).author
    services.post_follow(actor=third, post=post)

    services.reply_create(actor=other_learner, post=post, body="很有用")

    notices = Notification.objects.filter(kind="community_reply")
    assert sorted(n.recipient_id for n in notices) == sorted([learner.pk, third.pk])
    assert {n.channel for n in notices} == {Notification.Channel.IN_APP}
    assert notices[0].context == {"reference": str(post.pk), "target": "experience"}


def test_a_refused_reply_tells_nobody(learner, other_learner, experience, moderator):
    post = services.post_create(actor=learner, board=experience, title="备考经验", body="分享一下")
    services.sensitive_word_save(actor=moderator, word=SensitiveWord(word="代写"))
    with pytest.raises(SensitiveWordFound):
        services.reply_create(actor=other_learner, post=post, body="代写论文")
    assert Notification.objects.count() == 0 and Reply.objects.count() == 0


def test_likes_and_follows_count_once_per_person(learner, other_learner):
    post = PostFactory(author=learner)
    assert services.post_like(actor=other_learner, post=post) is True
    assert services.post_like(actor=other_learner, post=post) is False
    assert Like.objects.filter(post=post).count() == 1
    assert services.post_unlike(actor=other_learner, post=post) is True
    assert Like.objects.count() == 0
    services.post_follow(actor=other_learner, post=post)
    services.post_follow(actor=other_learner, post=post)
    assert Follow.objects.filter(post=post, user=other_learner).count() == 1


def test_images_are_checked_by_content_and_size_before_anything_is_stored(
    learner, experience, settings, media_root
):
    post = services.post_create(
        actor=learner, board=experience, title="笔记", body="我的笔记", images=[upload("笔记.png", PNG)]
    )
    assert [(i.content_type, i.size) for i in Image.objects.filter(post=post)] == [("image/png", len(PNG))]

    for files, code in (
        ([upload("a.pdf", made.plain_pdf())], "file_type_not_allowed"),
        ([upload("z.png", PNG + made.zip_archive())], "file_holds_another_format"),
        ([upload(f"{n}.png", PNG) for n in range(5)], "too_many_files"),
    ):
        with pytest.raises(CommunityError) as refused:
            services.post_create(actor=learner, board=experience, title="又一帖", body="内容", images=files)
        assert refused.value.code == code and refused.value.field == "images"
    settings.COMMUNITY_IMAGE_MAX_BYTES = len(PNG) - 1
    with pytest.raises(CommunityError) as refused:
        services.post_create(
            actor=learner, board=experience, title="大图", body="内容", images=[upload("b.png", PNG)]
        )
    assert refused.value.code == "file_too_large"
    assert Post.objects.count() == 1 and Image.objects.count() == 1
    assert len(list(media_root.rglob("*.png"))) == 1


def test_a_report_joins_the_queue_once_and_never_for_ones_own_message(learner, other_learner):
    reply = ReplyFactory(author=learner)
    services.report_create(actor=other_learner, reply=reply, reason="abuse", text="骂人 13812345678")
    with pytest.raises(CommunityError):
        services.report_create(actor=other_learner, reply=reply, reason="spam")
    with pytest.raises(CommunityError):
        services.report_create(actor=learner, reply=reply, reason="spam")
    assert list(selectors.moderation_queue().values_list("reply", flat=True)) == [reply.pk]
    assert "13812345678" not in Report.objects.get().text


def test_hiding_a_reported_reply_removes_it_everywhere_at_once_and_tells_its_author(
    learner, other_learner, moderator
):
    post = PostFactory(title="退费经验", body="退费流程分享")
    reply = ReplyFactory(post=post, author=learner, body="这条回复要被隐藏")
    report = services.report_create(actor=other_learner, reply=reply, reason="abuse")

    services.report_act(actor=moderator, report=report, decision=Decision(kind="hide", reason="含人身攻击"))

    assert not selectors.visible_replies(other_learner).filter(pk=reply.pk).exists()
    assert selectors.thread_read(reader=other_learner, post=post).replies == []
    # Its author reads it, with the reason, on the thread page.
    own = selectors.thread_read(reader=learner, post=post).own_hidden_replies
    assert [(h.reply.pk, h.action.reason) for h in own] == [(reply.pk, "含人身攻击")]
    assert Report.objects.get().state == Report.State.ACTED and not selectors.moderation_queue().exists()
    notice = Notification.objects.get(recipient=learner)
    assert notice.kind == "community_hidden" and notice.context == {"reference": str(post.pk)}


def test_a_hidden_post_is_not_found_right_after_hiding(learner, moderator):
    post = PostFactory(title="关于退费流程的讨论", body="退费流程太慢")
    assert list(selectors.search_posts(learner, "退费流程")) == [post]

    services.moderation_act(actor=moderator, target=post, decision=Decision(kind="hide", reason="重复发帖"))

    assert list(selectors.search_posts(learner, "退费流程")) == []
    assert list(selectors.search_posts(moderator, "退费流程")) == []
    with pytest.raises(Http404):
        selectors.post_get_for_reader(reader=learner, pk=post.pk)


def test_who_is_not_a_moderator_changes_nothing(agent, learner):
    post = PostFactory()
    reply = ReplyFactory(post=post)
    with pytest.raises(CommunityError):
        services.moderation_act(actor=agent, target=post, decision=Decision(kind="hide", reason="x"))
    with pytest.raises(CommunityError):
        services.reply_mark_official(actor=learner, reply=reply)
    post.refresh_from_db()
    reply.refresh_from_db()
    assert not post.is_hidden and not reply.is_official
    assert ModerationAction.objects.count() == 0 and Notification.objects.count() == 0


def test_a_decision_needs_a_reason_and_a_mute_a_period(moderator):
    post = PostFactory()
    for decision, field in (
        (Decision(kind="hide", reason="  "), "reason"),
        (Decision(kind="mute", reason="刷屏", mute_days=None), "days"),
        (Decision(kind="mute", reason="刷屏", mute_days=0), "days"),
    ):
        with pytest.raises(CommunityError) as refused:
            services.moderation_act(actor=moderator, target=post, decision=decision)
        assert refused.value.field == field
    post.refresh_from_db()
    assert not post.is_hidden and ModerationAction.objects.count() == 0


def test_a_moderator_marks_the_official_answer(moderator):
    reply = ReplyFactory()
    services.reply_mark_official(actor=moderator, reply=reply)
    reply.refresh_from_db()
    assert reply.is_official and reply.official_by == moderator


def test_an_upheld_appeal_shows_the_message_again_and_another_moderator_decides_it(
    learner, moderator, second_moderator
):
    post = PostFactory(author=learner)
    action = services.moderation_act(
        actor=moderator, target=post, decision=Decision(kind="hide", reason="广告")
    )
    with pytest.raises(CommunityError):
        services.appeal_file(actor=second_moderator, action=action, text="不是我的")
    appeal = services.appeal_file(actor=learner, action=action, text="这是学习资料分享，不是广告")
    with pytest.raises(CommunityError):
        services.appeal_file(actor=learner, action=action, text="再申诉一次")

    with pytest.raises(CommunityError):
        services.appeal_decide(actor=moderator, appeal=appeal, uphold=True, reason="我自己的决定")
    post.refresh_from_db()
    assert post.is_hidden and Appeal.objects.get().state == Appeal.State.PENDING

    services.appeal_decide(actor=second_moderator, appeal=appeal, uphold=True, reason="确属学习资料")

    post.refresh_from_db()
    assert not post.is_hidden and selectors.post_get_for_reader(reader=learner, pk=post.pk) == post
    assert ModerationAction.objects.get().is_revoked
    assert Notification.objects.filter(recipient=learner, kind="community_appeal_upheld").exists()


def test_an_upheld_appeal_lifts_a_mute_and_a_rejected_one_keeps_it(
    learner, moderator, second_moderator, experience
):
    post = PostFactory(author=learner)
    kept = services.moderation_act(
        actor=moderator, target=post, decision=Decision(kind="mute", reason="刷屏", mute_days=7)
    )
    services.appeal_decide(
        actor=second_moderator,
        appeal=services.appeal_file(actor=learner, action=kept, text="我没有刷屏"),
        uphold=False,
        reason="记录显示一小时内发帖二十条",
    )
    with pytest.raises(AuthorMuted):
        services.post_create(actor=learner, board=experience, title="帖", body="内容")

    lifted = ModerationAction.objects.get()
    ModerationAction.objects.filter(pk=lifted.pk).update(is_revoked=True)
    services.post_create(actor=learner, board=experience, title="帖", body="内容")
    assert Post.objects.filter(author=learner).count() == 2


def test_a_rights_post_drafts_a_complaint_for_its_author_only(learner, other_learner, rights, experience):
    post = services.post_create(
        actor=learner, board=rights, title="退费被拒", body="报名三天后申请退费被拒绝。"
    )

    initial = complaint_draft_initial(user=learner, source="community", key=str(post.pk))

    assert initial["title"] == "退费被拒" and "报名三天后申请退费被拒绝。" in initial["description"]
    with pytest.raises(Http404):
        complaint_draft_initial(user=other_learner, source="community", key=str(post.pk))
    elsewhere = services.post_create(actor=learner, board=experience, title="心得", body="内容")
    with pytest.raises(Http404):
        complaint_draft_initial(user=learner, source="community", key=str(elsewhere.pk))
