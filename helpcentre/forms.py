"""Forms of the help centre's pages: the search box and "was this helpful?"."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.search import MAX_QUERY_LENGTH
from core.validators import validate_no_bidi_controls

from .models import REASON_TEXT_MAX_LENGTH, HelpfulVote


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search the help centre"),
        max_length=MAX_QUERY_LENGTH,
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("For example: 退费")}),
    )


class HelpfulForm(forms.Form):
    answer = forms.TypedChoiceField(
        label=_("Was this article helpful?"),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    reason = forms.ChoiceField(
        label=_("Why?"),
        choices=[("", _("Choose a reason")), *HelpfulVote.Reason.choices],
        required=False,
        help_text=_("Needed when the article did not help."),
    )
    reason_text = forms.CharField(
        label=_("Anything else? (optional)"),
        max_length=REASON_TEXT_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[validate_no_bidi_controls],
    )

    def vote_arguments(self) -> dict:
        data = self.cleaned_data
        return {"is_helpful": data["answer"], "reason": data["reason"], "reason_text": data["reason_text"]}
