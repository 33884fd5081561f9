"""The help centre's API bodies: published articles in the reader's language, search hits and a vote."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.search import MAX_QUERY_LENGTH
from core.validators import validate_no_bidi_controls

from .models import REASON_TEXT_MAX_LENGTH, Article, HelpfulVote, Section
from .selectors import article_url


class SectionSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="localized_name", read_only=True)
    description = serializers.CharField(source="localized_description", read_only=True)

    class Meta:
        model = Section
        fields = ["slug", "name", "description"]


class ArticleSummarySerializer(serializers.ModelSerializer):
    section = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    title = serializers.CharField(source="published_version.localized_title", read_only=True)
    version = serializers.IntegerField(source="published_version.number", read_only=True)
    published_at = serializers.DateTimeField(source="published_version.published_at", read_only=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = Article
        fields = ["slug", "section", "title", "version", "published_at", "url"]

    def get_url(self, article: Article) -> str:
        return article_url(article)


class ArticleDetailSerializer(ArticleSummarySerializer):
    body = serializers.CharField(source="published_version.localized_body", read_only=True)
    related = serializers.SerializerMethodField()

    class Meta(ArticleSummarySerializer.Meta):
        fields = [*ArticleSummarySerializer.Meta.fields, "body", "related"]

    def get_related(self, article: Article) -> list[str]:
        return [related.slug for related in self.context.get("related", [])]


class SearchInput(serializers.Serializer):
    q = serializers.CharField(max_length=MAX_QUERY_LENGTH, allow_blank=True, trim_whitespace=True)


class SearchHitSerializer(serializers.Serializer):
    kind = serializers.CharField(
        help_text=_(
            "What was found: “article” (a help article) or “post” (a community post; signed-in readers only)."
        )
    )
    title = serializers.CharField()
    url = serializers.CharField()
    section = serializers.CharField()
    snippet = serializers.CharField(help_text=_("A piece of the text around the match, HTML with <mark>."))
    title_hit = serializers.BooleanField()


class VoteInput(serializers.Serializer):
    is_helpful = serializers.BooleanField()
    reason = serializers.ChoiceField(choices=HelpfulVote.Reason.choices, required=False, allow_blank=True)
    reason_text = serializers.CharField(
        max_length=REASON_TEXT_MAX_LENGTH,
        required=False,
        allow_blank=True,
        validators=[validate_no_bidi_controls],
    )


class VoteSerializer(serializers.ModelSerializer):
    article = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = HelpfulVote
        fields = ["article", "is_helpful", "reason", "reason_text", "created_at"]
