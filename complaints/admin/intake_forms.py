"""The forms of the intake screen: finding the person, and the complaint staff log in their name."""

from django import forms
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from accounts.validators import normalize_cn_mobile, validate_cn_mobile
from complaints.forms import ComplaintFileForm
from complaints.models import Channel
from complaints.selectors import complainant_candidates
from complaints.services.filing import STAFF_CHANNELS

MIN_NAME_LENGTH = 2


class PersonSearchForm(forms.Form):
    term = forms.CharField(
        label=_("Name, e-mail address or mobile number"),
        max_length=100,
        help_text=_("A mobile number or an e-mail address must be given in full; a name may be part of one."),
    )

    def clean_term(self) -> str:
        term = self.cleaned_data["term"].strip()
        if normalize_cn_mobile(term).lstrip("+").isdigit():
            validate_cn_mobile(term)
        elif "@" in term:
            validate_email(term)
        elif len(term) < MIN_NAME_LENGTH:
            raise forms.ValidationError(
                _("Enter at least %(count)d characters of the name."),
                code="too_short",
                params={"count": MIN_NAME_LENGTH},
            )
        return term


class PersonChoiceForm(forms.Form):
    """The person picked from the search results; only a learner or parent can be picked."""

    complainant = forms.ModelChoiceField(
        queryset=complainant_candidates(),
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": _("Choose a learner or parent from the search results.")},
    )


class IntakeComplaintForm(ComplaintFileForm):
    """The web form's fields, filled by staff for the complainant, with the channel it came through."""

    channel = forms.TypedChoiceField(
        label=_("Received through"),
        choices=[("", "---------"), *((channel.value, channel.label) for channel in STAFF_CHANNELS)],
        coerce=Channel,
    )
    field_order = ["channel", "learner", "category", "course", "title", "description", "is_urgent"]

    def __init__(self, *args, complainant, **kwargs) -> None:
        super().__init__(*args, user=complainant, **kwargs)
