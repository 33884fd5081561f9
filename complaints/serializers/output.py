"""What the API answers about complaints: a summary per list row, and the detail as its reader may see it."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import Department, User
from complaints.api.permitted import ACTION_NAMES, complaint_actions_for_user
from complaints.models import (
    Appeal,
    Attachment,
    Category,
    Complaint,
    ComplaintEvent,
    ImprovementAction,
    Remedy,
)
from complaints.selectors import ComplaintReading, complaint_reading_for_user
from complaints.states import State
from courses.models import Course, Instructor
from sla.models import Clock
from sla.selectors import clocks_for_subject


class PersonNameSerializer(serializers.ModelSerializer):
    """A person as a complaint names them: no contact details."""

    class Meta:
        model = User
        fields = ["id", "display_name"]
        read_only_fields = fields


class DepartmentSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="localized_name", read_only=True)

    class Meta:
        model = Department
        fields = ["code", "name"]
        read_only_fields = fields


class CategoryBriefSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="localized_name", read_only=True)

    class Meta:
        model = Category
        fields = ["code", "name"]
        read_only_fields = fields


class CategorySerializer(CategoryBriefSerializer):
    """A category a complaint can be filed under, with where it goes and how grave it starts."""

    default_department = DepartmentSerializer(read_only=True)

    class Meta(CategoryBriefSerializer.Meta):
        fields = ["code", "name", "default_department", "default_severity"]
        read_only_fields = fields


class CourseSerializer(serializers.ModelSerializer):
    class Meta:
        model = Course
        fields = ["id", "code", "title"]
        read_only_fields = fields


class InstructorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Instructor
        fields = ["id", "name"]
        read_only_fields = fields


class ComplaintSummarySerializer(serializers.ModelSerializer):
    """One complaint in a list: what a queue or a learner's overview shows."""

    url = serializers.HyperlinkedIdentityField(
        view_name="complaint-detail", lookup_field="reference", lookup_url_kwarg="reference"
    )
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    severity_display = serializers.CharField(source="get_severity_display", read_only=True)
    category = CategoryBriefSerializer(read_only=True)
    department = DepartmentSerializer(read_only=True)
    owner = PersonNameSerializer(read_only=True, allow_null=True)
    complainant = PersonNameSerializer(read_only=True)
    learner = PersonNameSerializer(read_only=True)

    class Meta:
        model = Complaint
        fields = [
            "reference",
            "url",
            "title",
            "state",
            "state_display",
            "severity",
            "severity_display",
            "is_urgent",
            "channel",
            "category",
            "department",
            "owner",
            "complainant",
            "learner",
            "created_at",
            "acknowledged_at",
            "responded_at",
            "closed_at",
        ]
        read_only_fields = fields


class EventSerializer(serializers.ModelSerializer):
    """One entry of the timeline."""

    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    actor = PersonNameSerializer(read_only=True, allow_null=True)
    # Empty on the events that are not a move: a model serializer drops allow_blank from read-only fields.
    from_state = serializers.ChoiceField(
        label=_("from state"), choices=State.choices, allow_blank=True, read_only=True
    )
    to_state = serializers.ChoiceField(
        label=_("to state"), choices=State.choices, allow_blank=True, read_only=True
    )

    class Meta:
        model = ComplaintEvent
        fields = [
            "id",
            "kind",
            "kind_display",
            "is_public",
            "actor",
            "body",
            "from_state",
            "to_state",
            "data",
            "created_at",
        ]
        read_only_fields = fields


class AttachmentSerializer(serializers.ModelSerializer):
    """An evidence file's metadata and the address that downloads it."""

    uploaded_by = PersonNameSerializer(read_only=True)
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = [
            "id",
            "original_name",
            "content_type",
            "size",
            "sha256",
            "uploaded_by",
            "uploaded_at",
            "download_url",
        ]
        read_only_fields = fields

    def get_download_url(self, attachment: Attachment) -> str:
        path = reverse(
            "complaint-attachment",
            kwargs={"reference": attachment.complaint.reference, "pk": attachment.pk},
        )
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


class RemedySerializer(serializers.ModelSerializer):
    """One remedy for one affected learner."""

    learner = PersonNameSerializer(read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)

    class Meta:
        model = Remedy
        fields = [
            "id",
            "learner",
            "kind",
            "kind_display",
            "amount",
            "days",
            "enrolment",
            "note",
            "state",
            "state_display",
            "proposed_at",
            "carried_out_at",
        ]
        read_only_fields = fields


class ImprovementActionSerializer(serializers.ModelSerializer):
    """A follow-up that fixes the cause beyond this complaint."""

    owner = PersonNameSerializer(read_only=True)
    department = DepartmentSerializer(read_only=True)

    class Meta:
        model = ImprovementAction
        fields = ["id", "title", "description", "owner", "department", "due_date", "state", "done_at"]
        read_only_fields = fields


class AppealSerializer(serializers.ModelSerializer):
    class Meta:
        model = Appeal
        fields = ["reason", "filed_at", "decision", "decision_reason", "decided_at"]
        read_only_fields = fields


class ClockSerializer(serializers.ModelSerializer):
    """One SLA promise: when it is due, and whether it was kept, is paused, running or overdue."""

    status = serializers.SerializerMethodField(help_text=_("met, stopped, paused, overdue or running"))
    seconds_left = serializers.SerializerMethodField(
        help_text=_("Seconds until the due time; negative when overdue; null unless running.")
    )

    class Meta:
        model = Clock
        fields = [
            "target",
            "due_at",
            "status",
            "seconds_left",
            "met_at",
            "paused_at",
            "warned_at",
            "breached_at",
        ]

    def get_status(self, clock: Clock) -> str:
        if clock.met_at:
            return "met"
        if clock.cancelled_at:
            return "stopped"
        if clock.paused_at:
            return "paused"
        return "overdue" if clock.is_overdue else "running"

    def get_seconds_left(self, clock: Clock) -> int | None:
        return int(clock.time_left().total_seconds()) if clock.is_running else None


class ComplaintDetailSerializer(ComplaintSummarySerializer):
    """A complaint as this reader may see it: staff the whole case; the complainant, the learner and their
    guardians its public timeline, the evidence on it and the remedies decided for them."""

    subject_course = CourseSerializer(read_only=True, allow_null=True)
    subject_instructor = InstructorSerializer(read_only=True, allow_null=True)
    subject_department = DepartmentSerializer(read_only=True, allow_null=True)
    subject_staff = PersonNameSerializer(read_only=True, allow_null=True)
    merged_into = serializers.SlugRelatedField(slug_field="reference", read_only=True, allow_null=True)
    affected_learners = serializers.SerializerMethodField(
        help_text=_("The learners the complaint affects; staff only, empty for the parties.")
    )
    affected_learner_count = serializers.SerializerMethodField()
    timeline = serializers.SerializerMethodField(
        help_text=_("Oldest first; the parties see public events only.")
    )
    attachments = serializers.SerializerMethodField()
    remedies = serializers.SerializerMethodField()
    improvement_actions = serializers.SerializerMethodField(help_text=_("Staff only, empty for the parties."))
    appeal = serializers.SerializerMethodField()
    available_actions = serializers.SerializerMethodField(
        help_text=_("The actions this user may take now: the last segment of each action's address.")
    )
    clocks = serializers.SerializerMethodField(
        help_text=_("The SLA promises: acknowledgement, response, resolution.")
    )

    class Meta(ComplaintSummarySerializer.Meta):
        fields = [
            *ComplaintSummarySerializer.Meta.fields,
            "description",
            "legal_flag",
            "safety_flag",
            "subject_course",
            "subject_instructor",
            "subject_department",
            "subject_staff",
            "merged_into",
            "satisfaction_rating",
            "satisfaction_comment",
            "first_responded_at",
            "affected_learner_count",
            "affected_learners",
            "timeline",
            "attachments",
            "remedies",
            "improvement_actions",
            "appeal",
            "available_actions",
            "clocks",
        ]
        read_only_fields = fields

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._readings: dict[int, ComplaintReading] = {}

    def _reading(self, complaint: Complaint) -> ComplaintReading:
        readings = self._readings
        if complaint.pk not in readings:
            readings[complaint.pk] = complaint_reading_for_user(
                user=self.context["request"].user, complaint=complaint
            )
        return readings[complaint.pk]

    @extend_schema_field(PersonNameSerializer(many=True))
    def get_affected_learners(self, complaint: Complaint) -> list:
        if not self._reading(complaint).as_staff:
            return []
        learners = User.objects.filter(complaints_affected_by__complaint=complaint).order_by(
            "complaints_affected_by__added_at", "pk"
        )
        return PersonNameSerializer(learners, many=True).data

    def get_affected_learner_count(self, complaint: Complaint) -> int:
        return complaint.affected_learners.count()

    @extend_schema_field(EventSerializer(many=True))
    def get_timeline(self, complaint: Complaint) -> list:
        return EventSerializer(self._reading(complaint).timeline, many=True).data

    @extend_schema_field(AttachmentSerializer(many=True))
    def get_attachments(self, complaint: Complaint) -> list:
        attachments = self._reading(complaint).attachments.select_related("complaint")
        return AttachmentSerializer(attachments, many=True, context=self.context).data

    @extend_schema_field(RemedySerializer(many=True))
    def get_remedies(self, complaint: Complaint) -> list:
        return RemedySerializer(self._reading(complaint).remedies, many=True).data

    @extend_schema_field(ImprovementActionSerializer(many=True))
    def get_improvement_actions(self, complaint: Complaint) -> list:
        return ImprovementActionSerializer(self._reading(complaint).improvement_actions, many=True).data

    @extend_schema_field(AppealSerializer(allow_null=True))
    def get_appeal(self, complaint: Complaint) -> dict | None:
        appeal = Appeal.objects.filter(complaint=complaint).first()
        return None if appeal is None else AppealSerializer(appeal).data

    @extend_schema_field(ClockSerializer(many=True))
    def get_clocks(self, complaint: Complaint) -> list:
        return ClockSerializer(clocks_for_subject(subject=complaint), many=True).data

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=ACTION_NAMES)))
    def get_available_actions(self, complaint: Complaint) -> list[str]:
        return complaint_actions_for_user(user=self.context["request"].user, complaint=complaint)
