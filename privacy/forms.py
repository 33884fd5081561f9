from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Purpose


class PolicyAcceptForm(forms.Form):
    accept = forms.BooleanField(
        label=_("I have read and accept this privacy policy"),
        error_messages={"required": _("Tick the box to accept the policy, or log out.")},
    )


class AgreementAcceptForm(forms.Form):
    accept = forms.BooleanField(
        label=_("I have read and accept this user agreement"),
        error_messages={"required": _("Tick the box to accept the user agreement.")},
    )


class PurposeConsentForm(forms.Form):
    purpose = forms.ChoiceField(choices=Purpose.choices)
    decision = forms.ChoiceField(choices=[("grant", _("Give consent")), ("withdraw", _("Withdraw consent"))])


class ErasureRequestForm(forms.Form):
    reason = forms.CharField(
        label=_("Why (optional)"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )
    confirm = forms.BooleanField(
        label=_("I understand that my account will be closed and my personal data anonymised"),
        error_messages={"required": _("Confirm that you understand what erasure means.")},
    )
