"""The chat endpoints under /api/v1/chats/, for a learner's or parent's app: their chats, opening one, its
transcript, and sending a message. Staff answer in the admin's console.

They read through ``selectors`` (a chat is found only by its own learner) and write through the same services
as the WebSocket; a message sent here reaches the chat's open connections and the consoles at once. A
refusal becomes JSON in the API's one exception handler, next to its field.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import ErrorSerializer, ReadsBodyMixin

from . import serializers as io
from .consumers import console_announce, message_announce
from .selectors import chat_get_own, chat_messages, chats_own
from .services import chat_learner_message_post, chat_open

TAGS = ["chats"]
LIST_LIMIT = 50
ERRORS = {
    400: OpenApiResponse(description=_("Invalid input ({field: [messages]}).")),
    403: OpenApiResponse(ErrorSerializer, description=_("Chats are opened by learners and parents.")),
    404: OpenApiResponse(ErrorSerializer, description=_("No such chat of yours.")),
    409: OpenApiResponse(ErrorSerializer, description=_("The chat has ended.")),
}


class ChatListAPI(ReadsBodyMixin, APIView):
    """The user's chats, newest first; and opening a new one."""

    @extend_schema(tags=TAGS, summary=_("List my chats"), responses={200: io.ChatSerializer(many=True)})
    def get(self, request: Request) -> Response:
        chats = list(chats_own(user=request.user)[:LIST_LIMIT])
        return Response(io.ChatSerializer(chats, many=True).data)

    @extend_schema(
        tags=TAGS,
        summary=_("Open a chat"),
        request=io.ChatOpenInput,
        responses={201: io.ChatDetailSerializer, **ERRORS},
    )
    def post(self, request: Request) -> Response:
        data = io.ChatOpenInput(data=request.data)
        data.is_valid(raise_exception=True)
        chat = chat_open(
            actor=request.user,
            opened_from=data.validated_data.get("opened_from", ""),
            first_message=data.validated_data.get("message", ""),
        )
        console_announce(chat)
        answer = io.ChatDetailSerializer(chat, context={"messages": chat_messages(chat=chat)})
        return Response(answer.data, status=status.HTTP_201_CREATED)


class ChatDetailAPI(APIView):
    """One of the user's chats with its transcript."""

    @extend_schema(tags=TAGS, summary=_("Read a chat"), responses={200: io.ChatDetailSerializer, **ERRORS})
    def get(self, request: Request, reference: str) -> Response:
        chat = chat_get_own(user=request.user, reference=reference)
        return Response(io.ChatDetailSerializer(chat, context={"messages": chat_messages(chat=chat)}).data)


class ChatMessageAPI(ReadsBodyMixin, APIView):
    """Send a message in one of the user's open chats."""

    @extend_schema(
        tags=TAGS,
        summary=_("Send a message in a chat"),
        request=io.ChatMessageInput,
        responses={201: io.ChatMessageSerializer, **ERRORS},
    )
    def post(self, request: Request, reference: str) -> Response:
        chat = chat_get_own(user=request.user, reference=reference)
        data = io.ChatMessageInput(data=request.data)
        data.is_valid(raise_exception=True)
        message = chat_learner_message_post(
            reference=chat.reference, actor=request.user, body=data.validated_data["body"]
        )
        message_announce(message, chat.reference)
        return Response(io.ChatMessageSerializer(message).data, status=status.HTTP_201_CREATED)
