"""The shapes of the counselling API: public counsellor profiles (never their contact), slots and
appointments."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from .models import (
    MAX_REASON_LENGTH,
    MAX_RECORD_LENGTH,
    Appointment,
    Counsellor,
    CounsellorPenalty,
    RiskFlag,
    SessionRecord,
    Speciality,
    WaiverReason,
)


class SpecialitySerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="localized_name", read_only=True)

    class Meta:
        model = Speciality
        fields = ["code", "name"]


class CounsellorSerializer(serializers.ModelSerializer):
    """The public profile: what clients may read. The contact stays private."""

    specialities = SpecialitySerializer(many=True, read_only=True)
    has_photo = serializers.SerializerMethodField()

    class Meta:
        model = Counsellor
        fields = [
            "id",
            "public_name",
            "has_photo",
            "specialities",
            "languages",
            "approach",
            "price",
            "time_zone",
            "session_minutes",
        ]

    def get_has_photo(self, counsellor: Counsellor) -> bool:
        return bool(counsellor.photo)


class SlotSerializer(serializers.Serializer):
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()


class SlotQuery(serializers.Serializer):
    first = serializers.DateField(help_text=_("The first day, in the counsellor's calendar."))
    last = serializers.DateField(help_text=_("The last day; at most 31 days after the first."))

    def validate(self, attrs):
        if attrs["last"] < attrs["first"]:
            raise serializers.ValidationError({"last": [_("The last day cannot be before the first.")]})
        if (attrs["last"] - attrs["first"]).days > 31:
            raise serializers.ValidationError({"last": [_("Ask for at most 31 days at a time.")]})
        return attrs


class AppointmentSerializer(serializers.ModelSerializer):
    counsellor = serializers.CharField(source="counsellor.public_name", read_only=True)
    counsellor_id = serializers.IntegerField(read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)

    class Meta:
        model = Appointment
        fields = [
            "reference",
            "counsellor",
            "counsellor_id",
            "state",
            "state_label",
            "starts_at",
            "ends_at",
            "hold_expires_at",
            "cancellation_reason",
            "no_show_kind",
            "waiver_reason",
        ]


class HoldInput(serializers.Serializer):
    counsellor = serializers.PrimaryKeyRelatedField(queryset=Counsellor.objects.all())
    starts_at = serializers.DateTimeField()


class ReasonInput(serializers.Serializer):
    reason = serializers.CharField(max_length=MAX_REASON_LENGTH)


class RescheduleInput(serializers.Serializer):
    starts_at = serializers.DateTimeField()


class WaiverInput(serializers.Serializer):
    reason_code = serializers.ChoiceField(choices=WaiverReason.choices)
    note = serializers.CharField(max_length=MAX_REASON_LENGTH, required=False, allow_blank=True, default="")


class EligibilitySerializer(serializers.Serializer):
    allowed = serializers.BooleanField()
    reason = serializers.CharField(help_text=_("Empty when allowed; else a stable code of the first reason."))
    message = serializers.CharField()


class IdentityStartInput(serializers.Serializer):
    real_name = serializers.CharField(max_length=50)
    resident_id = serializers.CharField(max_length=18)
    mobile = serializers.CharField(max_length=20)


class IdentityConfirmInput(serializers.Serializer):
    code = serializers.CharField(max_length=10)


class IdentitySerializer(serializers.Serializer):
    verified = serializers.BooleanField()
    code_sent = serializers.BooleanField()


class RestrictionAppealInput(serializers.Serializer):
    text = serializers.CharField(max_length=MAX_REASON_LENGTH)


# --- Session records, intake, ratings, penalties ----------------------------------------------------------


class SessionRecordSerializer(serializers.ModelSerializer):
    """A record as its reader sees it; the purpose is that of this read, as the access log keeps it."""

    reference = serializers.CharField(source="appointment.reference", read_only=True)
    counsellor = serializers.CharField(source="counsellor.public_name", read_only=True)

    class Meta:
        model = SessionRecord
        fields = [
            "id",
            "reference",
            "counsellor",
            "session_at",
            "risk_flag",
            "notes",
            "written_at",
            "updated_at",
        ]


class SessionRecordReadSerializer(serializers.Serializer):
    record = SessionRecordSerializer()
    purpose = serializers.CharField(help_text=_("Why this read is allowed; the client sees it on “My data”."))


class SessionRecordListSerializer(serializers.ModelSerializer):
    reference = serializers.CharField(source="appointment.reference", read_only=True)
    counsellor = serializers.CharField(source="counsellor.public_name", read_only=True)

    class Meta:
        model = SessionRecord
        fields = ["id", "reference", "counsellor", "session_at", "risk_flag"]


class SessionRecordInput(serializers.Serializer):
    notes = serializers.CharField(max_length=MAX_RECORD_LENGTH)
    risk_flag = serializers.ChoiceField(
        choices=RiskFlag.choices, required=False, allow_blank=True, default=""
    )


class IntakeInput(serializers.Serializer):
    concern = serializers.CharField(max_length=2000)
    history = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    hopes = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class IntakeSerializer(IntakeInput):
    answered_at = serializers.DateTimeField(read_only=True)


class SessionRatingInput(serializers.Serializer):
    score = serializers.IntegerField(min_value=1, max_value=5)
    comment = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class SessionRatingSerializer(serializers.Serializer):
    score = serializers.IntegerField()
    comment = serializers.CharField()
    comment_state = serializers.CharField()


class PenaltySerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = CounsellorPenalty
        fields = ["id", "kind", "kind_label", "reason", "starts_at", "ends_at", "reply", "replied_at"]


class PenaltyReplyInput(serializers.Serializer):
    text = serializers.CharField(max_length=MAX_REASON_LENGTH)
