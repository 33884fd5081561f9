"""The holder's form: a qualification with its scanned copy."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.validators import validate_no_bidi_controls

from .models import ISSUER_MAX_LENGTH, LEVEL_MAX_LENGTH, NUMBER_MAX_LENGTH, QualificationKind


class QualificationSubmitForm(forms.Form):
    kind = forms.ModelChoiceField(label=_("Kind"), queryset=QualificationKind.objects.none())
    number = forms.CharField(
        label=_("Certificate number"), max_length=NUMBER_MAX_LENGTH, validators=[validate_no_bidi_controls]
    )
    issuer = forms.CharField(
        label=_("Issuing body"), max_length=ISSUER_MAX_LENGTH, validators=[validate_no_bidi_controls]
    )
    level = forms.CharField(
        label=_("Level"), max_length=LEVEL_MAX_LENGTH, required=False, validators=[validate_no_bidi_controls]
    )
    valid_from = forms.DateField(label=_("Valid from"), widget=forms.DateInput(attrs={"type": "date"}))
    valid_until = forms.DateField(
        label=_("Valid until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("The last valid day printed on the certificate; empty if it never lapses."),
    )
    scan = forms.FileField(
        label=_("Scanned copy"),
        help_text=_("A photo (JPEG, PNG) or a PDF of the certificate, up to 10 MB; stored encrypted."),
    )

    def __init__(self, *args, kinds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].queryset = kinds
