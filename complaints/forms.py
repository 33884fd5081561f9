"""Forms of the learners' and parents' complaint pages; the services do every check that matters."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.roles import Role
from accounts.selectors import learner_accounts, learners_of_guardian
from accounts.validators import normalize_cn_mobile
from core.forms import EvidenceField
from core.forms import evidence_field as shared_evidence_field
from core.forms import form_add_service_error as shared_form_add_service_error
from core.validators import validate_no_bidi_controls
from courses.models import Course, Instructor

from .models import MAX_TEXT_LENGTH, Category
from .services import MAX_ATTACHMENTS_PER_COMPLAINT

MAX_CO_COMPLAINANTS = 200

# The services name their arguments; the forms' fields that carry them are named for the reader.
FORM_FIELD_FOR = {
    "attachments": "evidence",
    "co_learners": "co_complainants",
    "subject_course": "course",
    "subject_instructor": "instructor",
}


def form_add_service_error(form: forms.Form, error) -> None:
    """Show a service's refusal next to the form's field that carries the argument it names, else on top."""
    shared_form_add_service_error(form, error, field_for=FORM_FIELD_FOR)


def evidence_field() -> EvidenceField:
    return shared_evidence_field(count=MAX_ATTACHMENTS_PER_COMPLAINT)


class ComplaintFileForm(forms.Form):
    learner = forms.ModelChoiceField(
        label=_("On behalf of"),
        queryset=User.objects.none(),
        help_text=_("The learner the complaint concerns."),
    )
    category = forms.ModelChoiceField(label=_("What is it about?"), queryset=Category.objects.none())
    course = forms.ModelChoiceField(
        label=_("Course"),
        queryset=Course.objects.none(),
        required=False,
        help_text=_("Leave empty if the complaint is not about a course."),
    )
    instructor = forms.ModelChoiceField(
        label=_("Instructor concerned"),
        queryset=Instructor.objects.none(),
        required=False,
        help_text=_("Optional: an instructor of your courses whom the complaint is about."),
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        help_text=_("One line that says what happened."),
        validators=[validate_no_bidi_controls],
    )
    description = forms.CharField(
        max_length=MAX_TEXT_LENGTH,
        label=_("What happened"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("When and where it happened, who was involved, and what you would like us to do."),
        validators=[validate_no_bidi_controls],
    )
    is_urgent = forms.BooleanField(
        label=_("This is urgent"),
        required=False,
        help_text=_("Urgent complaints are answered within 24 hours, e.g. a safety risk or a deadline."),
    )
    co_complainants = forms.CharField(
        label=_("Other learners affected"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Optional. One e-mail address or mobile number per line, of learners registered here."),
    )
    evidence = evidence_field()

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["category"].queryset = Category.objects.filter(is_active=True).order_by("code")
        self.fields["category"].label_from_instance = lambda category: category.localized_name
        if user.has_role(Role.PARENT):
            learners = learners_of_guardian(guardian=user)
            if user.has_role(Role.LEARNER):
                learners = User.objects.filter(Q(pk=user.pk) | Q(pk__in=learners.values("pk")))
            self.fields["learner"].queryset = learners.order_by("display_name")
            self.fields["learner"].label_from_instance = lambda person: person.display_name
        else:
            del self.fields["learner"]
        self.fields["course"].queryset = Course.objects.filter(
            enrolments__learner__in=self._learner_ids()
        ).distinct()
        self.fields["course"].label_from_instance = lambda course: f"{course.code} {course.title}"
        self.fields["instructor"].queryset = (
            Instructor.objects.filter(courses__enrolments__learner__in=self._learner_ids())
            .distinct()
            .order_by("name")
        )

    def _learner_ids(self) -> list[int]:
        if "learner" in self.fields:
            return list(self.fields["learner"].queryset.values_list("pk", flat=True))
        return [self.user.pk]

    def chosen_learner(self) -> User:
        return self.cleaned_data.get("learner") or self.user

    def filing_arguments(self) -> dict:
        """The filing service's arguments that the form carries, from its cleaned data."""
        data = self.cleaned_data
        return {
            "learner": self.chosen_learner(),
            "category": data["category"],
            "title": data["title"],
            "description": data["description"],
            "subject_course": data["course"],
            "subject_instructor": data["instructor"],
            "is_urgent": data["is_urgent"],
            "co_learners": data["co_complainants"],
            "attachments": data["evidence"],
        }

    def clean_co_complainants(self) -> list[User]:
        lines = [line.strip() for line in self.cleaned_data["co_complainants"].splitlines() if line.strip()]
        if len(lines) > MAX_CO_COMPLAINANTS:
            raise forms.ValidationError(
                _("List at most %(count)d learners."), code="too_many", params={"count": MAX_CO_COMPLAINANTS}
            )
        people = []
        mobile_index = User._meta.get_field("mobile_index")
        for line in lines:
            if "@" in line:
                found = learner_accounts().filter(email=User.objects.normalize_email(line))
            else:
                found = learner_accounts().filter(
                    mobile_index=mobile_index.index_for(normalize_cn_mobile(line))
                )
            person = found.first()
            if person is None:
                # One answer for every miss, naming no entry: whether an address belongs to staff, to a
                # parent or to nobody is not the filer's to learn.
                raise forms.ValidationError(
                    _(
                        "Each line must be the e-mail address or mobile number of a learner registered here. "
                        "Check the list."
                    ),
                    code="unknown",
                )
            people.append(person)
        return people

    def clean(self) -> dict:
        cleaned = super().clean()
        course = cleaned.get("course")
        if course is not None and not course.enrolments.filter(learner=self.chosen_learner()).exists():
            self.add_error("course", _("Choose a course the learner is enrolled in."))
        return cleaned


class ReplyForm(forms.Form):
    body = forms.CharField(
        max_length=MAX_TEXT_LENGTH, label=_("Your answer"), widget=forms.Textarea(attrs={"rows": 5})
    )
    evidence = evidence_field()


class MessageForm(forms.Form):
    body = forms.CharField(
        max_length=MAX_TEXT_LENGTH,
        label=_("Your message"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("The person handling your complaint reads it and is told at once."),
    )
    evidence = evidence_field()


class EvidenceForm(forms.Form):
    evidence = evidence_field()

    def clean_evidence(self):
        files = self.cleaned_data["evidence"]
        if not files:
            raise forms.ValidationError(_("Choose at least one file."), code="required")
        return files


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        max_length=MAX_TEXT_LENGTH,
        label=_("Why are you withdrawing it? (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    confirm = forms.BooleanField(label=_("Yes, withdraw this complaint"))


class SatisfactionForm(forms.Form):
    RATINGS = [
        (5, _("5 – very satisfied")),
        (4, _("4 – satisfied")),
        (3, _("3 – neither satisfied nor dissatisfied")),
        (2, _("2 – dissatisfied")),
        (1, _("1 – very dissatisfied")),
    ]
    rating = forms.TypedChoiceField(
        label=_("How satisfied are you with how we handled it?"),
        choices=RATINGS,
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        max_length=MAX_TEXT_LENGTH,
        label=_("Comment (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class AppealForm(forms.Form):
    reason = forms.CharField(
        max_length=MAX_TEXT_LENGTH,
        label=_("Why should the decision be reconsidered?"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("A reviewer who did not handle your complaint will look at it again."),
    )
