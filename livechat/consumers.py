"""The WebSocket ends of a chat: the learner's chat page and the staff's console.

Both are authenticated from the site's session (``channels.auth``), behind the origin check of
``config.asgi``; a member of staff must also have passed the second factor in that session. Access is checked
on connecting and again on every frame (``selectors.chat_get_for_user``): a chat taken out of someone's reach
stops reaching them at the next frame, not at the next connection.

Frames are JSON objects. The client sends ``{"type": "message", "body": "…"}`` (the console names the chat:
``"chat": "KF-…"``; it also sends ``join``, ``leave``, ``take``, ``close`` and ``duty``). The server sends
``message`` frames to every connection of the chat, in the order the messages were stored, and an ``error``
frame (``code``, ``message``) to the sender alone for a frame it refuses; a refused frame stores nothing.
"""

import json
import logging
from collections.abc import Awaitable, Callable

from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from channels.layers import get_channel_layer
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.models import Device
from redis.exceptions import RedisError

from accounts.models import User
from core.errors import DomainError
from privacy import policy
from privacy.models import AccessLogEntry
from privacy.services import access_log_record

from . import services
from .errors import ChatNotFound
from .models import Chat, ChatMessage
from .permissions import is_chat_staff, may_answer_chats
from .selectors import chat_get_for_user, chat_get_own, chat_messages

logger = logging.getLogger(__name__)

# A frame larger than this is refused before it is parsed: a message holds at most 2,000 characters.
MAX_FRAME_CHARS = 8_000
CONSOLE_GROUP = "livechat.console"
# WebSocket close codes of the private range: the browser's page says what they mean.
CLOSE_NOT_SIGNED_IN = 4401
CLOSE_NOT_FOUND = 4404


def in_thread_pool(function):
    """Run the function's database work in the thread pool, many at once (channels' default runs every
    connection's database work of a process one after the other, in one thread: a message then waits for every
    other connection's commit; bench/README.md has the figures). Each connection handles its own frames in
    order, and a chat's row lock orders two writers of one chat."""
    return database_sync_to_async(function, thread_sensitive=False)


def chat_group(chat: Chat | str) -> str:
    reference = chat if isinstance(chat, str) else chat.reference
    return f"livechat.chat.{reference}"


def message_frame(message: ChatMessage, reference: str) -> dict:
    return {
        "type": "message",
        "chat": reference,
        "id": message.pk,
        "author": message.author.display_name,
        "from_staff": message.from_staff,
        "body": message.body,
        "sent_at": message.created_at.isoformat(),
    }


async def message_broadcast(layer, message: ChatMessage, reference: str) -> None:
    """Send a stored message to every connection of its chat, and tell the consoles the chat moved: the
    consumers and the API (a message sent without a WebSocket) both send it this way."""
    frame = message_frame(message, reference)
    await layer.group_send(chat_group(reference), {"type": "chat.message", "frame": frame})
    await layer.group_send(
        CONSOLE_GROUP, {"type": "chat.activity", "chat": reference, "from_staff": message.from_staff}
    )


def _tell(send: Callable[[], Awaitable[None]], what: str) -> None:
    """Run a group send from a page or the API. What is stored is stored: if Redis does not answer, the
    connections miss this frame (a console lists the chat at its next load, a learner's page shows the
    message when it is opened again) and the request still succeeds; the log says what was missed."""
    try:
        async_to_sync(send)()
    except (RedisError, OSError):
        logger.warning("The chat connections were not told of %s: the channel layer did not answer.", what)


def console_announce(chat: Chat) -> None:
    """Tell the open consoles that a chat was opened, so the staff on duty see it listed without a reload.
    Every console is of someone who answers chats, and they all reach every chat (``permissions``)."""
    event = {
        "type": "chat.opened",
        "chat": chat.reference,
        "learner": chat.learner.display_name,
        "state": str(chat.get_state_display()),
    }

    async def send() -> None:
        await get_channel_layer().group_send(CONSOLE_GROUP, event)

    _tell(send, f"the new chat {chat.reference}")


def message_announce(message: ChatMessage, reference: str) -> None:
    """Send a message stored outside a WebSocket (through the API) to its chat's connections."""

    async def send() -> None:
        await message_broadcast(get_channel_layer(), message, reference)

    _tell(send, f"a message of {reference}")


def _second_factor_passed(session, user) -> bool:
    """Whether the session passed the second factor with a confirmed device of the user (django-otp's
    rule)."""
    persistent_id = session.get(DEVICE_ID_SESSION_KEY) if session is not None else None
    if not persistent_id:
        return False
    device = Device.from_persistent_id(persistent_id)
    return device is not None and device.user_id == user.pk and device.confirmed


@in_thread_pool
def _connection_user(scope):
    """The signed-in, active user of the connection, if a staff member then one past the second factor."""
    user = scope.get("user")
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    if user.is_staff and not _second_factor_passed(scope.get("session"), user):
        return None
    return user


class FrameRefused(Exception):
    def __init__(self, code: str, message: str):
        self.code = code
        self.message = message


def read_frame(text_data: str | None, bytes_data: bytes | None) -> dict:
    """The client's frame as a JSON object; raises FrameRefused for binary, oversize or unreadable frames."""
    if text_data is None:
        raise FrameRefused("not_text", _("Send messages as text frames."))
    if len(text_data) > MAX_FRAME_CHARS:
        raise FrameRefused("frame_too_large", _("The message is too long to read."))
    try:
        frame = json.loads(text_data)
    except ValueError:
        raise FrameRefused("not_json", _("The message could not be read.")) from None
    if not isinstance(frame, dict) or not isinstance(frame.get("type"), str):
        raise FrameRefused("bad_frame", _("The message could not be read."))
    return frame


class ChatBase(AsyncWebsocketConsumer):
    user = None

    def language(self) -> str:
        return getattr(self.user, "preferred_language", None) or settings.LANGUAGE_CODE

    async def send_json(self, content: dict) -> None:
        await self.send(text_data=json.dumps(content, ensure_ascii=False))

    async def send_error(self, code: str, message: str) -> None:
        await self.send_json({"type": "error", "code": code, "message": str(message)})

    async def receive(self, text_data=None, bytes_data=None):
        with translation.override(self.language()):
            try:
                frame = read_frame(text_data, bytes_data)
                await self.frame_received(frame)
            except FrameRefused as refused:
                await self.send_error(refused.code, refused.message)
            except DomainError as error:
                await self.send_error(error.code, error.message)

    async def frame_received(self, frame: dict) -> None:
        raise NotImplementedError

    async def broadcast(self, message: ChatMessage, reference: str) -> None:
        await message_broadcast(self.channel_layer, message, reference)

    async def chat_message(self, event: dict) -> None:
        await self.send_json(event["frame"])

    async def chat_activity(self, event: dict) -> None:
        pass  # only the console lists the chats that move

    async def chat_state(self, event: dict) -> None:
        await self.send_json({"type": "state", "chat": event["chat"], "state": event["state"]})


def _current(user) -> User:
    """The user as the database has them now: a role taken away or an account closed counts at once."""
    current = User.objects.filter(pk=user.pk, is_active=True).first()
    if current is None:
        raise ChatNotFound()
    return current


@in_thread_pool
def _own(user, reference: str) -> Chat:
    return chat_get_own(user=_current(user), reference=reference)


@in_thread_pool
def _post(user, reference: str, body, action: str = policy.VIEW) -> ChatMessage:
    user = _current(user)
    chat = chat_get_for_user(user=user, reference=reference, action=action)
    return services.chat_message_post(chat=chat, actor=user, body=body)


@in_thread_pool
def _post_own(user, reference: str, body) -> ChatMessage:
    """The learner's message to their own chat: checked (active, theirs, open) and stored in one statement."""
    return services.chat_learner_message_post(reference=reference, actor=user, body=body)


class LearnerChatConsumer(ChatBase):
    """One chat's page: its learner writes and reads it live (staff answer in the console, where each
    transcript they open is logged)."""

    async def connect(self):
        self.user = await _connection_user(self.scope)
        if self.user is None:
            await self.close(code=CLOSE_NOT_SIGNED_IN)
            return
        self.reference = self.scope["url_route"]["kwargs"]["reference"]
        try:
            await _own(self.user, self.reference)
        except ChatNotFound:
            await self.close(code=CLOSE_NOT_FOUND)
            return
        await self.channel_layer.group_add(chat_group(self.reference), self.channel_name)
        await self.accept()

    async def disconnect(self, code):
        if getattr(self, "reference", None) and self.user is not None:
            await self.channel_layer.group_discard(chat_group(self.reference), self.channel_name)

    async def frame_received(self, frame: dict) -> None:
        if frame["type"] == "message":
            message = await _post_own(self.user, self.reference, frame.get("body"))
            await self.broadcast(message, self.reference)
        elif frame["type"] == "close":
            chat = await _close(self.user, self.reference)
            await self.channel_layer.group_send(
                chat_group(chat), {"type": "chat.state", "chat": chat.reference, "state": chat.state}
            )
        else:
            raise FrameRefused("bad_frame", _("The message could not be read."))


@in_thread_pool
def _close(user, reference: str) -> Chat:
    user = _current(user)
    chat = chat_get_for_user(user=user, reference=reference)
    return services.chat_close(chat=chat, actor=user)


@in_thread_pool
def _take(user, reference: str) -> Chat:
    user = _current(user)
    chat = chat_get_for_user(user=user, reference=reference, action=policy.CHANGE)
    return services.chat_take(chat=chat, actor=user)


@in_thread_pool
def _join(user, reference: str) -> tuple[Chat, list[dict]]:
    user = _current(user)
    chat = chat_get_for_user(user=user, reference=reference, action=policy.CHANGE)
    # Opening a chat in the console shows its transcript: a staff read of the learner's data.
    access_log_record(
        actor=user,
        subject=chat.learner,
        record=chat,
        fields=("transcript",),
        channel=AccessLogEntry.Channel.ADMIN,
        screen="chat console",
    )
    return chat, [message_frame(message, chat.reference) for message in chat_messages(chat=chat)]


@in_thread_pool
def _duty(user, on_duty) -> bool:
    return services.duty_set(actor=_current(user), on_duty=bool(on_duty)).on_duty


@in_thread_pool
def _may_answer(user) -> bool:
    return is_chat_staff(user) and may_answer_chats(user)


class ConsoleConsumer(ChatBase):
    """The staff's chat console: several chats at once, each joined by its reference."""

    async def connect(self):
        self.user = await _connection_user(self.scope)
        if self.user is None or not await _may_answer(self.user):
            await self.close(code=CLOSE_NOT_SIGNED_IN)
            return
        self.joined: set[str] = set()
        await self.channel_layer.group_add(CONSOLE_GROUP, self.channel_name)
        await self.accept()

    async def disconnect(self, code):
        if self.user is None or not hasattr(self, "joined"):
            return
        await self.channel_layer.group_discard(CONSOLE_GROUP, self.channel_name)
        for reference in self.joined:
            await self.channel_layer.group_discard(chat_group(reference), self.channel_name)

    def _reference(self, frame: dict) -> str:
        reference = frame.get("chat")
        if not isinstance(reference, str) or not reference or len(reference) > 20:
            raise FrameRefused("chat_required", _("Name the chat the message is for."))
        return reference

    async def frame_received(self, frame: dict) -> None:
        kind = frame["type"]
        if kind == "duty":
            on_duty = await _duty(self.user, frame.get("on_duty"))
            await self.send_json({"type": "duty", "on_duty": on_duty})
            return
        reference = self._reference(frame)
        if kind == "join":
            chat, history = await _join(self.user, reference)
            self.joined.add(chat.reference)
            await self.channel_layer.group_add(chat_group(chat), self.channel_name)
            await self.send_json(
                {"type": "joined", "chat": chat.reference, "state": chat.state, "messages": history}
            )
        elif kind == "leave":
            self.joined.discard(reference)
            await self.channel_layer.group_discard(chat_group(reference), self.channel_name)
            await self.send_json({"type": "left", "chat": reference})
        elif kind == "message":
            message = await _post(self.user, reference, frame.get("body"), policy.CHANGE)
            await self.broadcast(message, reference)
        elif kind == "take":
            chat = await _take(self.user, reference)
            await self.send_json({"type": "state", "chat": chat.reference, "state": chat.state})
        elif kind == "close":
            chat = await _close(self.user, reference)
            await self.channel_layer.group_send(
                chat_group(chat), {"type": "chat.state", "chat": chat.reference, "state": chat.state}
            )
        else:
            raise FrameRefused("bad_frame", _("The message could not be read."))

    async def chat_activity(self, event: dict) -> None:
        await self.send_json({"type": "activity", "chat": event["chat"], "from_staff": event["from_staff"]})

    async def chat_opened(self, event: dict) -> None:
        await self.send_json(
            {"type": "opened", "chat": event["chat"], "learner": event["learner"], "state": event["state"]}
        )
