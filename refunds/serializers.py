"""What the refunds API reads and writes. Inputs validate shape; the services hold every rule."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.validators import validate_no_bidi_controls

from .calculation import calculation_lines
from .models import MAX_TEXT_LENGTH, RefundEvent, RefundRequest, RefundRule
from .permissions import may_request_for
from .selectors import enrolments_for_refunds, refund_reading
from .workflow import Transition, allowed_transitions


def _text(**kwargs) -> serializers.CharField:
    return serializers.CharField(max_length=MAX_TEXT_LENGTH, validators=[validate_no_bidi_controls], **kwargs)


class RefundRuleSerializer(serializers.ModelSerializer):
    label = serializers.CharField(source="localized_label", read_only=True)

    class Meta:
        model = RefundRule
        fields = ["id", "clause", "label"]


class RefundEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = RefundEvent
        fields = ["kind", "from_state", "to_state", "body", "is_public", "created_at"]


class RefundQuoteSerializer(serializers.Serializer):
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True)
    rule = RefundRuleSerializer(read_only=True, allow_null=True)
    calculation = serializers.ListField(
        child=serializers.CharField(), read_only=True, help_text=_("Each step of the sum, in words.")
    )


class RefundSummarySerializer(serializers.ModelSerializer):
    course = serializers.CharField(source="enrolment.course.code", read_only=True)

    class Meta:
        model = RefundRequest
        fields = ["reference", "course", "state", "amount", "approved_amount", "created_at"]


class RefundDetailSerializer(serializers.ModelSerializer):
    course = serializers.CharField(source="enrolment.course.code", read_only=True)
    enrolment = serializers.IntegerField(source="enrolment_id", read_only=True)
    rule = RefundRuleSerializer(read_only=True, allow_null=True)
    refusal_rule = RefundRuleSerializer(read_only=True, allow_null=True)
    calculation = serializers.SerializerMethodField()
    events = serializers.SerializerMethodField()
    available_actions = serializers.SerializerMethodField()

    class Meta:
        model = RefundRequest
        fields = [
            "reference",
            "enrolment",
            "course",
            "state",
            "reason",
            "institution_at_fault",
            "amount",
            "rule",
            "calculation",
            "fault_found",
            "approved_amount",
            "needs_approval",
            "refusal_rule",
            "refusal_reason",
            "paid_amount",
            "paid_on",
            "created_at",
            "decided_at",
            "events",
            "available_actions",
        ]

    def _reading(self, refund):
        cached = self.context.setdefault("_readings", {})
        if refund.pk not in cached:
            cached[refund.pk] = refund_reading(request=refund, user=self.context["request"].user)
        return cached[refund.pk]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_calculation(self, refund) -> list[str]:
        return calculation_lines(refund.calculation.get("steps", []))

    @extend_schema_field(RefundEventSerializer(many=True))
    def get_events(self, refund):
        return RefundEventSerializer(self._reading(refund).events, many=True).data

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_available_actions(self, refund) -> list[str]:
        reading = self._reading(refund)
        moves = set(allowed_transitions(state=refund.state))
        if reading.is_staff_reader:
            names = []
            if Transition.APPROVE in moves:
                names.append("approve")
            if Transition.LEADERSHIP_APPROVE in moves:
                names.append("leadership-approve")
            if Transition.REFUSE in moves:
                names.append("refuse")
            if Transition.RECORD_PAYMENT in moves:
                names.append("record-payment")
            return names
        user = self.context["request"].user
        if Transition.WITHDRAW in moves and may_request_for(user, refund.learner_id):
            return ["withdraw"]
        return []


@extend_schema_field(OpenApiTypes.INT)
class _OwnEnrolmentField(serializers.PrimaryKeyRelatedField):
    """An enrolment of the caller or of their ward; any other is "not found", as one that does not exist."""

    def get_queryset(self):
        return enrolments_for_refunds(user=self.context["request"].user)


class RefundFileInput(serializers.Serializer):
    enrolment = _OwnEnrolmentField(help_text=_("The enrolment's id (yours, or your child's)."))
    reason = _text()
    institution_at_fault = serializers.BooleanField(default=False)


class RefundQuoteInput(serializers.Serializer):
    enrolment = _OwnEnrolmentField()
    institution_at_fault = serializers.BooleanField(default=False)


class RefundApproveInput(serializers.Serializer):
    institution_at_fault = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_("Staff's finding; by default what the learner said."),
    )


class RefundRefuseInput(serializers.Serializer):
    rule = serializers.PrimaryKeyRelatedField(queryset=RefundRule.objects.all())
    reason = _text()


class RefundLeadershipApproveInput(serializers.Serializer):
    note = _text(required=False, allow_blank=True, default="")


class RefundPaymentInput(serializers.Serializer):
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0)
    paid_on = serializers.DateField()
    payment_reference = serializers.CharField(
        max_length=100, required=False, allow_blank=True, default="", validators=[validate_no_bidi_controls]
    )


class RefundNoteInput(serializers.Serializer):
    body = _text()
