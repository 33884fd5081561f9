"""The notice the online customer service sends a learner: their message, left while nobody was on duty, has
been answered (they were not there to see it). Registered in the notifications registry from the app's
ready; the context carries the chat's reference only."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from notifications.kinds import NoticeKindSpec, NoticeTexts, notice_kind_register
from notifications.services import notification_enqueue

from .models import Chat

MESSAGE_ANSWERED = "livechat_message_answered"


def learner_chat_path(context: dict) -> str:
    return f"/chat/{context['reference']}/"


NOTICE_KINDS = (
    NoticeKindSpec(
        name=MESSAGE_ANSWERED,
        texts=NoticeTexts(
            subject=_("Your message %(reference)s has been answered"),
            body=_(
                "You left message %(reference)s with our online customer service while nobody was on "
                "duty. Customer service has answered it."
            ),
            sms=pgettext_lazy("sms", "Customer service has answered your message %(reference)s."),
            title=_("Message %(reference)s answered"),
        ),
        path=learner_chat_path,
        link_label=_("Read the answer here: %(url)s"),
    ),
)


def register() -> None:
    for spec in NOTICE_KINDS:
        notice_kind_register(spec)


def notify_message_answered(chat: Chat) -> None:
    """Tell the chat's learner that the message they left has its first answer (in the caller's
    transaction)."""
    if chat.learner.is_active:
        notification_enqueue(
            recipient=chat.learner, kind=MESSAGE_ANSWERED, context={"reference": chat.reference}
        )
