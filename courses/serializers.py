"""The course endpoints' shapes: a course's public page, its suggestions, an evaluation's questionnaire and
answers, an instructor's results. None of them names who evaluated, proposed or supported."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from ratings.models import COMMENT_MAX_LENGTH
from ratings.serializers import PublishedSummarySerializer

from .evaluations.models import EvaluationQuestion
from .suggestions.models import (
    REASON_MAX_LENGTH,
    TEXT_MAX_LENGTH,
    VERSION_MAX_LENGTH,
    CourseVersion,
    Kind,
    SuggestionEvent,
    UpdateSuggestion,
)
from .suggestions.services import MAX_CHAPTER


class PublicCourseSerializer(serializers.Serializer):
    code = serializers.CharField(read_only=True)
    title = serializers.CharField(read_only=True)
    description = serializers.CharField(read_only=True)
    lesson_count = serializers.IntegerField(read_only=True)
    instructors = serializers.SerializerMethodField()
    rating = PublishedSummarySerializer(
        read_only=True,
        allow_null=True,
        help_text=_("Absent until the published summary counts enough ratings."),
    )

    def get_instructors(self, course) -> list[str]:
        return [instructor.name for instructor in course.teaching]


class CourseVersionSerializer(serializers.ModelSerializer):
    suggestions = serializers.SerializerMethodField(
        help_text=_("The references of the suggestions it landed.")
    )

    class Meta:
        model = CourseVersion
        fields = ["number", "released_on", "notes", "suggestions"]

    def get_suggestions(self, version) -> list[str]:
        return [suggestion.reference for suggestion in version.landed]


class SuggestionSerializer(serializers.ModelSerializer):
    course = serializers.CharField(source="course.code", read_only=True)
    version = serializers.CharField(source="version.number", read_only=True, allow_null=True, default=None)
    support_count = serializers.IntegerField(read_only=True)
    supported_by_me = serializers.BooleanField(read_only=True)

    class Meta:
        model = UpdateSuggestion
        fields = [
            "reference",
            "course",
            "kind",
            "chapter",
            "text",
            "state",
            "decline_reason",
            "version",
            "support_count",
            "supported_by_me",
            "created_at",
        ]


class SuggestionEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = SuggestionEvent
        fields = ["kind", "from_state", "to_state", "body", "created_at"]


class SuggestionDetailSerializer(SuggestionSerializer):
    events = serializers.SerializerMethodField()
    available_actions = serializers.SerializerMethodField()

    class Meta(SuggestionSerializer.Meta):
        fields = [*SuggestionSerializer.Meta.fields, "events", "available_actions"]

    def get_events(self, suggestion) -> list[dict]:
        return SuggestionEventSerializer(self.context["reading"].events, many=True).data

    def get_available_actions(self, suggestion) -> list[str]:
        return list(self.context.get("actions", []))


class SuggestionProposeInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Kind.choices)
    chapter = serializers.IntegerField(min_value=1, max_value=MAX_CHAPTER, required=False, allow_null=True)
    text = serializers.CharField(max_length=TEXT_MAX_LENGTH)


class SuggestionNoteInput(serializers.Serializer):
    note = serializers.CharField(max_length=REASON_MAX_LENGTH, required=False, allow_blank=True, default="")


class SuggestionDeclineInput(serializers.Serializer):
    reason = serializers.CharField(max_length=REASON_MAX_LENGTH)


class SuggestionDoneInput(serializers.Serializer):
    version = serializers.CharField(max_length=VERSION_MAX_LENGTH)
    released_on = serializers.DateField(required=False, allow_null=True, default=None)
    note = serializers.CharField(max_length=REASON_MAX_LENGTH, required=False, allow_blank=True, default="")


class QuestionSerializer(serializers.ModelSerializer):
    field = serializers.SerializerMethodField(help_text=_("The key of its answer in ``answers``."))
    text = serializers.CharField(source="localized_text", read_only=True)

    class Meta:
        model = EvaluationQuestion
        fields = ["field", "position", "kind", "text", "required"]

    def get_field(self, question) -> str:
        return f"question_{question.pk}"


class EvaluationOfferSerializer(serializers.Serializer):
    """Whether the enrolment may be evaluated now (and why not), and the questionnaire it uses."""

    allowed = serializers.BooleanField(read_only=True)
    code = serializers.CharField(read_only=True, help_text=_("Why not, for programs; empty when allowed."))
    reason = serializers.CharField(read_only=True, help_text=_("Why not, in the reader's language."))
    questions = QuestionSerializer(many=True, read_only=True)


class EvaluationInput(serializers.Serializer):
    score = serializers.IntegerField(
        min_value=1, max_value=5, help_text=_("The overall score of the course.")
    )
    comment = serializers.CharField(
        max_length=COMMENT_MAX_LENGTH, required=False, allow_blank=True, default=""
    )
    answers = serializers.DictField(
        required=False,
        default=dict,
        help_text=_("The questionnaire's answers by their field: a score 1-5, or a text."),
    )


class EvaluationCreatedSerializer(serializers.Serializer):
    course = serializers.CharField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)


class QuestionResultSerializer(serializers.Serializer):
    question_id = serializers.IntegerField(read_only=True)
    text = serializers.CharField(read_only=True)
    answers = serializers.IntegerField(read_only=True)
    mean = serializers.DecimalField(max_digits=3, decimal_places=2, read_only=True)
    low = serializers.IntegerField(read_only=True, help_text=_("Answers of 1 or 2."))
    high = serializers.IntegerField(read_only=True, help_text=_("Answers of 4 or 5."))
    is_weakness = serializers.BooleanField(read_only=True)
    is_strength = serializers.BooleanField(read_only=True)


class ResultTextSerializer(serializers.Serializer):
    question = serializers.CharField(read_only=True)
    text = serializers.CharField(read_only=True)
    published_in = serializers.DateField(read_only=True, allow_null=True)


class GroupResultSerializer(serializers.Serializer):
    course = serializers.CharField(source="course.code", read_only=True, allow_null=True, default=None)
    term = serializers.CharField(source="term.name", read_only=True, allow_null=True, default=None)
    evaluations = serializers.IntegerField(read_only=True)
    items = QuestionResultSerializer(many=True, read_only=True, help_text=_("Lowest mean first."))
    texts = ResultTextSerializer(many=True, read_only=True)


class CommentReplyInput(serializers.Serializer):
    text = serializers.CharField(max_length=2000)
