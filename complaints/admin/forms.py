"""The small forms of the staff workspace and of the queue's actions; each feeds one service."""

import functools
from collections.abc import Iterable

from django import forms
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import Department, User
from complaints.models import MAX_EXTENSION_DAYS, MAX_TEXT_LENGTH, Appeal, Complaint, Remedy
from complaints.services.guards import HANDLING_ROLES, people_concerned
from core.validators import validate_no_bidi_controls


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
        max_length=MAX_TEXT_LENGTH,
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
        self.fields["owner"] = handling_staff(complaints=self.complaints)
        self.fields["owner"].required = True
        self.fields["due_date"].initial = timezone.localdate()


def move_auto_id(action: str) -> str:
    """Field ids unique on the workspace page, where several moves' forms have a field of the same name."""
    return f"id_{action.replace('-', '_')}_%s"


def form_for(
    form_class: type[forms.Form], data=None, *, complaints: QuerySet[Complaint], auto_id: str = "id_%s"
) -> forms.Form:
    """Build the form, empty or bound; a form that offers people is told the complaints it is about."""
    if issubclass(form_class, ComplaintsForm):
        return form_class(data, complaints=complaints, auto_id=auto_id)
    return form_class(data, auto_id=auto_id)


@functools.lru_cache(maxsize=128)
def _empty_form_markup(form_class: type[forms.Form], auto_id: str, language: str) -> str:
    return form_class(auto_id=auto_id).as_div()


def form_markup(form: forms.Form) -> str:
    """Return the form's fields as HTML.

    An empty form that shows nothing read from the database looks the same on every complaint, so its markup
    is rendered once per language: the workspace shows half a dozen forms on every page, and rendering their
    fields through the widget templates was a good part of the page's time.
    """
    if form.is_bound or isinstance(form, ComplaintsForm):
        return form.as_div()
    return _empty_form_markup(type(form), form.auto_id, translation.get_language())


def share_people_choices(move_forms: Iterable[forms.Form | None]) -> None:
    """Give the forms that offer handling staff one list of them, read once (they are about the same
    complaints)."""
    fields = [form.fields["owner"] for form in move_forms if isinstance(form, ComplaintsForm)]
    if not fields:
        return
    first = fields[0]
    # As the field's own iterator gives them, from one plain query (its iterator counts the rows first).
    choices = [("", first.empty_label)] if first.empty_label is not None else []
    choices += [first.iterator(first).choice(person) for person in first.queryset]
    for field in fields:
        field.choices = choices
