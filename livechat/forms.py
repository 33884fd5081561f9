from django import forms
from django.utils.translation import gettext_lazy as _

from core.validators import validate_no_bidi_controls

from .models import MAX_MESSAGE_LENGTH


class ChatOpenForm(forms.Form):
    message = forms.CharField(
        label=_("Your question (optional)"),
        max_length=MAX_MESSAGE_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[validate_no_bidi_controls],
    )
    opened_from = forms.CharField(max_length=200, required=False, widget=forms.HiddenInput)
