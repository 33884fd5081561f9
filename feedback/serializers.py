"""What the feedback API reads and writes. Inputs validate shape; the services hold every rule."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import User
from complaints.models import Category as ComplaintCategory
from complaints.models import ImprovementAction
from core.validators import validate_no_bidi_controls
from courses.models import Course, Instructor, SchoolClass, Term

from .models import MAX_TEXT_LENGTH, FeedbackAttachment, FeedbackCategory, FeedbackEvent, FeedbackItem
from .selectors import feedback_reading
from .workflow import allowed_transitions


def _text(**kwargs) -> serializers.CharField:
    return serializers.CharField(max_length=MAX_TEXT_LENGTH, validators=[validate_no_bidi_controls], **kwargs)


class FeedbackCategorySerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="localized_name", read_only=True)

    class Meta:
        model = FeedbackCategory
        fields = ["id", "code", "name"]


class FeedbackEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = FeedbackEvent
        fields = ["kind", "from_state", "to_state", "body", "is_public", "created_at"]


class FeedbackImprovementActionSerializer(serializers.ModelSerializer):
    class Meta:
        model = ImprovementAction
        fields = ["id", "title", "due_date", "state", "done_at"]


class FeedbackAttachmentSerializer(serializers.ModelSerializer):
    """An evidence file's metadata and the address that downloads it (never who sent it)."""

    download_url = serializers.SerializerMethodField()

    class Meta:
        model = FeedbackAttachment
        fields = ["id", "original_name", "content_type", "size", "sha256", "uploaded_at", "download_url"]
        read_only_fields = fields

    def get_download_url(self, attachment: FeedbackAttachment) -> str:
        path = reverse(
            "feedback-attachment", kwargs={"reference": attachment.item.reference, "pk": attachment.pk}
        )
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


class FeedbackSummarySerializer(serializers.ModelSerializer):
    category = serializers.CharField(source="category.localized_name", read_only=True)

    class Meta:
        model = FeedbackItem
        fields = ["reference", "channel", "category", "state", "is_urgent", "is_anonymous", "created_at"]


class FeedbackDetailSerializer(serializers.ModelSerializer):
    category = FeedbackCategorySerializer(read_only=True)
    course = serializers.CharField(source="course.code", read_only=True, default=None)
    instructor = serializers.CharField(source="instructor.name", read_only=True, default=None)
    complaint = serializers.CharField(source="complaint.reference", read_only=True, default=None)
    events = serializers.SerializerMethodField()
    attachments = serializers.SerializerMethodField()
    improvement_actions = serializers.SerializerMethodField()
    available_actions = serializers.SerializerMethodField()

    class Meta:
        model = FeedbackItem
        fields = [
            "reference",
            "channel",
            "category",
            "course",
            "instructor",
            "state",
            "is_urgent",
            "is_anonymous",
            "text",
            "rejection_reason",
            "plan_actions",
            "plan_due_on",
            "result",
            "rating",
            "rating_comment",
            "complaint",
            "created_at",
            "events",
            "attachments",
            "improvement_actions",
            "available_actions",
        ]

    def _reading(self, item):
        cached = self.context.setdefault("_readings", {})
        if item.pk not in cached:
            cached[item.pk] = feedback_reading(item=item, user=self.context["request"].user)
        return cached[item.pk]

    @extend_schema_field(FeedbackEventSerializer(many=True))
    def get_events(self, item):
        return FeedbackEventSerializer(self._reading(item).events, many=True).data

    @extend_schema_field(FeedbackAttachmentSerializer(many=True))
    def get_attachments(self, item):
        attachments = self._reading(item).attachments
        for attachment in attachments:
            attachment.item = item
        return FeedbackAttachmentSerializer(attachments, many=True, context=self.context).data

    @extend_schema_field(FeedbackImprovementActionSerializer(many=True))
    def get_improvement_actions(self, item):
        return FeedbackImprovementActionSerializer(self._reading(item).improvement_actions, many=True).data

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_available_actions(self, item):
        reading = self._reading(item)
        moves = [str(move) for move in allowed_transitions(state=item.state)]
        if reading.is_staff_reader:
            return [move.replace("_", "-") for move in moves if move != "rate"]
        return ["rate"] if "rate" in moves else []


class FeedbackGiveInput(serializers.Serializer):
    category = serializers.PrimaryKeyRelatedField(queryset=FeedbackCategory.objects.all())
    text = _text()
    course = serializers.SlugRelatedField(
        slug_field="code", queryset=Course.objects.all(), required=False, allow_null=True
    )
    instructor = serializers.PrimaryKeyRelatedField(
        queryset=Instructor.objects.all(), required=False, allow_null=True
    )
    learner = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.all(),
        required=False,
        allow_null=True,
        help_text=_("A parent names their child."),
    )
    is_urgent = serializers.BooleanField(default=False)
    is_anonymous = serializers.BooleanField(default=False)
    term = serializers.PrimaryKeyRelatedField(queryset=Term.objects.all(), required=False, allow_null=True)
    school_class = serializers.PrimaryKeyRelatedField(
        queryset=SchoolClass.objects.all(), required=False, allow_null=True
    )
    attachments = serializers.ListField(
        child=serializers.FileField(),
        required=False,
        default=list,
        help_text=_("Up to five JPEG, PNG or PDF files of 10 MB each (send the request as form data)."),
    )


class FeedbackGivenSerializer(FeedbackSummarySerializer):
    follow_key = serializers.CharField(
        read_only=True,
        allow_null=True,
        help_text=_("For anonymous feedback only: the secret that follows it; shown once, never again."),
    )

    class Meta(FeedbackSummarySerializer.Meta):
        fields = [*FeedbackSummarySerializer.Meta.fields, "follow_key"]


class FeedbackReasonInput(serializers.Serializer):
    reason = _text()


class FeedbackConvertInput(serializers.Serializer):
    category = serializers.PrimaryKeyRelatedField(queryset=ComplaintCategory.objects.all())
    title = serializers.CharField(max_length=200, required=False, validators=[validate_no_bidi_controls])


class FeedbackPlanInput(serializers.Serializer):
    plan_owner = serializers.PrimaryKeyRelatedField(queryset=User.objects.all())
    actions = _text()
    due_on = serializers.DateField()


class FeedbackImprovementInput(serializers.Serializer):
    title = serializers.CharField(max_length=200, validators=[validate_no_bidi_controls])
    owner = serializers.PrimaryKeyRelatedField(queryset=User.objects.all())
    due_date = serializers.DateField()
    description = _text(required=False, allow_blank=True, default="")


class FeedbackResultInput(serializers.Serializer):
    result = _text()


class FeedbackRatingInput(serializers.Serializer):
    rating = serializers.IntegerField(min_value=1, max_value=5)
    comment = _text(required=False, allow_blank=True, default="")


class FeedbackNoteInput(serializers.Serializer):
    body = _text()
