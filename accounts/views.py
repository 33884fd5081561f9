"""Browser pages for signing up, one's own account and choosing a language; log-in and password reset are
Django's views."""

from collections.abc import Callable

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django.views.i18n import set_language

from notifications.selectors import notification_preference_get
from notifications.services import notification_preference_set
from notifications.sms import masked
from privacy.models import Purpose
from privacy.selectors import policy_version_current, purpose_consent_is_active

from .forms import (
    ChannelsForm,
    DisplayNameForm,
    EmailChangeForm,
    MobileCodeForm,
    MobileNumberForm,
    PasswordChangeForm,
    SignUpForm,
)
from .services import (
    mobile_verification_confirm,
    mobile_verification_pending,
    mobile_verification_start,
    user_change_display_name,
    user_change_email,
    user_change_password,
    user_set_preferred_language,
    user_sign_up,
)


@require_http_methods(["GET", "POST"])
def sign_up(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    policy_version = policy_version_current()
    form = SignUpForm(request.POST or None, policy_version=policy_version)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        user = user_sign_up(
            email=data["email"],
            display_name=data["display_name"],
            password=data["password1"],
            account_type=data["account_type"],
            mobile=data["mobile"],
            preferred_language=data["preferred_language"],
            policy_version=policy_version,
            ip_address=request.META.get("REMOTE_ADDR"),
            user_agent=request.headers.get("User-Agent", ""),
        )
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Welcome! Your account is ready."))
        return redirect("home")
    status = 400 if form.is_bound else 200  # a refused sign-up says so, as every other form here does
    return render(
        request, "accounts/sign_up.html", {"form": form, "policy_version": policy_version}, status=status
    )


@require_POST
def choose_language(request: HttpRequest) -> HttpResponse:
    """Switch the page language, and remember it on the account of a logged-in user."""
    response = set_language(request)
    language = request.POST.get("language")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        user_set_preferred_language(user=request.user, language=language)
    return response


# --- My account: each form posts to its own address, which calls one service and comes back here ----------


def _channels_form(request: HttpRequest, data=None) -> ChannelsForm:
    preference = notification_preference_get(user=request.user)
    consent = purpose_consent_is_active(user=request.user, purpose=Purpose.SMS_NOTICES)
    return ChannelsForm(
        data, initial={"email": preference.email, "sms": preference.sms}, sms_consent_given=consent
    )


def _account_page(request: HttpRequest, *, status: int = 200, **bound) -> HttpResponse:
    user = request.user
    pending = mobile_verification_pending(user=user)
    context = {
        "name_form": DisplayNameForm(initial={"display_name": user.display_name}),
        "email_form": EmailChangeForm(),
        "mobile_form": MobileNumberForm(),
        "code_form": MobileCodeForm(),
        "password_form": PasswordChangeForm(),
        "channels_form": _channels_form(request),
        "mobile_masked": masked(user.mobile) if user.mobile else "",
        "pending_mobile_masked": masked(pending.mobile) if pending else "",
        **bound,
    }
    return render(request, "accounts/account.html", context, status=status)


def _change(
    request: HttpRequest,
    form: forms.Form,
    form_name: str,
    perform: Callable[[dict], object],
    success: str,
    field_names: dict[str, str] | None = None,
) -> HttpResponse:
    """Validate the form, call its service, and come back to the account page with the outcome.

    ``field_names`` maps a service's field names to the form's where they differ.
    """
    if form.is_valid():
        try:
            perform(form.cleaned_data)
        except ValidationError as error:
            for field, problems in error.error_dict.items():
                name = (field_names or {}).get(field, field)
                form.add_error(name if name in form.fields else None, problems)
        else:
            messages.success(request, success)
            return redirect("account")
    return _account_page(request, status=400, **{form_name: form})


@login_required
def account(request: HttpRequest) -> HttpResponse:
    return _account_page(request)


@login_required
@require_POST
def account_name(request: HttpRequest) -> HttpResponse:
    def perform(data):
        user_change_display_name(user=request.user, display_name=data["display_name"], actor=request.user)

    return _change(request, DisplayNameForm(request.POST), "name_form", perform, _("Your name is saved."))


@login_required
@require_POST
def account_email(request: HttpRequest) -> HttpResponse:
    def perform(data):
        user_change_email(
            user=request.user, email=data["email"], password=data["password"], actor=request.user
        )

    return _change(
        request, EmailChangeForm(request.POST), "email_form", perform, _("Your e-mail address is changed.")
    )


@login_required
@require_POST
def account_mobile(request: HttpRequest) -> HttpResponse:
    def perform(data):
        mobile_verification_start(user=request.user, mobile=data["mobile"], actor=request.user)

    return _change(
        request,
        MobileNumberForm(request.POST),
        "mobile_form",
        perform,
        _("We sent a code to the new number. Enter it below to change your mobile number."),
    )


@login_required
@require_POST
def account_mobile_confirm(request: HttpRequest) -> HttpResponse:
    def perform(data):
        mobile_verification_confirm(user=request.user, code=data["code"], actor=request.user)

    return _change(
        request,
        MobileCodeForm(request.POST),
        "code_form",
        perform,
        _("Your mobile number is verified and saved."),
    )


@login_required
@require_POST
def account_password(request: HttpRequest) -> HttpResponse:
    def perform(data):
        user_change_password(
            user=request.user,
            current_password=data["current_password"],
            new_password=data["new_password"],
            actor=request.user,
        )
        update_session_auth_hash(request, request.user)

    return _change(
        request, PasswordChangeForm(request.POST), "password_form", perform, _("Your password is changed.")
    )


@login_required
@require_POST
def account_channels(request: HttpRequest) -> HttpResponse:
    def perform(data):
        notification_preference_set(
            user=request.user,
            email=data["email"],
            sms=data["sms"],
            consent_to_sms=data.get("consent_to_sms", False),
            actor=request.user,
            ip_address=request.META.get("REMOTE_ADDR"),
            user_agent=request.headers.get("User-Agent", ""),
        )

    return _change(
        request,
        _channels_form(request, request.POST),
        "channels_form",
        perform,
        _("Your notice channels are saved."),
    )
