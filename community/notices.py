"""The notices the community sends: a new reply to a thread's followers, and each moderation decision to the
author concerned. In-app only: a forum is no reason for an e-mail or a text message.

Contexts carry the post's number (``reference``), its board's slug (``target``) and, for a mute, its end
(``due_at``); never a name or a text. The reason of a decision is on the author's moderation page.
"""

import datetime
from enum import StrEnum

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import User
from notifications.kinds import NoticeKindSpec, NoticeTexts, notice_kind_register
from notifications.models import Notification
from notifications.services import NoticeRequest, notification_enqueue, notifications_enqueue_bulk

IN_APP = (Notification.Channel.IN_APP,)
MODERATION_PAGE = "/community/my/moderation/"


class NoticeKind(StrEnum):
    REPLY = "community_reply"
    HIDDEN = "community_hidden"
    RESTORED = "community_restored"
    WARNED = "community_warned"
    MUTED = "community_muted"
    APPEAL_UPHELD = "community_appeal_upheld"
    APPEAL_REJECTED = "community_appeal_rejected"


def thread_path(context: dict) -> str:
    return f"/community/{context['target']}/{context['reference']}/"


def _moderation_path(context: dict) -> str:
    return MODERATION_PAGE


def _mute_values(context: dict) -> dict:
    until = datetime.datetime.fromisoformat(context["due_at"])
    return {**context, "until": f"{timezone.localtime(until):%Y-%m-%d %H:%M}"}


def _texts(subject, body, sms, title) -> NoticeTexts:
    return NoticeTexts(subject=subject, body=body, sms=sms, title=title)


NOTICE_KINDS = (
    NoticeKindSpec(
        name=NoticeKind.REPLY,
        texts=_texts(
            _("A new reply in a thread you follow"),
            _("Someone replied in a community thread you follow (post %(reference)s)."),
            pgettext_lazy("sms", "A new reply in a community thread you follow."),
            _("New reply in a thread you follow"),
        ),
        path=thread_path,
        required_context=frozenset({"reference", "target"}),
        link_label=_("Read the thread here: %(url)s"),
    ),
    NoticeKindSpec(
        name=NoticeKind.HIDDEN,
        texts=_texts(
            _("A moderator hid your community message"),
            _(
                "A moderator hid your message in the community thread %(reference)s. The reason is on your "
                "moderation page, where you can appeal."
            ),
            pgettext_lazy("sms", "A moderator hid your community message; see the reason online."),
            _("Your community message was hidden"),
        ),
        path=_moderation_path,
        link_label=_("Read the reason and appeal here: %(url)s"),
    ),
    NoticeKindSpec(
        name=NoticeKind.RESTORED,
        texts=_texts(
            _("Your community message is shown again"),
            _("A moderator restored your message in the community thread %(reference)s."),
            pgettext_lazy("sms", "Your community message is shown again."),
            _("Your community message was restored"),
        ),
        path=_moderation_path,
        link_label=_("See your moderation page: %(url)s"),
    ),
    NoticeKindSpec(
        name=NoticeKind.WARNED,
        texts=_texts(
            _("A warning from the community moderators"),
            _(
                "A moderator warned you about your message in the community thread %(reference)s. The "
                "reason is on your moderation page, where you can appeal."
            ),
            pgettext_lazy("sms", "A warning from the community moderators; see the reason online."),
            _("A warning from the moderators"),
        ),
        path=_moderation_path,
        link_label=_("Read the reason and appeal here: %(url)s"),
    ),
    NoticeKindSpec(
        name=NoticeKind.MUTED,
        texts=_texts(
            _("You cannot post in the community until %(until)s"),
            _(
                "Because of your message in the community thread %(reference)s, a moderator muted you: you "
                "cannot post or reply until %(until)s. The reason is on your moderation page, where you "
                "can appeal."
            ),
            pgettext_lazy("sms", "You cannot post in the community until %(until)s."),
            _("Muted until %(until)s"),
        ),
        path=_moderation_path,
        required_context=frozenset({"reference", "due_at"}),
        values=_mute_values,
        link_label=_("Read the reason and appeal here: %(url)s"),
    ),
    NoticeKindSpec(
        name=NoticeKind.APPEAL_UPHELD,
        texts=_texts(
            _("Your community appeal was upheld"),
            _("Your appeal about the community thread %(reference)s was upheld: the action was undone."),
            pgettext_lazy("sms", "Your community appeal was upheld."),
            _("Appeal upheld"),
        ),
        path=_moderation_path,
        link_label=_("See the decision here: %(url)s"),
    ),
    NoticeKindSpec(
        name=NoticeKind.APPEAL_REJECTED,
        texts=_texts(
            _("Your community appeal was rejected"),
            _(
                "Your appeal about the community thread %(reference)s was rejected: the action stands. The "
                "reason is on your moderation page."
            ),
            pgettext_lazy("sms", "Your community appeal was rejected; see the reason online."),
            _("Appeal rejected"),
        ),
        path=_moderation_path,
        link_label=_("See the decision here: %(url)s"),
    ),
)


def register() -> None:
    for spec in NOTICE_KINDS:
        notice_kind_register(spec)


def notify_followers(*, post_id: int, board_slug: str, follower_ids: list[int]) -> None:
    """Tell each follower (in one statement) that a reply landed in the thread."""
    context = {"reference": str(post_id), "target": board_slug}
    notifications_enqueue_bulk(
        notices=[
            NoticeRequest(recipient_id=pk, kind=NoticeKind.REPLY, context=context) for pk in follower_ids
        ],
        channels=IN_APP,
    )


def notify_author(*, author: User, kind: NoticeKind, post_id: int, muted_until=None) -> None:
    """Tell the author concerned about a moderation decision."""
    if not author.is_active:
        return
    context: dict = {"reference": str(post_id)}
    if muted_until is not None:
        context["due_at"] = muted_until.isoformat()
    notification_enqueue(recipient=author, kind=kind, context=context, channels=IN_APP)
