"""Forms of the learners' feedback pages; the services do every check that matters."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.roles import Role
from accounts.selectors import learners_of_guardian
from core.forms import evidence_field
from core.forms import form_add_service_error as shared_form_add_service_error
from core.validators import validate_no_bidi_controls
from courses.models import Course, Instructor

from .models import MAX_TEXT_LENGTH, FeedbackCategory
from .services import MAX_ATTACHMENTS_PER_ITEM, Subject

# The services name their arguments; the forms' fields that carry them are named for the reader.
FORM_FIELD_FOR = {"attachments": "evidence"}


def form_add_service_error(form: forms.Form, error) -> None:
    """Show a service's refusal next to the form's field that carries the argument it names, else on top."""
    shared_form_add_service_error(form, error, field_for=FORM_FIELD_FOR)


class FeedbackGiveForm(forms.Form):
    learner = forms.ModelChoiceField(label=_("On behalf of"), queryset=User.objects.none())
    category = forms.ModelChoiceField(
        label=_("What is your feedback about?"), queryset=FeedbackCategory.objects.none()
    )
    course = forms.ModelChoiceField(
        label=_("Course"),
        queryset=Course.objects.none(),
        required=False,
        help_text=_("Leave empty if the feedback is not about a course."),
    )
    instructor = forms.ModelChoiceField(
        label=_("Teacher"),
        queryset=Instructor.objects.none(),
        required=False,
        help_text=_("Optional: the teacher of that course it is about."),
    )
    text = forms.CharField(
        max_length=MAX_TEXT_LENGTH,
        label=_("Your suggestion or opinion"),
        widget=forms.Textarea(attrs={"rows": 6}),
        validators=[validate_no_bidi_controls],
    )
    is_urgent = forms.BooleanField(
        label=_("This is urgent"),
        required=False,
        help_text=_("Urgent feedback gets a handling plan within 24 hours, e.g. broken equipment in use."),
    )
    is_anonymous = forms.BooleanField(
        label=_("Give it anonymously"),
        required=False,
        help_text=_(
            "Your name is not kept with it. You follow it through a private link shown once, and "
            "get no notices."
        ),
    )
    evidence = evidence_field(count=MAX_ATTACHMENTS_PER_ITEM)

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["category"].queryset = FeedbackCategory.objects.filter(is_active=True)
        self.fields["category"].label_from_instance = lambda category: category.localized_name
        if user.has_role(Role.PARENT):
            learners = learners_of_guardian(guardian=user)
            if user.has_role(Role.LEARNER):
                learners = User.objects.filter(Q(pk=user.pk) | Q(pk__in=learners.values("pk")))
            self.fields["learner"].queryset = learners.order_by("display_name")
            self.fields["learner"].label_from_instance = lambda person: person.display_name
            learner_ids = list(self.fields["learner"].queryset.values_list("pk", flat=True))
        else:
            del self.fields["learner"]
            learner_ids = [user.pk]
        courses = Course.objects.filter(enrolments__learner__in=learner_ids, is_active=True).distinct()
        self.fields["course"].queryset = courses.order_by("code")
        self.fields["course"].label_from_instance = lambda course: f"{course.code} {course.title}"
        self.fields["instructor"].queryset = (
            Instructor.objects.filter(courses__in=courses).distinct().order_by("name")
        )

    def giving_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "learner": data.get("learner") or self.user,
            "subject": Subject(
                category=data["category"], course=data["course"], instructor=data["instructor"]
            ),
            "text": data["text"],
            "is_urgent": data["is_urgent"],
            "is_anonymous": data["is_anonymous"],
            "attachments": data["evidence"],
        }


class RatingForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How well was it handled?"),
        choices=[(score, str(score)) for score in range(5, 0, -1)],
        coerce=int,
        widget=forms.RadioSelect,
        help_text=_("5 is very well, 1 is very badly."),
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=MAX_TEXT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[validate_no_bidi_controls],
    )
