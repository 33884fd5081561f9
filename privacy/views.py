"""A person's privacy pages: the policy, accepting a new version, and "My data"."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from .forms import ErasureRequestForm, PolicyAcceptForm, PurposeConsentForm
from .models import GUARDIAN_PURPOSES, ErasureRequest, PolicyConsent, Purpose
from .selectors import (
    SESSION_KEY,
    access_log_for_subject,
    policy_acceptance_needed,
    policy_version_current,
    purpose_consents_active,
)
from .services import (
    PrivacyError,
    erasure_request_create,
    personal_data_export,
    policy_accept,
    purpose_consent_grant,
    purpose_consent_withdraw,
)

ACCESS_LOG_PAGE_SIZE = 20


def policy(request: HttpRequest) -> HttpResponse:
    current = policy_version_current()
    if current is None:
        raise Http404
    return render(request, "privacy/policy.html", {"policy": current})


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "/"


@login_required
@require_http_methods(["GET", "POST"])
def accept(request: HttpRequest) -> HttpResponse:
    pending = policy_acceptance_needed(user=request.user, session=request.session)
    if pending is None:
        return redirect(_safe_next(request))
    form = PolicyAcceptForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        policy_accept(
            user=request.user,
            policy_version=pending,
            ip_address=request.META.get("REMOTE_ADDR"),
            user_agent=request.headers.get("User-Agent", ""),
        )
        request.session[SESSION_KEY] = pending.pk
        messages.success(request, _("Thank you. You accepted the privacy policy."))
        return redirect(_safe_next(request))
    previously_accepted = PolicyConsent.objects.filter(user=request.user).exists()
    return render(
        request,
        "privacy/accept.html",
        {"policy": pending, "form": form, "next": _safe_next(request), "is_update": previously_accepted},
    )


def _render_my_data(
    request: HttpRequest, *, erasure_form: ErasureRequestForm, status: int = 200
) -> HttpResponse:
    user = request.user
    page = Paginator(access_log_for_subject(subject=user), ACCESS_LOG_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    active = purpose_consents_active(user=user)
    purposes = [
        {"value": value, "label": label, "consent": active.get(value)}
        for value, label in Purpose.choices
        if value not in GUARDIAN_PURPOSES
    ]
    context = {
        "access_page": page,
        "purposes": purposes,
        "policy_consents": PolicyConsent.objects.filter(user=user).select_related("policy_version"),
        "erasure_requests": ErasureRequest.objects.filter(user=user),
        "erasure_form": erasure_form,
    }
    return render(request, "privacy/my_data.html", context, status=status)


@login_required
def my_data(request: HttpRequest) -> HttpResponse:
    return _render_my_data(request, erasure_form=ErasureRequestForm())


@login_required
@require_POST
def export(request: HttpRequest) -> HttpResponse:
    archive = personal_data_export(user=request.user)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = HttpResponse(archive, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="my-data-{stamp}.zip"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def purpose_consent(request: HttpRequest) -> HttpResponse:
    form = PurposeConsentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("That consent choice was not understood; nothing changed."))
        return redirect("privacy:my-data")
    purpose = Purpose(form.cleaned_data["purpose"])
    if purpose in GUARDIAN_PURPOSES:
        messages.error(request, _("That consent choice was not understood; nothing changed."))
        return redirect("privacy:my-data")
    if form.cleaned_data["decision"] == "grant":
        purpose_consent_grant(
            user=request.user,
            purpose=purpose,
            given_by=request.user,
            ip_address=request.META.get("REMOTE_ADDR"),
            user_agent=request.headers.get("User-Agent", ""),
        )
        messages.success(request, _("Consent given: %(purpose)s.") % {"purpose": purpose.label})
    else:
        purpose_consent_withdraw(user=request.user, purpose=purpose, actor=request.user)
        messages.success(request, _("Consent withdrawn: %(purpose)s.") % {"purpose": purpose.label})
    return redirect("privacy:my-data")


@login_required
@require_POST
def erasure_request(request: HttpRequest) -> HttpResponse:
    form = ErasureRequestForm(request.POST)
    if form.is_valid():
        try:
            erasure_request_create(user=request.user, reason=form.cleaned_data["reason"])
        except PrivacyError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Your erasure request was sent. Staff will handle it and tell you."))
        return redirect("privacy:my-data")
    return _render_my_data(request, erasure_form=form, status=400)
