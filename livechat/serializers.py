"""The chat API's shapes: a chat with its state, its messages, and what a learner sends."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.validators import validate_no_bidi_controls

from .models import MAX_MESSAGE_LENGTH, Chat, ChatMessage


class ChatMessageSerializer(serializers.ModelSerializer):
    author = serializers.CharField(source="author.display_name", read_only=True)

    class Meta:
        model = ChatMessage
        fields = ["id", "author", "from_staff", "body", "created_at"]


class ChatSerializer(serializers.ModelSerializer):
    class Meta:
        model = Chat
        fields = ["reference", "state", "left_as_message", "created_at", "first_reply_at", "closed_at"]


class ChatDetailSerializer(ChatSerializer):
    messages = serializers.SerializerMethodField(help_text=_("The transcript, oldest first."))

    class Meta(ChatSerializer.Meta):
        fields = [*ChatSerializer.Meta.fields, "messages"]

    @extend_schema_field(ChatMessageSerializer(many=True))
    def get_messages(self, chat: Chat) -> list:
        return ChatMessageSerializer(self.context["messages"], many=True).data


class ChatOpenInput(serializers.Serializer):
    message = serializers.CharField(
        max_length=MAX_MESSAGE_LENGTH,
        required=False,
        allow_blank=True,
        validators=[validate_no_bidi_controls],
        help_text=_("The question to start with (optional)."),
    )
    opened_from = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        help_text=_("The site's page the chat is opened from."),
    )


class ChatMessageInput(serializers.Serializer):
    body = serializers.CharField(
        max_length=MAX_MESSAGE_LENGTH, validators=[validate_no_bidi_controls], help_text=_("The message.")
    )
