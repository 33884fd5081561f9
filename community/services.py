"""Every change in the community: posting and replying (screened first), likes, follows, reports, official
answers, moderation decisions and appeals, and the sensitive-word list.

Each service runs in one transaction, checks who may act, and raises a ``CommunityError`` that changes
nothing when it refuses. Notices go through the outbox in the same transaction, so a refused change tells
nobody anything.
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.files import File
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.evidence import CheckedFile, evidence_check, evidence_transaction, evidence_write

from . import notices
from .errors import (
    AuthorMuted,
    CommunityConflict,
    CommunityNotAllowed,
    CommunityRuleViolation,
    InvalidImage,
    PostingLimitReached,
    SensitiveWordFound,
)
from .models import (
    APPEAL_TEXT_MAX_LENGTH,
    BODY_MAX_LENGTH,
    REASON_MAX_LENGTH,
    REPORT_TEXT_MAX_LENGTH,
    TITLE_MAX_LENGTH,
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
    SensitiveWord,
)
from .permissions import may_moderate_community, may_take_part
from .screening import personal_data_mask, sensitive_word_found, sensitive_words_forget

MAX_IMAGES = 4
PICTURE_TYPES = frozenset({"image/jpeg", "image/png"})
MAX_MUTE_DAYS = 365


def _require_participant(actor: User) -> None:
    if not may_take_part(actor):
        raise CommunityNotAllowed


def _require_moderator(actor: User) -> None:
    if not may_moderate_community(actor):
        raise CommunityNotAllowed(_("Only the community's moderators may do this."))


def images_check(files: Sequence[File]) -> list[CheckedFile]:
    """Check pictures by their content before anything is stored: at most four JPEG or PNG images, each no
    larger than ``COMMUNITY_IMAGE_MAX_BYTES``. Raises InvalidImage; writes nothing."""
    checked = evidence_check(
        files=files,
        limit=MAX_IMAGES,
        too_many=_("A post or reply carries at most %(count)d images.") % {"count": MAX_IMAGES},
        refusal=InvalidImage,
    )
    limit = settings.COMMUNITY_IMAGE_MAX_BYTES
    for item in checked:
        if item.content_type not in PICTURE_TYPES:
            raise InvalidImage(
                _("“%(name)s” is not a JPEG or PNG image.") % {"name": item.original_name},
                code="file_type_not_allowed",
            )
        if item.size > limit:
            raise InvalidImage(
                _("“%(name)s” is larger than %(megabytes)s MB.")
                % {"name": item.original_name, "megabytes": f"{limit / (1024 * 1024):g}"},
                code="file_too_large",
            )
    return checked


def mute_active(*, user: User, now: datetime.datetime | None = None) -> ModerationAction | None:
    """The mute that keeps the user from posting now (the one that ends last), or None."""
    return (
        ModerationAction.objects.filter(
            subject=user,
            kind=ModerationAction.Kind.MUTE,
            is_revoked=False,
            muted_until__gt=now or timezone.now(),
        )
        .order_by("-muted_until")
        .first()
    )


def _require_may_post(actor: User, now: datetime.datetime) -> None:
    """Refuse a muted author (saying until when) and one past the hourly limit. Locks the author's row, so
    two posts sent at once are counted one after the other."""
    User.objects.select_for_update().filter(pk=actor.pk).first()
    mute = mute_active(user=actor, now=now)
    if mute is not None:
        raise AuthorMuted(
            _("A moderator muted you: you cannot post or reply until %(until)s.")
            % {"until": f"{timezone.localtime(mute.muted_until):%Y-%m-%d %H:%M}"}
        )
    since = now - datetime.timedelta(hours=1)
    sent = (
        Post.objects.filter(author=actor, created_at__gt=since).count()
        + Reply.objects.filter(author=actor, created_at__gt=since).count()
    )
    limit = settings.COMMUNITY_POSTS_PER_HOUR
    if sent >= limit:
        raise PostingLimitReached(
            _(
                "You have posted %(count)d times in the last hour, the most the community allows. "
                "Nothing was posted; please try again later."
            )
            % {"count": limit}
        )


def _screened(text: str, *, field: str) -> str:
    """The text with its personal data masked; refused (naming the word, storing nothing) if it holds a
    sensitive word."""
    masked = personal_data_mask(text)
    word = sensitive_word_found(masked)
    if word is not None:
        raise SensitiveWordFound(
            _(
                "“%(word)s” is not allowed in the community. Nothing was posted: change the text and "
                "send it again."
            )
            % {"word": word},
            field=field,
        )
    return masked


def _text_required(text: str, *, field: str, max_length: int) -> str:
    text = (text or "").strip()
    if not text:
        raise CommunityRuleViolation(_("This field is required."), code="required", field=field)
    if len(text) > max_length:
        raise CommunityRuleViolation(
            _("At most %(count)d characters, please.") % {"count": max_length}, code="too_long", field=field
        )
    return text


def _images_record(checked, stored_names, **target) -> None:
    names = evidence_write(checked=checked, stored_names=stored_names, folder="community")
    Image.objects.bulk_create(
        Image(
            file=name,
            original_name=item.original_name,
            content_type=item.content_type,
            size=item.size,
            sha256=item.sha256,
            **target,
        )
        for item, name in zip(checked, names, strict=True)
    )


def post_create(*, actor: User, board: Board, title: str, body: str, images: Sequence[File] = ()) -> Post:
    """Post a new thread on a board; its author follows it.

    The title and text are screened first: personal data masked before anything is stored, a sensitive word
    refused. Refuses a muted author (until when), one past ``COMMUNITY_POSTS_PER_HOUR`` and images the rules
    refuse; nothing is stored then.
    """
    _require_participant(actor)
    title = _screened(_text_required(title, field="title", max_length=TITLE_MAX_LENGTH), field="title")
    body = _screened(_text_required(body, field="body", max_length=BODY_MAX_LENGTH), field="body")
    checked = images_check(images)
    with evidence_transaction() as stored_names:
        now = timezone.now()
        _require_may_post(actor, now)
        post = Post.objects.create(
            board=board, author=actor, title=title, body=body, created_at=now, last_activity_at=now
        )
        if checked:
            _images_record(checked, stored_names, post=post)
        Follow.objects.create(post=post, user=actor, created_at=now)
    return post


def reply_create(*, actor: User, post: Post, body: str, images: Sequence[File] = ()) -> Reply:
    """Reply in a thread the actor may see; the thread's followers (but the replier) get an in-app notice.

    Screened and refused as ``post_create``; a hidden thread takes no reply.
    """
    _require_participant(actor)
    body = _screened(_text_required(body, field="body", max_length=BODY_MAX_LENGTH), field="body")
    checked = images_check(images)
    with evidence_transaction() as stored_names:
        now = timezone.now()
        _require_may_post(actor, now)
        locked = Post.objects.select_for_update().get(pk=post.pk)
        if locked.is_hidden:
            raise CommunityConflict(_("This thread was hidden by a moderator and takes no replies."))
        reply = Reply.objects.create(post=locked, author=actor, body=body, created_at=now)
        if checked:
            _images_record(checked, stored_names, reply=reply)
        Post.objects.filter(pk=locked.pk).update(last_activity_at=now)
        followers = list(
            Follow.objects.filter(post=locked)
            .exclude(user=actor)
            .order_by("user_id")
            .values_list("user_id", flat=True)
        )
        if followers:
            notices.notify_followers(post_id=locked.pk, board_slug=locked.board.slug, follower_ids=followers)
    return reply


def post_like(*, actor: User, post: Post) -> bool:
    """Like a post (once: liking again changes nothing). Returns whether a like was added."""
    _require_participant(actor)
    with transaction.atomic():
        _like, created = Like.objects.get_or_create(post=post, user=actor)
    return created


def post_unlike(*, actor: User, post: Post) -> bool:
    """Take back the actor's like; returns whether there was one."""
    _require_participant(actor)
    with transaction.atomic():
        deleted, _rows = Like.objects.filter(post=post, user=actor).delete()
    return bool(deleted)


def reply_like(*, actor: User, reply: Reply) -> bool:
    """Like a reply (once: liking again changes nothing). Returns whether a like was added."""
    _require_participant(actor)
    with transaction.atomic():
        _like, created = ReplyLike.objects.get_or_create(reply=reply, user=actor)
    return created


def reply_unlike(*, actor: User, reply: Reply) -> bool:
    """Take back the actor's like of a reply; returns whether there was one."""
    _require_participant(actor)
    with transaction.atomic():
        deleted, _rows = ReplyLike.objects.filter(reply=reply, user=actor).delete()
    return bool(deleted)


def post_follow(*, actor: User, post: Post) -> bool:
    """Follow a thread (once); returns whether a follow was added."""
    _require_participant(actor)
    with transaction.atomic():
        _follow, created = Follow.objects.get_or_create(post=post, user=actor)
    return created


def post_unfollow(*, actor: User, post: Post) -> bool:
    """Stop following a thread; returns whether the actor followed it."""
    _require_participant(actor)
    with transaction.atomic():
        deleted, _rows = Follow.objects.filter(post=post, user=actor).delete()
    return bool(deleted)


def report_create(
    *, actor: User, reason: str, text: str = "", post: Post | None = None, reply: Reply | None = None
) -> Report:
    """Report a post or a reply to the moderators: it joins their queue. One open report per person and
    message; one's own messages are not reported."""
    _require_participant(actor)
    if (post is None) == (reply is None):
        raise ValueError("Report either a post or a reply.")
    if reason not in Report.Reason.values:
        raise CommunityRuleViolation(_("Choose a reason."), code="invalid_reason", field="reason")
    text = (text or "").strip()
    if len(text) > REPORT_TEXT_MAX_LENGTH:
        raise CommunityRuleViolation(
            _("At most %(count)d characters, please.") % {"count": REPORT_TEXT_MAX_LENGTH},
            code="too_long",
            field="text",
        )
    target = post or reply
    if target.author_id == actor.pk:
        raise CommunityRuleViolation(_("You cannot report your own message."), code="own_message")
    try:
        with transaction.atomic():
            return Report.objects.create(
                reporter=actor, post=post, reply=reply, reason=reason, text=personal_data_mask(text)
            )
    except IntegrityError:
        raise CommunityConflict(
            _("You have already reported this; the moderators will look at it."), code="already_reported"
        ) from None


def reply_mark_official(*, actor: User, reply: Reply, official: bool = True) -> Reply:
    """Mark a reply as the thread's official answer (or take the mark back): moderators only."""
    _require_moderator(actor)
    with transaction.atomic():
        locked = Reply.objects.select_for_update().get(pk=reply.pk)
        if locked.is_hidden:
            raise CommunityConflict(_("A hidden reply cannot be the official answer."))
        locked.is_official = official
        locked.official_by = actor if official else None
        locked.save(update_fields=["is_official", "official_by"])
    return locked


@dataclass(frozen=True)
class Decision:
    """A moderator's decision about a message: what, why, and for a mute how many days."""

    kind: str
    reason: str
    mute_days: int | None = None


_NOTICE_OF = {
    ModerationAction.Kind.HIDE: notices.NoticeKind.HIDDEN,
    ModerationAction.Kind.RESTORE: notices.NoticeKind.RESTORED,
    ModerationAction.Kind.WARN: notices.NoticeKind.WARNED,
    ModerationAction.Kind.MUTE: notices.NoticeKind.MUTED,
}


def _locked_target(target: Post | Reply) -> Post | Reply:
    return type(target).objects.select_for_update().get(pk=target.pk)


def moderation_act(
    *, actor: User, target: Post | Reply, decision: Decision, report: Report | None = None
) -> ModerationAction:
    """Hide, restore, warn about or mute the author of a post or reply, with a reason the author reads.

    Requires a moderator and a reason; hiding a hidden message or restoring a shown one is a conflict. A
    hidden message leaves every list, page, API answer and search at once. Closes the message's open reports
    as acted on, and tells the author (an in-app notice; the reason is on their moderation page).
    """
    _require_moderator(actor)
    kind = decision.kind
    if kind not in ModerationAction.Kind.values:
        raise CommunityRuleViolation(_("Choose what to do."), code="invalid_kind", field="kind")
    reason = (decision.reason or "").strip()
    if not reason:
        raise CommunityRuleViolation(
            _("Give the reason the author will read."), code="required", field="reason"
        )
    if len(reason) > REASON_MAX_LENGTH:
        raise CommunityRuleViolation(
            _("At most %(count)d characters, please.") % {"count": REASON_MAX_LENGTH},
            code="too_long",
            field="reason",
        )
    muted_until = None
    now = timezone.now()
    if kind == ModerationAction.Kind.MUTE:
        days = decision.mute_days
        if days is None or not 1 <= days <= MAX_MUTE_DAYS:
            raise CommunityRuleViolation(
                _("Mute for 1 to %(days)d days.") % {"days": MAX_MUTE_DAYS}, code="invalid_days", field="days"
            )
        muted_until = now + datetime.timedelta(days=days)
    with transaction.atomic():
        locked = _locked_target(target)
        if locked.author_id == actor.pk:
            raise CommunityNotAllowed(_("A moderator does not decide about their own message."))
        if kind == ModerationAction.Kind.HIDE:
            if locked.is_hidden:
                raise CommunityConflict(_("This message is already hidden."))
            _hidden_set(locked, True)
        elif kind == ModerationAction.Kind.RESTORE:
            if not locked.is_hidden:
                raise CommunityConflict(_("This message is not hidden."))
            _hidden_set(locked, False)
        is_post = isinstance(locked, Post)
        action = ModerationAction.objects.create(
            kind=kind,
            subject_id=locked.author_id,
            post=locked if is_post else None,
            reply=None if is_post else locked,
            report=report,
            reason=reason,
            muted_until=muted_until,
            moderator=actor,
            created_at=now,
        )
        reports = Report.objects.filter(
            state=Report.State.OPEN, **({"post": locked} if is_post else {"reply": locked})
        )
        reports.update(state=Report.State.ACTED, handled_by=actor, handled_at=now)
        notices.notify_author(
            author=locked.author,
            kind=_NOTICE_OF[kind],
            post_id=locked.pk if is_post else locked.post_id,
            muted_until=muted_until,
        )
    return action


def _hidden_set(target: Post | Reply, hidden: bool) -> None:
    target.is_hidden = hidden
    update = ["is_hidden"]
    if hidden and isinstance(target, Reply) and target.is_official:
        target.is_official, target.official_by = False, None
        update += ["is_official", "official_by"]
    target.save(update_fields=update)


def report_dismiss(*, actor: User, report: Report) -> Report:
    """Close an open report without acting on the message (moderators only)."""
    _require_moderator(actor)
    with transaction.atomic():
        locked = Report.objects.select_for_update().get(pk=report.pk)
        if locked.state != Report.State.OPEN:
            raise CommunityConflict(_("This report has already been handled."))
        locked.state = Report.State.DISMISSED
        locked.handled_by, locked.handled_at = actor, timezone.now()
        locked.save(update_fields=["state", "handled_by", "handled_at"])
    return locked


def report_act(*, actor: User, report: Report, decision: Decision) -> ModerationAction:
    """Act on the message an open report names (``moderation_act``), closing the report."""
    _require_moderator(actor)
    with transaction.atomic():
        locked = Report.objects.select_for_update().get(pk=report.pk)
        if locked.state != Report.State.OPEN and decision.kind != ModerationAction.Kind.RESTORE:
            raise CommunityConflict(_("This report has already been handled."))
        # Closes this report, and every other open one about the same message.
        return moderation_act(actor=actor, target=locked.target, decision=decision, report=locked)


def appeal_file(*, actor: User, action: ModerationAction, text: str) -> Appeal:
    """Appeal a decision about one's own message (once per decision); a moderator decides it."""
    _require_participant(actor)
    if action.subject_id != actor.pk:
        raise CommunityNotAllowed(_("You may appeal only decisions about your own messages."))
    if not action.is_appealable:
        raise CommunityConflict(_("This decision cannot be appealed."))
    text = _text_required(text, field="text", max_length=APPEAL_TEXT_MAX_LENGTH)
    try:
        with transaction.atomic():
            return Appeal.objects.create(action=action, text=personal_data_mask(text))
    except IntegrityError:
        raise CommunityConflict(
            _("You have already appealed this decision."), code="already_appealed"
        ) from None


def appeal_decide(*, actor: User, appeal: Appeal, uphold: bool, reason: str) -> Appeal:
    """Decide a pending appeal with a reason the author reads. Upholding undoes the action: a hidden message
    is shown again, a mute or a warning no longer counts. A moderator does not decide an appeal against
    their own decision."""
    _require_moderator(actor)
    reason = (reason or "").strip()
    if not reason:
        raise CommunityRuleViolation(
            _("Give the reason the author will read."), code="required", field="reason"
        )
    if len(reason) > REASON_MAX_LENGTH:
        raise CommunityRuleViolation(
            _("At most %(count)d characters, please.") % {"count": REASON_MAX_LENGTH},
            code="too_long",
            field="reason",
        )
    with transaction.atomic():
        locked = Appeal.objects.select_for_update().select_related("action").get(pk=appeal.pk)
        if locked.state != Appeal.State.PENDING:
            raise CommunityConflict(_("This appeal has already been decided."))
        action = locked.action
        if action.moderator_id == actor.pk:
            raise CommunityNotAllowed(_("Another moderator decides an appeal against your own decision."))
        if uphold:
            if action.kind == ModerationAction.Kind.HIDE:
                target = _locked_target(action.target)
                if target.is_hidden:
                    _hidden_set(target, False)
            ModerationAction.objects.filter(pk=action.pk).update(is_revoked=True)
        locked.state = Appeal.State.UPHELD if uphold else Appeal.State.REJECTED
        locked.decided_by, locked.decided_at, locked.decision_reason = actor, timezone.now(), reason
        locked.save(update_fields=["state", "decided_by", "decided_at", "decision_reason"])
        notices.notify_author(
            author=action.subject,
            kind=notices.NoticeKind.APPEAL_UPHELD if uphold else notices.NoticeKind.APPEAL_REJECTED,
            post_id=action.post_id if action.post_id is not None else action.reply.post_id,
        )
    return locked


def sensitive_word_save(*, actor: User, word: SensitiveWord) -> SensitiveWord:
    """Add or change a sensitive word (moderators only); the cached list is dropped when it commits."""
    _require_moderator(actor)
    word.word = (word.word or "").strip()
    if not word.word:
        raise CommunityRuleViolation(_("This field is required."), code="required", field="word")
    with transaction.atomic():
        word.save()
        sensitive_words_forget()
    return word


def sensitive_word_delete(*, actor: User, word: SensitiveWord) -> None:
    """Remove a sensitive word (moderators only); the cached list is dropped when it commits."""
    _require_moderator(actor)
    with transaction.atomic():
        word.delete()
        sensitive_words_forget()
