"""Every change of a chat: opening it, its messages, taking and ending it, and staff going on or off duty.

Each service is keyword-only, checks who acts and the chat's state under a row lock, and writes in one
transaction; the chat's SLA clocks (only for a chat left as a message, ``clocks``) follow in the same one.
"""

import datetime

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.references import reference_allocate

from .clocks import chat_clocks_sync
from .errors import ChatClosed, ChatNotAllowed, ChatNotFound, MessageEmpty, MessageTooLong
from .models import MAX_MESSAGE_LENGTH, REFERENCE_PREFIX, Chat, ChatMessage, DutyStatus, State
from .notices import notify_message_answered
from .permissions import may_answer_chats, may_open_chat
from .selectors import anyone_on_duty

MAX_OPENED_FROM = 200


def message_body_check(body: object) -> str:
    """Return the message's text, trimmed; raises MessageEmpty or MessageTooLong (also for a non-string)."""
    if not isinstance(body, str):
        raise MessageEmpty(field="body")
    text = body.strip()
    if not text:
        raise MessageEmpty(field="body")
    if len(text) > MAX_MESSAGE_LENGTH:
        raise MessageTooLong(field="body")
    if "\x00" in text:
        raise MessageEmpty(_("A message cannot hold a NUL character."), code="invalid_message", field="body")
    return text


def _opened_from(path: str) -> str:
    # Only a path of this site is kept: never another site's address, never a query string.
    path = (path or "").split("?", 1)[0]
    if not path.startswith("/") or path.startswith("//") or "\x00" in path:
        return ""
    return path[:MAX_OPENED_FROM]


def chat_open(*, actor: User, opened_from: str = "", first_message: str = "") -> Chat:
    """Open a chat for the actor, a learner or parent.

    When a member of staff is on duty the chat waits for them; when nobody is, it becomes a message (留言)
    and its clocks start on the shared SLA engine (a reply within the target). Raises ChatNotAllowed for
    anyone else, MessageEmpty or MessageTooLong for a bad first message, and then writes nothing.
    """
    if not may_open_chat(actor):
        raise ChatNotAllowed(_("Chats are opened by learners and parents."))
    text = message_body_check(first_message) if first_message else ""
    with transaction.atomic():
        on_duty = anyone_on_duty()
        now = timezone.now()
        chat = Chat.objects.create(
            reference=reference_allocate(prefix=REFERENCE_PREFIX),
            learner=actor,
            state=State.WAITING if on_duty else State.MESSAGE,
            left_as_message=not on_duty,
            opened_from=_opened_from(opened_from),
            created_at=now,
        )
        if text:
            ChatMessage.objects.create(chat=chat, author=actor, from_staff=False, body=text, created_at=now)
        if chat.left_as_message:
            chat_clocks_sync(chat=chat)
    return chat


def _locked(chat: Chat) -> Chat:
    return Chat.objects.select_for_update(of=("self",)).select_related("learner", "agent").get(pk=chat.pk)


def chat_message_post(*, chat: Chat, actor: User, body: object) -> ChatMessage:
    """Add the actor's message to the chat: its learner, or a member of staff who answers chats.

    A staff member's first message takes a chat nobody has taken yet and meets its reply target. Raises
    MessageEmpty or MessageTooLong for bad text, ChatNotAllowed for anyone else, ChatClosed for an ended
    chat, and then writes nothing.
    """
    text = message_body_check(body)
    with transaction.atomic():
        chat = _locked(chat)
        from_staff = chat.learner_id != actor.pk
        if from_staff and not may_answer_chats(actor):
            raise ChatNotAllowed()
        if not chat.is_open:
            raise ChatClosed()
        now = timezone.now()
        message = ChatMessage.objects.create(
            chat=chat, author=actor, from_staff=from_staff, body=text, created_at=now
        )
        if from_staff:
            changed = _take(chat, actor, now)
            if chat.first_reply_at is None:
                chat.first_reply_at = now
                changed.append("first_reply_at")
                if chat.left_as_message:
                    notify_message_answered(chat)
            if changed:
                chat.save(update_fields=changed)
                if chat.left_as_message:
                    chat_clocks_sync(chat=chat)
    message.chat = chat
    return message


# A learner's message to their own open chat, checked and stored in one statement: the learner is active and
# the chat theirs and open, and the chat's row is share-locked, so an ending that commits first refuses it.
_LEARNER_MESSAGE_SQL = """
INSERT INTO livechat_chatmessage (chat_id, author_id, from_staff, body, created_at)
SELECT chat.id, person.id, false, %(body)s, %(now)s
FROM livechat_chat AS chat
JOIN accounts_user AS person ON person.id = chat.learner_id
WHERE chat.reference = %(reference)s AND person.id = %(author)s AND person.is_active
    AND chat.state <> 'closed'
FOR SHARE OF chat
RETURNING id, chat_id
"""


def chat_learner_message_post(*, reference: str, actor: User, body: object) -> ChatMessage:
    """Add the learner's message to their own open chat: the path of most messages, in one statement.

    Raises MessageEmpty or MessageTooLong for bad text, ChatNotFound for a chat that is not the actor's (or
    an actor no longer active), ChatClosed for an ended chat, and then writes nothing. A learner's message
    changes nothing else of the chat (no clock moves), so nothing more is written.
    """
    text = message_body_check(body)
    now = timezone.now()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            _LEARNER_MESSAGE_SQL, {"body": text, "now": now, "reference": reference, "author": actor.pk}
        )
        row = cursor.fetchone()
    if row is None:
        owned = Chat.objects.filter(reference=reference, learner_id=actor.pk, learner__is_active=True)
        raise ChatClosed() if owned.exists() else ChatNotFound()
    message_id, chat_id = row
    return ChatMessage(
        pk=message_id, chat_id=chat_id, author=actor, from_staff=False, body=text, created_at=now
    )


def _take(chat: Chat, actor: User, now) -> list[str]:
    if chat.agent_id is not None:
        return []
    chat.agent = actor
    chat.assigned_at = now
    chat.state = State.ACTIVE
    return ["agent", "assigned_at", "state"]


def chat_take(*, chat: Chat, actor: User) -> Chat:
    """Take the chat on (首问负责: its first agent keeps it). Raises ChatNotAllowed or ChatClosed."""
    if not may_answer_chats(actor):
        raise ChatNotAllowed()
    with transaction.atomic():
        chat = _locked(chat)
        if not chat.is_open:
            raise ChatClosed()
        changed = _take(chat, actor, timezone.now())
        if changed:
            chat.save(update_fields=changed)
            if chat.left_as_message:
                chat_clocks_sync(chat=chat)
    return chat


def chat_close(*, chat: Chat, actor: User) -> Chat:
    """End the chat: its learner or a member of staff who answers chats. Ending an ended chat changes nothing.

    Raises ChatNotAllowed for anyone else. Stops the chat's clocks.
    """
    with transaction.atomic():
        chat = _locked(chat)
        if chat.learner_id != actor.pk and not may_answer_chats(actor):
            raise ChatNotAllowed()
        if not chat.is_open:
            return chat
        chat.state = State.CLOSED
        chat.closed_at = timezone.now()
        chat.save(update_fields=["state", "closed_at"])
        if chat.left_as_message:
            chat_clocks_sync(chat=chat)
    return chat


def chat_transcripts_purge(*, now: datetime.datetime | None = None) -> int:
    """Delete the messages of chats that ended more than the retention period ago; return how many.

    The chats stay (reference, times, what they became) without their text. One statement per call.
    """
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.LIVECHAT_TRANSCRIPT_RETENTION_DAYS)
    deleted, _kinds = ChatMessage.objects.filter(
        chat__state=State.CLOSED, chat__closed_at__lt=cutoff
    ).delete()
    return deleted


def duty_set(*, actor: User, on_duty: bool) -> DutyStatus:
    """Put the actor on duty (new chats wait for them) or off it. Raises ChatNotAllowed for anyone who does
    not answer chats."""
    if not may_answer_chats(actor):
        raise ChatNotAllowed()
    with transaction.atomic():
        status, _created = DutyStatus.objects.select_for_update().get_or_create(staff=actor)
        if status.on_duty != on_duty:
            status.on_duty = on_duty
            status.changed_at = timezone.now()
            status.save(update_fields=["on_duty", "changed_at"])
    return status
