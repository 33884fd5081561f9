from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from .models import COMMENT_MAX_LENGTH, REPLY_MAX_LENGTH


class PublishedSummarySerializer(serializers.Serializer):
    """A subject's published rating summary (absent below the publication minimum)."""

    count = serializers.IntegerField(read_only=True)
    mean = serializers.DecimalField(max_digits=3, decimal_places=2, read_only=True)
    distribution = serializers.ListField(
        child=serializers.IntegerField(),
        read_only=True,
        help_text=_("How many ratings gave 1, 2, 3, 4 and 5."),
    )


class PublishedCommentSerializer(serializers.Serializer):
    """A published comment (a row of ``ratings.selectors.comments_published``), never who wrote it."""

    id = serializers.IntegerField(read_only=True)
    score = serializers.IntegerField(read_only=True)
    comment = serializers.CharField(read_only=True)
    reply = serializers.CharField(read_only=True)
    replied_at = serializers.DateTimeField(read_only=True, allow_null=True)
    published_in = serializers.DateField(
        read_only=True, help_text=_("The first day of the month the comment was published in.")
    )


class RatingGiveSerializer(serializers.Serializer):
    score = serializers.IntegerField(min_value=1, max_value=5)
    comment = serializers.CharField(
        max_length=COMMENT_MAX_LENGTH, required=False, allow_blank=True, default=""
    )


class RatingReplySerializer(serializers.Serializer):
    text = serializers.CharField(max_length=REPLY_MAX_LENGTH)
