"""The reads the chat pages, the consoles, the API and the admin share.

One reader rule (``permissions``): a learner reaches only their own chats, staff per their role; a chat
another person asks for does not exist for them (``ChatNotFound``, a 404).
"""

from django.db.models import QuerySet

from accounts.models import User
from privacy import policy

from .errors import ChatNotFound
from .models import OPEN_STATES, Chat, ChatMessage, DutyStatus

TRANSCRIPT_LIMIT = 500


def chats_visible(*, user: User) -> QuerySet[Chat]:
    """The chats the user reaches, newest first, with the people named on them (no query per row)."""
    return policy.visible_to(user=user, queryset=Chat.objects.select_related("learner", "agent"))


def chats_open(*, user: User) -> QuerySet[Chat]:
    """The open chats the user reaches, oldest first: the console's list, the longest wait on top."""
    return chats_visible(user=user).filter(state__in=OPEN_STATES).order_by("created_at", "id")


def chats_own(*, user: User) -> QuerySet[Chat]:
    """The user's own chats (as their learner), newest first."""
    return Chat.objects.filter(learner=user).select_related("agent").order_by("-created_at", "-id")


def chat_get_own(*, user: User, reference: str) -> Chat:
    """Return the user's own chat; raises ChatNotFound for anyone else's."""
    chat = chats_own(user=user).filter(reference=reference).first() if user.is_authenticated else None
    if chat is None:
        raise ChatNotFound()
    return chat


def chat_get_for_user(*, user: User, reference: str, action: str = policy.VIEW) -> Chat:
    """Return the chat if the user reaches it (``action`` CHANGE: may answer it); raises ChatNotFound."""
    queryset = policy.visible_to(
        user=user, queryset=Chat.objects.select_related("learner", "agent"), action=action
    )
    chat = queryset.filter(reference=reference).first()
    if chat is None:
        raise ChatNotFound()
    return chat


def chat_messages(*, chat: Chat, limit: int = TRANSCRIPT_LIMIT) -> list[ChatMessage]:
    """The chat's last ``limit`` messages in the order they were sent, with their authors: one query."""
    newest = list(
        ChatMessage.objects.filter(chat=chat).select_related("author").order_by("-created_at", "-id")[:limit]
    )
    newest.reverse()
    return newest


def anyone_on_duty() -> bool:
    """Whether an active member of staff who answers chats is on duty now."""
    return DutyStatus.objects.filter(on_duty=True, staff__is_active=True).exists()


def duty_of(*, staff: User) -> bool:
    return DutyStatus.objects.filter(staff=staff, on_duty=True).exists()
