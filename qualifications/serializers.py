"""What the qualifications API reads and answers: a qualification without its scan, and the inputs."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from .models import ISSUER_MAX_LENGTH, LEVEL_MAX_LENGTH, NUMBER_MAX_LENGTH, REASON_MAX_LENGTH, Qualification


class QualificationSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(source="kind.code", read_only=True)
    kind_name = serializers.CharField(source="kind.localized_name", read_only=True)
    holder = serializers.SerializerMethodField(help_text=_("The holder, as <app>.<model>:<id>."))
    is_current = serializers.SerializerMethodField(help_text=_("Verified and valid today."))

    class Meta:
        model = Qualification
        fields = [
            "id",
            "holder",
            "kind",
            "kind_name",
            "number",
            "issuer",
            "level",
            "valid_from",
            "valid_until",
            "state",
            "reason",
            "submitted_at",
            "reviewed_at",
            "is_current",
        ]
        read_only_fields = fields

    def get_holder(self, qualification: Qualification) -> str:
        holder_type = qualification.holder_type
        return f"{holder_type.app_label}.{holder_type.model}:{qualification.holder_id}"

    def get_is_current(self, qualification: Qualification) -> bool:
        return qualification.is_current()


class QualificationSubmitInput(serializers.Serializer):
    holder = serializers.RegexField(
        r"^[a-z_]+\.[a-z_]+:\d{1,18}$",
        help_text=_("Your holder record, as <app>.<model>:<id> (e.g. courses.instructor:12)."),
    )
    kind = serializers.IntegerField(
        min_value=1, max_value=2**31 - 1, help_text=_("The kind's id (see the kinds your record may hold).")
    )
    number = serializers.CharField(max_length=NUMBER_MAX_LENGTH)
    issuer = serializers.CharField(max_length=ISSUER_MAX_LENGTH)
    level = serializers.CharField(max_length=LEVEL_MAX_LENGTH, required=False, allow_blank=True, default="")
    valid_from = serializers.DateField()
    valid_until = serializers.DateField(required=False, allow_null=True, default=None)
    scan = serializers.FileField(help_text=_("A JPEG, PNG or PDF of the certificate, up to 10 MB."))


class QualificationDecisionInput(serializers.Serializer):
    reason = serializers.CharField(max_length=REASON_MAX_LENGTH, required=False, allow_blank=True, default="")
