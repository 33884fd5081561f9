"""The answer page's form: one field per answer slot, built from the questionnaire."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .answers import AnswerSlot, InvalidAnswers, answers_clean
from .models import MAX_TEXT_LENGTH, Question

LIKERT_CHOICES = [
    ("1", _("1 · strongly disagree")),
    ("2", _("2 · disagree")),
    ("3", _("3 · neither")),
    ("4", _("4 · agree")),
    ("5", _("5 · strongly agree")),
]


def _label(slot: AnswerSlot) -> str:
    if slot.instructor is None:
        return slot.question.text
    return _("%(question)s (%(instructor)s)") % {
        "question": slot.question.text,
        "instructor": slot.instructor.name,
    }


class AnswerForm(forms.Form):
    def __init__(self, *args, slots: list[AnswerSlot], **kwargs):
        super().__init__(*args, **kwargs)
        self.slots = slots
        for slot in slots:
            question, required = slot.question, slot.question.is_required
            options = [(str(index), text) for index, text in enumerate(question.choices)]
            if question.kind == Question.Kind.LIKERT:
                field = forms.ChoiceField(choices=LIKERT_CHOICES, widget=forms.RadioSelect, required=required)
            elif question.kind == Question.Kind.SINGLE:
                field = forms.ChoiceField(choices=options, widget=forms.RadioSelect, required=required)
            elif question.kind == Question.Kind.MULTIPLE:
                field = forms.MultipleChoiceField(
                    choices=options, widget=forms.CheckboxSelectMultiple, required=required
                )
            else:
                field = forms.CharField(
                    widget=forms.Textarea(attrs={"rows": 4}), max_length=MAX_TEXT_LENGTH, required=required
                )
            field.label = _label(slot)
            self.fields[slot.key] = field

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        try:
            self.answers = answers_clean(slots=self.slots, raw=cleaned)
        except InvalidAnswers as refused:
            for key, messages in refused.errors.items():
                self.add_error(key if key in self.fields else None, messages)
        return cleaned
