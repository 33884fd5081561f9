"""The small forms of the staff workspace and of the queue's actions; each feeds one service."""

from collections.abc import Iterable

from django import forms
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import Department, User
from complaints.models import MAX_EXTENSION_DAYS, MAX_TEXT_LENGTH, Appeal, Complaint, Remedy
from complaints.services.guards import HANDLING_ROLES, people_concerned
from core.validators import validate_no_bidi_controls
from courses.models import Enrolment


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


class ComplaintsForm(forms.Form):
    """A form about given complaints, whose choices (people, enrolments) follow the complaints."""

    def __init__(self, *args, complaints: QuerySet[Complaint] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.complaints = complaints


# The remedies that act on one enrolment: a refund of what was paid for it, an extension of its validity.
REMEDIES_ON_AN_ENROLMENT = frozenset({Remedy.Kind.REFUND, Remedy.Kind.VALIDITY_EXTENSION})


class ResolutionForm(ComplaintsForm):
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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enrolment"] = self._enrolment_field()
        self.order_fields(["response", "remedy", "enrolment", "amount", "days"])

    def _enrolment_field(self) -> forms.ModelChoiceField:
        """The complaint's learner's enrolments, read in one query; the one in the course the complaint is
        about (or the learner's only one) is chosen already."""
        enrolments = Enrolment.objects.none()
        if self.complaints is not None:
            enrolments = (
                Enrolment.objects.filter(learner__complaints_affecting__in=self.complaints)
                .select_related("course")
                .annotate(concerned=Exists(self.complaints.filter(subject_course=OuterRef("course_id"))))
                .order_by("-concerned", "-start_date", "pk")
            )
        field = forms.ModelChoiceField(
            label=_("enrolment"),
            queryset=enrolments,
            required=False,
            help_text=_("The learner's enrolment that the refund or the validity extension is for."),
        )
        listed = list(enrolments)
        field.choices = [("", "—")] + [(enrolment.pk, _enrolment_label(enrolment)) for enrolment in listed]
        if listed and (listed[0].concerned or len(listed) == 1):
            field.initial = listed[0].pk
        return field

    def clean(self):
        data = super().clean()
        if (
            data.get("remedy") == Remedy.Kind.REFUND
            and data.get("amount") is None
            and "amount" not in self.errors
        ):
            self.add_error("amount", _("A refund needs an amount in yuan."))
        if data.get("remedy") == Remedy.Kind.VALIDITY_EXTENSION:
            if data.get("enrolment") is None and "enrolment" not in self.errors:
                self.add_error("enrolment", _("A validity extension needs the enrolment to extend."))
            if data.get("days") is None and "days" not in self.errors:
                self.add_error("days", _("A validity extension needs a number of days above zero."))
        return data


def _enrolment_label(enrolment: Enrolment) -> str:
    return _("%(course)s, valid until %(date)s") % {
        "course": enrolment.course,
        "date": date_format(enrolment.valid_until),
    }


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


_MARKUP_CACHE_SIZE = 256
_markups: dict[tuple, str] = {}


def _shown(form: forms.Form) -> tuple:
    """What an unbound form shows: per field, its initial value and its choices (people, departments)."""
    shown = []
    for name, field in form.fields.items():
        choices = getattr(field, "choices", None)
        shown.append(
            (
                name,
                form.get_initial_for_field(field, name),
                None if choices is None else tuple((str(value), str(label)) for value, label in choices),
            )
        )
    return tuple(shown)


def form_markup(form: forms.Form) -> str:
    """Return the form's fields as HTML.

    An unbound form looks the same wherever it shows the same initial values and choices, so its markup is
    rendered once per language and content: the workspace shows half a dozen forms on every page (two with a
    list of staff), and rendering their fields through the widget templates was a good part of the page's
    time. A bound form (with what was posted and its errors) is always rendered afresh.
    """
    if form.is_bound:
        return form.as_div()
    key = (type(form), form.prefix, form.auto_id, translation.get_language(), _shown(form))
    markup = _markups.get(key)
    if markup is None:
        markup = form.as_div()
        if len(_markups) >= _MARKUP_CACHE_SIZE:
            _markups.pop(next(iter(_markups)))
        _markups[key] = markup
    return markup


def share_people_choices(move_forms: Iterable[forms.Form | None]) -> None:
    """Give the forms that offer handling staff one list of them, read once (they are about the same
    complaints)."""
    fields = [form.fields["owner"] for form in move_forms if form is not None and "owner" in form.fields]
    if not fields:
        return
    first = fields[0]
    # As the field's own iterator gives them, from one plain query (its iterator counts the rows first).
    choices = [("", first.empty_label)] if first.empty_label is not None else []
    choices += [first.iterator(first).choice(person) for person in first.queryset]
    for field in fields:
        field.choices = choices
