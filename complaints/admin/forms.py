"""The small forms of the staff workspace and of the queue's actions; each feeds one service."""

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import Department, User
from complaints.models import Appeal, Complaint, Remedy
from complaints.services.guards import HANDLING_ROLES, people_concerned


def handling_staff(*, complaints: QuerySet[Complaint] | None = None) -> "forms.ModelChoiceField":
    """A choice of active handling staff, leaving out the people any of the complaints is about (the
    services refuse them: offering them would only lead to a refusal)."""
    people = User.objects.filter(is_active=True, groups__name__in=[str(role) for role in HANDLING_ROLES])
    if complaints is not None:
        people = people.exclude(people_concerned(complaints))
    return forms.ModelChoiceField(
        label=pgettext_lazy("staff member", "person"),
        queryset=people.distinct().order_by("display_name"),
        required=False,
    )


class TextForm(forms.Form):
    body = forms.CharField(label=_("text"), widget=forms.Textarea(attrs={"rows": 4}))


class QuestionForm(forms.Form):
    question = forms.CharField(
        label=_("question to the complainant"), widget=forms.Textarea(attrs={"rows": 3})
    )


class ResponseForm(forms.Form):
    response = forms.CharField(label=_("response"), widget=forms.Textarea(attrs={"rows": 4}))


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class RequiredReasonForm(forms.Form):
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 2}))


class ResolutionForm(forms.Form):
    response = forms.CharField(label=_("response"), widget=forms.Textarea(attrs={"rows": 4}))
    remedy = forms.ChoiceField(
        label=_("remedy for the learner"), choices=[("", "—"), *Remedy.Kind.choices], required=False
    )
    amount = forms.DecimalField(
        label=_("refund amount (CNY)"), max_digits=10, decimal_places=2, required=False
    )
    days = forms.IntegerField(label=_("extension (days)"), min_value=1, required=False)

    def clean(self):
        data = super().clean()
        if (
            data.get("remedy") == Remedy.Kind.REFUND
            and data.get("amount") is None
            and "amount" not in self.errors
        ):
            self.add_error("amount", _("A refund needs an amount in yuan."))
        return data


class AppealDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("decision"),
        choices=[(choice, choice.label) for choice in (Appeal.Decision.REVISED, Appeal.Decision.UPHELD)],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("reasons for the decision"),
        help_text=_("The complainant reads them."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ComplaintsForm(forms.Form):
    """A form about given complaints, whose choices of people leave out those the complaints are about."""

    def __init__(self, *args, complaints: QuerySet[Complaint] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.complaints = complaints


class AssignForm(ComplaintsForm):
    department = forms.ModelChoiceField(
        label=_("department"), queryset=Department.objects.order_by("code"), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"] = handling_staff(complaints=self.complaints)


class ImprovementActionForm(ComplaintsForm):
    title = forms.CharField(label=_("title"), max_length=200)
    description = forms.CharField(
        label=_("description"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    due_date = forms.DateField(label=_("due date"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"] = handling_staff(complaints=self.complaints)
        self.fields["owner"].required = True
        self.fields["due_date"].initial = timezone.localdate()


def form_for(form_class: type[forms.Form], data=None, *, complaints: QuerySet[Complaint]) -> forms.Form:
    """Build the form, empty or bound; a form that offers people is told the complaints it is about."""
    if issubclass(form_class, ComplaintsForm):
        return form_class(data, complaints=complaints)
    return form_class(data)
