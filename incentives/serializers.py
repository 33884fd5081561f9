from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from .models import Award, Reward


class PointsSummarySerializer(serializers.Serializer):
    total = serializers.IntegerField(help_text=_("The learner's points."))
    next_reward_at = serializers.IntegerField(
        allow_null=True, help_text=_("The total at which the next reward comes; null when no rule is active.")
    )


class AwardSerializer(serializers.ModelSerializer):
    reason_label = serializers.SerializerMethodField()

    class Meta:
        model = Award
        fields = ["id", "points", "reason", "reason_label", "created_at"]

    def get_reason_label(self, award: Award) -> str:
        return str(award.reason_label)


class RewardSerializer(serializers.ModelSerializer):
    description = serializers.CharField(source="localized_description")
    value = serializers.DecimalField(max_digits=8, decimal_places=2, coerce_to_string=True)

    class Meta:
        model = Reward
        fields = ["reference", "kind", "value", "description", "code", "threshold", "issued_at", "expires_on"]
