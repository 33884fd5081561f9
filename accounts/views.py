"""Browser pages for signing up, one's own account, choosing a language and the staff's second factor; log-in
and password reset are Django's views (the reset with a rate limit)."""

import base64
from collections.abc import Callable

import django_otp
import qrcode
import qrcode.image.svg
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from django.views.i18n import set_language
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_ratelimit.core import is_ratelimited

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
    SecondFactorEnrolForm,
    SecondFactorForm,
    SignUpForm,
)
from .models import User
from .services import (
    mobile_verification_confirm,
    mobile_verification_pending,
    mobile_verification_start,
    staff_second_factor_check,
    staff_totp_device_confirm,
    staff_totp_device_pending,
    user_change_display_name,
    user_change_email,
    user_change_password,
    user_set_preferred_language,
    user_sign_up,
)


def _over_limit(request: HttpRequest, name: str, key: str | Callable = "ip") -> bool:
    """Count this request against the named limit of settings.RATE_LIMITS; say whether it is over it."""
    return is_ratelimited(
        request,
        group=f"accounts.{name}",
        key=key,
        rate=settings.RATE_LIMITS[name],
        method="POST",
        increment=True,
    )


def _too_many_requests() -> str:
    return _("Too many attempts from here. Wait a while, then try again.")


@require_http_methods(["GET", "POST"])
def sign_up(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    policy_version = policy_version_current()
    form = SignUpForm(request.POST or None, policy_version=policy_version)
    context = {"form": form, "policy_version": policy_version}
    if request.method == "POST" and _over_limit(request, "sign_up"):
        form.add_error(None, _too_many_requests())
        return render(request, "accounts/sign_up.html", context, status=429)
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
    return render(request, "accounts/sign_up.html", context, status=status)


def _email_of_reset(group: str, request: HttpRequest) -> str:
    return User.objects.normalize_email(request.POST.get("email", ""))


class PasswordResetView(auth_views.PasswordResetView):
    """Django's password reset, limited per sender address and per e-mail address asked for.

    Over a limit, no e-mail is sent and the form says so; the message is the same whether or not the address
    has an account.
    """

    def form_valid(self, form):
        over_address = _over_limit(self.request, "password_reset")
        over_email = _over_limit(self.request, "password_reset_per_address", key=_email_of_reset)
        if over_address or over_email:
            form.add_error(None, _too_many_requests())
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().form_valid(form)


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
    if _over_limit(request, "mobile_code", key="user"):
        form = MobileNumberForm(request.POST)
        form.add_error("mobile", _("Too many codes were sent to you. Wait an hour, then ask again."))
        return _account_page(request, status=429, mobile_form=form)

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


# --- The staff's second factor ------------------------------------------------------------------------------


def _next_page(request: HttpRequest) -> str:
    """Where to go after the second factor: the page asked for, if it is on this site, else the home page."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _staff_session(request: HttpRequest) -> None:
    if not (request.user.is_authenticated and request.user.is_staff):
        raise PermissionDenied


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def second_factor(request: HttpRequest) -> HttpResponse:
    """Ask a staff member who has just given their password for their app's code or a recovery code."""
    _staff_session(request)
    if request.user.is_verified():
        return redirect(_next_page(request))
    if not TOTPDevice.objects.filter(user=request.user, confirmed=True).exists():
        return redirect(f"{resolve_url('second-factor-enrol')}?{request.GET.urlencode()}")
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = staff_second_factor_check(user=request.user, code=form.cleaned_data["code"])
        except ValidationError as error:
            form.add_error("code", error.error_dict["code"])
        else:
            django_otp.login(request, device)
            return redirect(_next_page(request))
    status = 400 if form.errors else 200
    return render(
        request, "accounts/second_factor.html", {"form": form, "next": _next_page(request)}, status=status
    )


def _qr_code_svg(text: str) -> str:
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    return image.to_string(encoding="unicode")


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def second_factor_enrol(request: HttpRequest) -> HttpResponse:
    """Set up a staff member's authenticator app: a QR code and its key in text, confirmed with a code; then
    their recovery codes, shown this once."""
    _staff_session(request)
    if TOTPDevice.objects.filter(user=request.user, confirmed=True).exists():
        return redirect(f"{resolve_url('second-factor')}?{request.GET.urlencode()}")
    device = staff_totp_device_pending(user=request.user)
    form = SecondFactorEnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = staff_totp_device_confirm(
                user=request.user, device=device, code=form.cleaned_data["code"], actor=request.user
            )
        except ValidationError as error:
            form.add_error("code", error.error_dict["code"])
        else:
            django_otp.login(request, device)
            context = {"codes": codes, "next": _next_page(request)}
            return render(request, "accounts/second_factor_recovery_codes.html", context)
    context = {
        "form": form,
        "next": _next_page(request),
        "qr_code": _qr_code_svg(device.config_url),
        "secret": base64.b32encode(device.bin_key).decode(),
    }
    return render(request, "accounts/second_factor_enrol.html", context, status=400 if form.errors else 200)
