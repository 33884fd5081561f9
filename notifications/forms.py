from django import forms
from django.utils.translation import gettext_lazy as _


class NotificationPreferenceForm(forms.Form):
    email = forms.BooleanField(
        label=_("Send my notices by e-mail"),
        required=False,
        help_text=_("To the address you log in with."),
    )
    sms = forms.BooleanField(
        label=_("Send my notices by SMS"),
        required=False,
        help_text=_(
            "To your mobile number. Needs a mobile number on your account and your consent to SMS notices."
        ),
    )
