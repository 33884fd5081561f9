"""What the community holds about a person, in their data export, and what erasure does to it.

The export carries their posts and replies (hidden ones too: they are the person's), their likes, follows and
reports, and the moderators' decisions about their messages with any appeal. Erasure empties what they wrote
(the thread stays, so the replies of others keep their place, with a marker where the text was), deletes
their pictures, likes and follows, and blanks the texts of their reports and appeals; the decisions stay, as
the moderators' record, naming the anonymised account.
"""

from django.db import transaction

from accounts.models import User
from core.evidence import evidence_discard
from privacy.export import section
from privacy.services import ANONYMISERS

from .models import Appeal, Follow, Image, Like, ModerationAction, Post, Reply, ReplyLike, Report

# Stored in place of an erased person's words, in the site's first language: readers see where a message was.
ERASED_TEXT = "（此内容已应作者要求删除）"


def _when(value) -> str | None:
    return value.isoformat() if value else None


@section("community")
def community_section(user: User) -> dict:
    posts = Post.objects.filter(author=user).select_related("board").order_by("created_at", "id")
    replies = Reply.objects.filter(author=user).order_by("created_at", "id")
    decisions = (
        ModerationAction.objects.filter(subject=user).select_related("appeal").order_by("created_at", "id")
    )
    return {
        "posts": [
            {
                "id": post.pk,
                "board": post.board.slug,
                "title": post.title,
                "text": post.body,
                "posted_at": _when(post.created_at),
                "hidden": post.is_hidden,
            }
            for post in posts
        ],
        "replies": [
            {
                "id": reply.pk,
                "post": reply.post_id,
                "text": reply.body,
                "posted_at": _when(reply.created_at),
                "hidden": reply.is_hidden,
            }
            for reply in replies
        ],
        "liked_posts": list(
            Like.objects.filter(user=user).order_by("post_id").values_list("post_id", flat=True)
        ),
        "liked_replies": list(
            ReplyLike.objects.filter(user=user).order_by("reply_id").values_list("reply_id", flat=True)
        ),
        "followed_posts": list(
            Follow.objects.filter(user=user).order_by("post_id").values_list("post_id", flat=True)
        ),
        "reports": [
            {
                "post": report.post_id,
                "reply": report.reply_id,
                "reason": report.reason,
                "text": report.text,
                "reported_at": _when(report.created_at),
                "state": report.state,
            }
            for report in Report.objects.filter(reporter=user).order_by("created_at", "id")
        ],
        "moderation": [
            {
                "kind": decision.kind,
                "post": decision.post_id,
                "reply": decision.reply_id,
                "reason": decision.reason,
                "muted_until": _when(decision.muted_until),
                "decided_at": _when(decision.created_at),
                "revoked": decision.is_revoked,
                "appeal": _appeal(decision),
            }
            for decision in decisions
        ],
    }


def _appeal(decision: ModerationAction) -> dict | None:
    try:
        appeal = decision.appeal
    except Appeal.DoesNotExist:
        return None
    return {"text": appeal.text, "state": appeal.state, "appealed_at": _when(appeal.created_at)}


def anonymise_community(user: User) -> None:
    """Empty the person's posts and replies, delete their pictures (the files once the erasure commits),
    likes and follows, and blank their reports' and appeals' texts."""
    Post.objects.filter(author=user).update(title=ERASED_TEXT, body=ERASED_TEXT)
    Reply.objects.filter(author=user).update(body=ERASED_TEXT)
    pictures = Image.objects.filter(post__author=user) | Image.objects.filter(reply__author=user)
    names = list(pictures.values_list("file", flat=True))
    Image.objects.filter(pk__in=pictures.values("pk")).delete()
    transaction.on_commit(lambda: evidence_discard(names))
    Like.objects.filter(user=user).delete()
    ReplyLike.objects.filter(user=user).delete()
    Follow.objects.filter(user=user).delete()
    Report.objects.filter(reporter=user).update(text="")
    Appeal.objects.filter(action__subject=user).update(text="")


if anonymise_community not in ANONYMISERS:
    ANONYMISERS.append(anonymise_community)
