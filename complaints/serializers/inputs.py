"""What each complaint endpoint accepts. These check the shape of the input (types, required fields, that
named rows exist); the services check the rules (who may, in which state, within which limits)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import Department, User
from accounts.selectors import learner_accounts, staff_accounts
from complaints.models import MAX_EXTENSION_DAYS, MAX_TEXT_LENGTH, Appeal, Category, Channel, Remedy, Severity
from complaints.selectors import complaint_list_for_user
from complaints.services import Flag, RemedyProposal
from complaints.states import State
from core.validators import validate_no_bidi_controls
from courses.models import Course, Enrolment, Instructor


def _person(**kwargs) -> serializers.PrimaryKeyRelatedField:
    return serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), **kwargs)


def _one_of(queryset, miss: str, **kwargs) -> serializers.PrimaryKeyRelatedField:
    """A person among ``queryset``; any other id, of another kind of account or of none, gets ``miss``: the
    answer does not tell who is registered, nor as what."""
    return serializers.PrimaryKeyRelatedField(
        queryset=queryset, error_messages={"does_not_exist": miss}, **kwargs
    )


def _department(**kwargs) -> serializers.SlugRelatedField:
    return serializers.SlugRelatedField(slug_field="code", queryset=Department.objects.all(), **kwargs)


def _text(**kwargs) -> serializers.CharField:
    return serializers.CharField(max_length=MAX_TEXT_LENGTH, **kwargs)


def _optional_text(**kwargs) -> serializers.CharField:
    return serializers.CharField(
        max_length=MAX_TEXT_LENGTH, required=False, allow_blank=True, default="", **kwargs
    )


@extend_schema_field(OpenApiTypes.STR)
class VisibleComplaintField(serializers.SlugRelatedField):
    """A complaint named by its reference, among those the requesting user may see."""

    def __init__(self, **kwargs):
        super().__init__(slug_field="reference", **kwargs)

    def get_queryset(self):
        return complaint_list_for_user(user=self.context["request"].user)


class ComplaintListQuery(serializers.Serializer):
    state = serializers.ChoiceField(
        choices=State.choices, required=False, help_text=_("Only the complaints in this state.")
    )


class ComplaintFileInput(serializers.Serializer):
    """A new complaint; send it as multipart form data to attach evidence files."""

    category = serializers.SlugRelatedField(
        slug_field="code", queryset=Category.objects.all(), help_text=_("The category's code.")
    )
    title = serializers.CharField(max_length=200, validators=[validate_no_bidi_controls])
    description = _text(validators=[validate_no_bidi_controls])
    channel = serializers.ChoiceField(
        choices=Channel.choices,
        default=Channel.WEB,
        help_text=_(
            "Website or app when complainants file themselves; the other channels are logged by staff."
        ),
    )
    complainant = _person(
        required=False,
        help_text=_(
            "Staff logging a complaint from another channel name the complainant; otherwise yourself."
        ),
    )
    learner = _person(
        required=False, allow_null=True, help_text=_("A parent names the learner concerned (their child).")
    )
    co_learners = _one_of(
        learner_accounts(),
        _("Only learners can be affected learners."),
        many=True,
        required=False,
        help_text=_("Other learners the matter affects."),
    )
    subject_course = serializers.PrimaryKeyRelatedField(
        queryset=Course.objects.all(), required=False, allow_null=True
    )
    subject_instructor = serializers.PrimaryKeyRelatedField(
        queryset=Instructor.objects.all(), required=False, allow_null=True
    )
    subject_department = _department(required=False, allow_null=True)
    subject_staff = _one_of(staff_accounts(), _("Choose a member of staff."), required=False, allow_null=True)
    is_urgent = serializers.BooleanField(default=False)
    attachments = serializers.ListField(
        child=serializers.FileField(), required=False, default=list, help_text=_("JPEG, PNG or PDF files.")
    )


class AssignInput(serializers.Serializer):
    department = _department(required=False, allow_null=True, help_text=_("The department's code."))
    owner = _person(required=False, allow_null=True, help_text=_("The colleague who takes the complaint on."))


class DelegateInput(serializers.Serializer):
    colleague = _person(help_text=_("A colleague outside the complaint's department who may act on it."))


class ReplyInput(serializers.Serializer):
    body = _text(help_text=_("The reply the complainant reads."))


class NoteInput(serializers.Serializer):
    body = _text(help_text=_("A note only staff read."))


class RequestInformationInput(serializers.Serializer):
    question = _text(help_text=_("What the complainant is asked; the complaint waits for their answer."))


def _optional_files() -> serializers.ListField:
    return serializers.ListField(
        child=serializers.FileField(),
        required=False,
        default=list,
        help_text=_("JPEG, PNG or PDF files; send multipart form data to attach them."),
    )


class ComplainantReplyInput(serializers.Serializer):
    body = _text(help_text=_("The answer to staff's question."))
    attachments = _optional_files()


class ComplainantMessageInput(serializers.Serializer):
    body = _text(help_text=_("What the complainant writes to the person handling the complaint."))
    attachments = _optional_files()


class SeverityInput(serializers.Serializer):
    severity = serializers.ChoiceField(choices=Severity.choices)
    reason = _text()


class FlagInput(serializers.Serializer):
    flag = serializers.ChoiceField(choices=Flag.choices)
    value = serializers.BooleanField(help_text=_("True raises the flag, false clears it."))
    reason = _text()


class RemedyInput(serializers.Serializer):
    """One remedy for one affected learner: a refund has an amount, a validity extension days."""

    learner = _person()
    kind = serializers.ChoiceField(choices=Remedy.Kind.choices)
    amount = serializers.DecimalField(
        max_digits=12, decimal_places=2, required=False, allow_null=True, help_text=_("Yuan, for a refund.")
    )
    days = serializers.IntegerField(
        min_value=1,
        max_value=MAX_EXTENSION_DAYS,
        required=False,
        allow_null=True,
        help_text=_("For a validity extension."),
    )
    enrolment = serializers.PrimaryKeyRelatedField(
        queryset=Enrolment.objects.all(), required=False, allow_null=True
    )
    note = _optional_text()


class ProposeResolutionInput(serializers.Serializer):
    response = _text(help_text=_("The response the complainant reads."))
    remedies = RemedyInput(many=True, required=False, default=list)

    def validate_remedies(self, remedies: list[dict]) -> list[RemedyProposal]:
        return [RemedyProposal(**remedy) for remedy in remedies]


class RespondInput(serializers.Serializer):
    response = _text(help_text=_("The response the complainant reads."))


class ApproveInput(serializers.Serializer):
    reason = _optional_text()


class ReturnInput(serializers.Serializer):
    reason = _text(help_text=_("What to rework."))


class SatisfactionInput(serializers.Serializer):
    rating = serializers.IntegerField(min_value=1, max_value=5)
    comment = _optional_text()


class RatingInput(SatisfactionInput):
    """The complainant's rating of a complaint that closed by itself."""


class AppealInput(serializers.Serializer):
    reason = _text(help_text=_("Why the response should be reconsidered."))


class ReviewAppealInput(serializers.Serializer):
    decision = serializers.ChoiceField(choices=[Appeal.Decision.REVISED, Appeal.Decision.UPHELD])
    reason = _text(help_text=_("The reasons for the decision, which the complainant reads."))


class RejectInput(serializers.Serializer):
    reason = _text(help_text=_("Why the complaint is out of scope; the complainant reads it."))


class MergeInput(serializers.Serializer):
    into = VisibleComplaintField(help_text=_("The reference of the complaint that handles the same matter."))


class WithdrawInput(serializers.Serializer):
    reason = _optional_text()


class EvidenceInput(serializers.Serializer):
    attachments = serializers.ListField(
        child=serializers.FileField(), allow_empty=False, help_text=_("JPEG, PNG or PDF files.")
    )


class AffectedLearnersInput(serializers.Serializer):
    learners = _person(many=True, allow_empty=False)


class ImprovementActionInput(serializers.Serializer):
    title = serializers.CharField(max_length=200, validators=[validate_no_bidi_controls])
    description = _optional_text()
    owner = _person(help_text=_("The colleague who carries it out."))
    due_date = serializers.DateField()
    department = _department(
        required=False, allow_null=True, help_text=_("The department responsible; the owner's by default.")
    )
