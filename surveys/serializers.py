from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from .models import Audience, Invitation, Purpose, Question


class InvitationSerializer(serializers.ModelSerializer):
    survey_reference = serializers.CharField(source="survey.reference")
    survey_title = serializers.CharField(source="survey.title")
    survey_state = serializers.CharField(source="survey.state")
    survey_purpose = serializers.ChoiceField(source="survey.purpose", choices=Purpose.choices)
    opens_on = serializers.DateField(source="survey.opens_on")
    closes_on = serializers.DateField(source="survey.closes_on")
    course = serializers.CharField(
        source="course.code",
        allow_null=True,
        help_text=_("The course asked about; none in an opinion survey."),
    )
    audience = serializers.ChoiceField(
        choices=Audience.choices, help_text=_("The group the answers are counted in.")
    )
    has_responded = serializers.BooleanField()

    class Meta:
        model = Invitation
        fields = [
            "id",
            "survey_reference",
            "survey_title",
            "survey_state",
            "survey_purpose",
            "opens_on",
            "closes_on",
            "course",
            "audience",
            "has_responded",
        ]


class AnswerSlotSerializer(serializers.Serializer):
    key = serializers.CharField(help_text=_("The key to answer this slot under."))
    kind = serializers.ChoiceField(choices=Question.Kind.choices)
    text = serializers.CharField(source="question.text")
    required = serializers.BooleanField(source="question.is_required")
    instructor = serializers.CharField(source="instructor.name", allow_null=True, default=None)
    choices = serializers.ListField(child=serializers.CharField(), source="question.choices")


class InvitationDetailSerializer(InvitationSerializer):
    slots = serializers.SerializerMethodField()

    class Meta(InvitationSerializer.Meta):
        fields = [*InvitationSerializer.Meta.fields, "slots"]

    def get_slots(self, invitation) -> list[dict]:
        rows = [
            {
                "key": slot.key,
                "kind": slot.question.kind,
                "question": slot.question,
                "instructor": slot.instructor,
            }
            for slot in self.context["slots"]
        ]
        return AnswerSlotSerializer(rows, many=True).data


class AnswersInput(serializers.Serializer):
    answers = serializers.DictField(
        child=serializers.JSONField(),
        help_text=_(
            "Slot key -> answer: 1 to 5 for agreement, the option's index for one choice, a list of indexes "
            "for several, text for free text."
        ),
    )


class RateSerializer(serializers.Serializer):
    course = serializers.CharField(source="course_code", allow_null=True)
    school_class = serializers.CharField(source="school_class_name", allow_null=True)
    invited = serializers.IntegerField()
    answered = serializers.IntegerField()
    percent = serializers.IntegerField()


class ResultQuery(serializers.Serializer):
    by = serializers.ChoiceField(
        choices=["course", "instructor", "school_class"], default="course", required=False
    )


class ResultSerializer(serializers.Serializer):
    course_id = serializers.IntegerField()
    instructor_id = serializers.IntegerField(allow_null=True)
    school_class_id = serializers.IntegerField(allow_null=True)
    responses = serializers.IntegerField(allow_null=True)
    mean_score = serializers.FloatField(allow_null=True)
    suppressed = serializers.BooleanField()
