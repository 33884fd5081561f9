"""A person's community data: in their export (their own messages, likes, follows, reports and the decisions
about them, nobody else's), and emptied by their erasure while the threads and others' words stay."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import User
from accounts.roles import Role
from accounts.tests.factories import StaffFactory
from community import services
from community.models import (
    Appeal,
    Board,
    Follow,
    Image,
    Like,
    ModerationAction,
    Post,
    Reply,
    ReplyLike,
    Report,
)
from community.personal_data import ERASED_TEXT
from community.services import Decision
from complaints.tests import evidence_files as made
from privacy.export import SECTIONS
from privacy.services import erasure_carry_out, erasure_request_create

from .factories import PostFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(learner, other_learner, moderator):
    """The learner posts (with a picture), replies, likes, follows and reports; a moderator warns them and
    they appeal."""
    post = services.post_create(
        actor=learner,
        board=Board.objects.get(slug="rights"),
        title="退费被拒",
        body="机构不肯退费。",
        images=[SimpleUploadedFile("合同.png", made.png_image())],
    )
    theirs = PostFactory(author=other_learner, title="别人的帖子", body="别人的话")
    reply = services.reply_create(actor=learner, post=theirs, body="我也遇到过")
    others_reply = services.reply_create(actor=other_learner, post=post, body="可以投诉")
    services.post_like(actor=learner, post=theirs)
    services.reply_like(actor=learner, reply=others_reply)
    services.post_follow(actor=learner, post=theirs)
    services.report_create(actor=learner, post=theirs, reason="spam", text="像是广告")
    warning = services.moderation_act(
        actor=moderator, target=reply, decision=Decision(kind="warn", reason="语气")
    )
    services.appeal_file(actor=learner, action=warning, text="我没有恶意")
    return {"post": post, "theirs": theirs, "reply": reply, "others_reply": others_reply}


def test_the_export_holds_the_persons_own_community_data(learner, history):
    exported = SECTIONS["community"](learner)

    assert [(p["title"], p["board"]) for p in exported["posts"]] == [("退费被拒", "rights")]
    assert [(r["text"], r["post"]) for r in exported["replies"]] == [("我也遇到过", history["theirs"].pk)]
    assert exported["liked_posts"] == [history["theirs"].pk]
    assert exported["liked_replies"] == [history["others_reply"].pk]
    assert history["theirs"].pk in exported["followed_posts"]
    assert [(r["reason"], r["text"]) for r in exported["reports"]] == [("spam", "像是广告")]
    [decision] = exported["moderation"]
    assert (decision["kind"], decision["reason"]) == ("warn", "语气")
    assert decision["appeal"]["text"] == "我没有恶意"
    assert "别人的话" not in str(exported) and "可以投诉" not in str(exported)


def test_erasure_empties_the_persons_words_and_keeps_the_threads_and_others(
    learner, other_learner, history, django_capture_on_commit_callbacks
):
    image = Image.objects.get(post=history["post"])
    stored = image.file.storage
    name = image.file.name
    assert stored.exists(name)
    officer = User.objects.get(pk=StaffFactory(roles=[Role.LEGAL]).pk)

    with django_capture_on_commit_callbacks(execute=True):
        erasure_carry_out(request=erasure_request_create(user=learner, reason="不再使用"), actor=officer)

    post = Post.objects.get(pk=history["post"].pk)
    assert (post.title, post.body) == (ERASED_TEXT, ERASED_TEXT)
    assert Reply.objects.get(pk=history["reply"].pk).body == ERASED_TEXT
    assert not Image.objects.exists() and not stored.exists(name)
    assert not Like.objects.filter(user=learner).exists()
    assert not ReplyLike.objects.filter(user=learner).exists()
    assert not Follow.objects.filter(user=learner).exists()
    assert Report.objects.get().text == "" and Appeal.objects.get().text == ""
    assert ModerationAction.objects.get().reason == "语气"  # the moderators' record stays
    # others' words and the threads stay
    assert Reply.objects.get(pk=history["others_reply"].pk).body == "可以投诉"
    theirs = Post.objects.get(pk=history["theirs"].pk)
    assert (theirs.title, theirs.body) == ("别人的帖子", "别人的话")
    assert Reply.objects.get(pk=history["others_reply"].pk).post == post  # the thread keeps its replies
    assert not Post.objects.filter(search_vector=None).exists()
    from community.selectors import search_posts

    assert list(search_posts(other_learner, "退费")) == []  # the erased words are found no more
