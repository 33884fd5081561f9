"""Forms for signing up, one's account and the staff's second factor; log-in and password reset use Django's
own forms."""

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from core.validators import validate_no_bidi_controls

from .models import User
from .roles import Role
from .validators import normalize_cn_mobile, validate_cn_mobile

# Longer than any password a person types or a manager generates; a longer one is refused next to its field
# before it is hashed.
MAX_PASSWORD_LENGTH = 4096


class SignUpForm(forms.Form):
    ACCOUNT_TYPES = [(Role.LEARNER.value, Role.LEARNER.label), (Role.PARENT.value, Role.PARENT.label)]

    display_name = forms.CharField(
        label=_("Your name"), max_length=150, validators=[validate_no_bidi_controls]
    )
    email = forms.EmailField(label=_("E-mail address"), help_text=_("You log in with this address."))
    mobile = forms.CharField(
        label=_("Mobile number"),
        max_length=20,
        required=False,
        help_text=_("Optional. For SMS notices about your complaints."),
    )
    account_type = forms.ChoiceField(
        label=_("I am"), choices=ACCOUNT_TYPES, initial=Role.LEARNER.value, widget=forms.RadioSelect
    )
    preferred_language = forms.ChoiceField(
        label=_("Preferred language"), choices=settings.LANGUAGES, initial=settings.LANGUAGE_CODE
    )
    password1 = forms.CharField(
        max_length=MAX_PASSWORD_LENGTH,
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        max_length=MAX_PASSWORD_LENGTH,
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    accept_policy = forms.BooleanField(
        label=_("I have read and accept the privacy policy"),
        error_messages={"required": _("You can only sign up after accepting the privacy policy.")},
    )

    def __init__(self, *args, policy_version=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.policy_version = policy_version
        if policy_version is not None:
            self.fields["accept_policy"].label = _(
                "I have read and accept the privacy policy (version %(version)s)"
            ) % {"version": policy_version.version}

    def clean_email(self) -> str:
        email = User.objects.normalize_email(self.cleaned_data["email"])
        if User.objects.filter(email=email).exists():
            raise forms.ValidationError(
                _("An account with this e-mail address already exists."), code="taken"
            )
        return email

    def clean_mobile(self) -> str:
        mobile = self.cleaned_data.get("mobile", "")
        if not mobile:
            return ""
        validate_cn_mobile(mobile)
        return normalize_cn_mobile(mobile)

    def clean(self) -> dict:
        cleaned = super().clean()
        if self.policy_version is None:
            raise forms.ValidationError(
                _("Sign-up is closed until the institution publishes its privacy policy."), code="no_policy"
            )
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error(
                "password2", forms.ValidationError(_("The two passwords differ."), code="mismatch")
            )
        elif password1:
            candidate = User(email=cleaned.get("email", ""), display_name=cleaned.get("display_name", ""))
            try:
                password_validation.validate_password(password1, candidate)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


# The account page: one small form per change, each under its own prefix so their fields never collide.


class DisplayNameForm(forms.Form):
    prefix = "name"

    display_name = forms.CharField(
        label=_("Your name"), max_length=150, validators=[validate_no_bidi_controls]
    )


class EmailChangeForm(forms.Form):
    prefix = "email"

    email = forms.EmailField(label=_("New e-mail address"), help_text=_("You log in with this address."))
    password = forms.CharField(
        max_length=MAX_PASSWORD_LENGTH,
        label=_("Your current password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("To confirm that it is you."),
    )


class MobileNumberForm(forms.Form):
    prefix = "mobile"

    mobile = forms.CharField(
        label=_("New mobile number"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
        help_text=_("We send a 6-digit code to this number; your number changes once you enter it."),
    )


class MobileCodeForm(forms.Form):
    prefix = "code"

    code = forms.RegexField(
        label=_("Code from the SMS"),
        regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": _("Enter the 6 digits of the code.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


class PasswordChangeForm(forms.Form):
    prefix = "password"

    current_password = forms.CharField(
        max_length=MAX_PASSWORD_LENGTH,
        label=_("Your current password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    new_password = forms.CharField(
        max_length=MAX_PASSWORD_LENGTH,
        label=_("New password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    new_password_again = forms.CharField(
        max_length=MAX_PASSWORD_LENGTH,
        label=_("New password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict:
        cleaned = super().clean()
        new, again = cleaned.get("new_password"), cleaned.get("new_password_again")
        if new and again and new != again:
            self.add_error("new_password_again", forms.ValidationError(_("The two passwords differ.")))
        return cleaned


class ChannelsForm(forms.Form):
    prefix = "channels"

    email = forms.BooleanField(
        label=_("Send my notices by e-mail"), required=False, help_text=_("To the address you log in with.")
    )
    sms = forms.BooleanField(
        label=_("Send my notices by SMS"), required=False, help_text=_("To your verified mobile number.")
    )
    consent_to_sms = forms.BooleanField(
        label=_("I consent to receiving notices by SMS at my mobile number"),
        required=False,
        help_text=_("You can withdraw this consent at any time on the My data page."),
    )

    def __init__(self, *args, sms_consent_given: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if sms_consent_given:
            del self.fields["consent_to_sms"]


class SecondFactorForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=20,
        help_text=_("The 6 digits your authenticator app shows now, or one of your recovery codes."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True}),
    )


class SecondFactorEnrolForm(forms.Form):
    code = forms.RegexField(
        label=_("Code from the app"),
        regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": _("Enter the 6 digits your app shows.")},
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "autofocus": True}
        ),
    )
