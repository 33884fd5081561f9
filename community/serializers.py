"""What the community API reads and answers; validation of meaning is the services' (screening, limits)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.validators import validate_no_bidi_controls

from .models import BODY_MAX_LENGTH, REPORT_TEXT_MAX_LENGTH, TITLE_MAX_LENGTH, Board, Post, Reply, Report
from .services import MAX_IMAGES

MAX_ID = 2**31 - 1  # ids are given out one by one: a larger one names no row


class BoardSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="localized_name", read_only=True)

    class Meta:
        model = Board
        fields = ["slug", "name", "description", "offers_complaint"]


class PostSummarySerializer(serializers.ModelSerializer):
    board = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    author = serializers.CharField(source="author.display_name", read_only=True)
    like_count = serializers.IntegerField(read_only=True)
    reply_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Post
        fields = [
            "id",
            "board",
            "title",
            "author",
            "created_at",
            "last_activity_at",
            "like_count",
            "reply_count",
        ]


class CommunityReplySerializer(serializers.ModelSerializer):
    author = serializers.CharField(source="author.display_name", read_only=True)
    like_count = serializers.IntegerField(read_only=True, default=0)
    liked = serializers.BooleanField(read_only=True, default=False, help_text=_("Whether you like it."))

    class Meta:
        model = Reply
        fields = ["id", "author", "body", "created_at", "is_official", "like_count", "liked"]


class PostDetailSerializer(serializers.ModelSerializer):
    board = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    author = serializers.CharField(source="author.display_name", read_only=True)

    class Meta:
        model = Post
        fields = ["id", "board", "title", "body", "author", "created_at", "last_activity_at"]


class ThreadSerializer(serializers.Serializer):
    post = PostDetailSerializer()
    replies = CommunityReplySerializer(many=True)
    like_count = serializers.IntegerField()
    liked = serializers.BooleanField()
    following = serializers.BooleanField()


class ImagesField(serializers.ListField):
    child = serializers.FileField()


class CommunityPostInput(serializers.Serializer):
    title = serializers.CharField(max_length=TITLE_MAX_LENGTH, validators=[validate_no_bidi_controls])
    body = serializers.CharField(max_length=BODY_MAX_LENGTH, validators=[validate_no_bidi_controls])
    images = ImagesField(
        required=False, max_length=MAX_IMAGES, help_text=_("Up to four JPEG or PNG pictures (form data).")
    )


class CommunityReplyInput(serializers.Serializer):
    body = serializers.CharField(max_length=BODY_MAX_LENGTH, validators=[validate_no_bidi_controls])
    images = ImagesField(
        required=False, max_length=MAX_IMAGES, help_text=_("Up to four JPEG or PNG pictures (form data).")
    )


class CommunityReportInput(serializers.Serializer):
    post = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, help_text=_("The post reported (or give a reply).")
    )
    reply = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, help_text=_("The reply reported (or give a post).")
    )
    reason = serializers.ChoiceField(choices=Report.Reason.choices)
    text = serializers.CharField(
        max_length=REPORT_TEXT_MAX_LENGTH,
        required=False,
        allow_blank=True,
        validators=[validate_no_bidi_controls],
    )

    def validate(self, attrs):
        if ("post" in attrs) == ("reply" in attrs):
            raise serializers.ValidationError({"post": [_("Give either a post or a reply.")]})
        return attrs


class CommunityReportSerializer(serializers.ModelSerializer):
    class Meta:
        model = Report
        fields = ["id", "post", "reply", "reason", "text", "state", "created_at"]


class StateSerializer(serializers.Serializer):
    liked = serializers.BooleanField(required=False)
    following = serializers.BooleanField(required=False)
