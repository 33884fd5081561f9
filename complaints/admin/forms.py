"""The small forms of the staff workspace and of the queue's actions; each feeds one service."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Department, User
from complaints.models import MAX_EXTENSION_DAYS, MAX_TEXT_LENGTH, Remedy
from complaints.services.guards import HANDLING_ROLES
from core.validators import validate_no_bidi_controls


def handling_staff() -> "forms.ModelChoiceField":
    people = User.objects.filter(is_active=True, groups__name__in=[str(role) for role in HANDLING_ROLES])
    return forms.ModelChoiceField(
        label=_("person"), queryset=people.distinct().order_by("display_name"), required=False
    )


class TextForm(forms.Form):
    body = forms.CharField(
        max_length=MAX_TEXT_LENGTH, label=_("text"), widget=forms.Textarea(attrs={"rows": 4})
    )


class QuestionForm(forms.Form):
    question = forms.CharField(
        max_length=MAX_TEXT_LENGTH,
        label=_("question to the complainant"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ResponseForm(forms.Form):
    response = forms.CharField(
        max_length=MAX_TEXT_LENGTH, label=_("response"), widget=forms.Textarea(attrs={"rows": 4})
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        max_length=MAX_TEXT_LENGTH,
        label=_("reason"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )


class RequiredReasonForm(forms.Form):
    reason = forms.CharField(
        max_length=MAX_TEXT_LENGTH, label=_("reason"), widget=forms.Textarea(attrs={"rows": 2})
    )


class ResolutionForm(forms.Form):
    response = forms.CharField(
        max_length=MAX_TEXT_LENGTH, label=_("response"), widget=forms.Textarea(attrs={"rows": 4})
    )
    remedy = forms.ChoiceField(
        label=_("remedy for the learner"), choices=[("", "—"), *Remedy.Kind.choices], required=False
    )
    amount = forms.DecimalField(
        label=_("refund amount (CNY)"), max_digits=10, decimal_places=2, required=False
    )
    days = forms.IntegerField(
        label=_("extension (days)"), min_value=1, max_value=MAX_EXTENSION_DAYS, required=False
    )


class AssignForm(forms.Form):
    department = forms.ModelChoiceField(
        label=_("department"), queryset=Department.objects.order_by("code"), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"] = handling_staff()


class ImprovementActionForm(forms.Form):
    title = forms.CharField(label=_("title"), max_length=200, validators=[validate_no_bidi_controls])
    description = forms.CharField(
        max_length=MAX_TEXT_LENGTH,
        label=_("description"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    due_date = forms.DateField(label=_("due date"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"] = handling_staff()
        self.fields["owner"].required = True
        self.fields["due_date"].initial = timezone.localdate()
