from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from .models import Review, ReviewDecision


class ReviewPersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="display_name")


class ReviewDecisionSerializer(serializers.ModelSerializer):
    owner = ReviewPersonSerializer()

    class Meta:
        model = ReviewDecision
        fields = ["id", "change", "owner", "due_date", "state", "done_at"]


class ReviewSerializer(serializers.ModelSerializer):
    measure = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    responsible = ReviewPersonSerializer()
    participants = ReviewPersonSerializer(many=True)
    decisions = ReviewDecisionSerializer(many=True)
    opinions_survey = serializers.SlugRelatedField(
        slug_field="reference",
        read_only=True,
        allow_null=True,
        help_text=_("The reference of the opinion survey that asked learners, teachers and the team."),
    )
    figures = serializers.DictField(
        help_text=_("A quarterly complaint review's complaint figures as they were when it was recorded.")
    )

    class Meta:
        model = Review
        fields = [
            "id",
            "kind",
            "measure",
            "responsible",
            "held_on",
            "period_start",
            "period_end",
            "participants",
            "findings",
            "opinions_summary",
            "opinions_source",
            "opinions_survey",
            "figures",
            "decisions",
            "created_at",
        ]
