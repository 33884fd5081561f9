"""Forms of the course pages: evaluate a course, suggest an update, answer a suggestion, reply to a comment.
The services do every check that matters; a refusal is shown next to the field it names."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import evidence_field
from core.forms import form_add_service_error as shared_form_add_service_error
from core.validators import validate_no_bidi_controls
from ratings.models import COMMENT_MAX_LENGTH, REPLY_MAX_LENGTH

from .evaluations.models import TEXT_MAX_LENGTH as ANSWER_MAX_LENGTH
from .evaluations.models import EvaluationQuestion, QuestionKind
from .evaluations.services import question_field
from .suggestions.models import REASON_MAX_LENGTH, TEXT_MAX_LENGTH, VERSION_MAX_LENGTH, Kind
from .suggestions.services import MAX_ATTACHMENTS, MAX_CHAPTER

FORM_FIELD_FOR = {"attachments": "evidence"}
SCORE_CHOICES = [(score, str(score)) for score in range(5, 0, -1)]


def form_add_service_error(form: forms.Form, error) -> None:
    """Show a service's refusal next to the form's field that carries the argument it names, else on top."""
    shared_form_add_service_error(form, error, field_for=FORM_FIELD_FOR)


def _score_field(label, *, required: bool = True, help_text="") -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=SCORE_CHOICES,
        coerce=int,
        empty_value=None,
        required=required,
        widget=forms.RadioSelect,
        help_text=help_text,
    )


class EvaluationForm(forms.Form):
    """The course's questionnaire, then the overall score and an optional public comment."""

    score = _score_field(
        _("Overall, how good was the course?"), help_text=_("5 is excellent, 1 is very poor.")
    )
    comment = forms.CharField(
        label=_("A comment for other learners"),
        required=False,
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[validate_no_bidi_controls],
        help_text=_(
            "Shown on the course's page after moderation, without your name; the instructors may answer."
        ),
    )

    def __init__(self, *args, questions: list[EvaluationQuestion], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for question in questions:
            if question.kind == QuestionKind.LIKERT:
                self.fields[question_field(question)] = _score_field(
                    question.localized_text,
                    required=question.required,
                    help_text=_("5 is fully agree, 1 is fully disagree."),
                )
            else:
                self.fields[question_field(question)] = forms.CharField(
                    label=question.localized_text,
                    required=question.required,
                    max_length=ANSWER_MAX_LENGTH,
                    widget=forms.Textarea(attrs={"rows": 3}),
                    validators=[validate_no_bidi_controls],
                    help_text=_("Read by the course's instructors after moderation, never with your name."),
                )
        # The questionnaire first, the overall score and the comment last.
        self.order_fields([question_field(question) for question in questions])

    def submit_arguments(self) -> dict:
        data = dict(self.cleaned_data)
        score, comment = data.pop("score"), data.pop("comment")
        return {"score": score, "comment": comment, "answers": data}


class SuggestionForm(forms.Form):
    kind = forms.ChoiceField(label=_("What should change?"), choices=Kind.choices, widget=forms.RadioSelect)
    chapter = forms.IntegerField(
        label=_("Chapter"),
        required=False,
        min_value=1,
        max_value=MAX_CHAPTER,
        help_text=_("For an error: the number of the chapter it is in."),
    )
    text = forms.CharField(
        label=_("Your suggestion"),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        validators=[validate_no_bidi_controls],
    )
    evidence = evidence_field(count=MAX_ATTACHMENTS)

    def proposing_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "chapter": data["chapter"],
            "text": data["text"],
            "attachments": data["evidence"],
        }


class AnswerNoteForm(forms.Form):
    note = forms.CharField(
        label=_("Note for the learners (optional)"),
        required=False,
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        validators=[validate_no_bidi_controls],
    )


class AcceptForm(AnswerNoteForm):
    prefix = "accept"


class PlanForm(AnswerNoteForm):
    prefix = "plan"


class DeclineForm(forms.Form):
    prefix = "decline"
    reason = forms.CharField(
        label=_("Reason (shown to the learners)"),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[validate_no_bidi_controls],
    )


class DoneForm(forms.Form):
    prefix = "done"
    version = forms.CharField(
        label=_("Version it landed in"),
        max_length=VERSION_MAX_LENGTH,
        validators=[validate_no_bidi_controls],
        help_text=_("An existing version of the course, or a new one, e.g. 2.1."),
    )
    released_on = forms.DateField(
        label=_("Released on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("For a new version: empty means today."),
    )
    note = AnswerNoteForm.base_fields["note"]


class ReplyForm(forms.Form):
    text = forms.CharField(
        label=_("Your public reply"),
        max_length=REPLY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[validate_no_bidi_controls],
    )
