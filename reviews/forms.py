"""The managers' forms: record a review, add a decision, link the opinion survey."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.roles import STAFF_ROLES
from surveys.models import Purpose, Survey

from .models import ReviewKind, RightsMeasure
from .selectors import quarter_before


def staff_people():
    return (
        User.objects.filter(is_active=True, groups__name__in=[str(role) for role in STAFF_ROLES])
        .distinct()
        .order_by("display_name", "pk")
    )


class DateInput(forms.DateInput):
    input_type = "date"


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.display_name


class PeopleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.display_name


def opinion_surveys():
    return Survey.objects.filter(purpose=Purpose.OPINIONS).order_by("-opens_on", "-id")


def opinions_survey_field() -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label=_("Opinion survey"),
        queryset=opinion_surveys(),
        required=False,
        help_text=_(
            "The survey that asked learners, teachers and the team: its response rate and results are "
            "shown with the review."
        ),
    )


class ReviewForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of review"), choices=ReviewKind.choices)
    measure = forms.ModelChoiceField(
        label=_("Rights measure"),
        queryset=RightsMeasure.objects.filter(is_active=True),
        required=False,
        help_text=_("Only for the evaluation of a rights measure."),
    )
    held_on = forms.DateField(label=_("Held on"), widget=DateInput)
    period_start = forms.DateField(label=_("Period from"), widget=DateInput)
    period_end = forms.DateField(label=_("Period to"), widget=DateInput)
    responsible = PersonChoiceField(
        label=_("Person responsible"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("Empty: the measure's responsible person for an evaluation, else you."),
    )
    participants = PeopleChoiceField(label=_("Participants"), queryset=User.objects.none(), required=False)
    findings = forms.CharField(label=_("Findings"), widget=forms.Textarea)
    opinions_summary = forms.CharField(
        label=_("Opinions gathered"),
        widget=forms.Textarea,
        required=False,
        help_text=_("What learners, teachers and the team said when asked before the review."),
    )
    opinions_source = forms.CharField(
        label=_("Where the opinions come from"),
        max_length=300,
        required=False,
        help_text=_("A reference or address of the survey or meeting that gathered them."),
    )
    opinions_survey = opinions_survey_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible"].queryset = staff_people()
        self.fields["participants"].queryset = staff_people()
        if not self.is_bound:
            first, last = quarter_before(timezone.localdate())
            self.initial.setdefault("held_on", timezone.localdate())
            self.initial.setdefault("period_start", first)
            self.initial.setdefault("period_end", last)


class DecisionForm(forms.Form):
    change = forms.CharField(label=_("What changes"), widget=forms.Textarea, max_length=2000)
    owner = PersonChoiceField(label=_("Owner"), queryset=User.objects.none())
    due_date = forms.DateField(label=_("Due date"), widget=DateInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = staff_people()


class OpinionsSurveyForm(forms.Form):
    """Link a recorded review to its opinion survey (empty: unlink it)."""

    opinions_survey = opinions_survey_field()
