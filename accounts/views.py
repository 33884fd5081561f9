"""Browser pages for signing up and choosing a language; log-in and password reset are Django's views."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django.views.i18n import set_language

from privacy.selectors import policy_version_current

from .forms import SignUpForm
from .services import user_set_preferred_language, user_sign_up


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
    return render(request, "accounts/sign_up.html", {"form": form, "policy_version": policy_version})


@require_POST
def choose_language(request: HttpRequest) -> HttpResponse:
    """Switch the page language, and remember it on the account of a logged-in user."""
    response = set_language(request)
    language = request.POST.get("language")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        user_set_preferred_language(user=request.user, language=language)
    return response
