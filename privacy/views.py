"""A person's privacy pages: the policy, accepting a new version, and "My data"."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from .forms import AgreementAcceptForm, ErasureRequestForm, PolicyAcceptForm, PurposeConsentForm
from .models import GUARDIAN_PURPOSES, DocumentKind, ErasureRequest, PolicyConsent, Purpose
from .selectors import (
    SESSION_KEYS,
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


# What the pages of each document say about it.
DOCUMENT_PAGES = {
    DocumentKind.PRIVACY_POLICY: {
        "form": PolicyAcceptForm,
        "accepted": gettext_lazy("Thank you. You accepted the privacy policy."),
        "first": gettext_lazy("Please accept our privacy policy"),
        "changed": gettext_lazy("Our privacy policy has changed"),
        "read_url": "privacy:policy",
        # Nothing else may be done before the privacy policy is accepted: declining means logging out.
        "decline_logs_out": True,
    },
    DocumentKind.USER_AGREEMENT: {
        "form": AgreementAcceptForm,
        "accepted": gettext_lazy("Thank you. You accepted the user agreement."),
        "first": gettext_lazy("Please accept our user agreement"),
        "changed": gettext_lazy("Our user agreement has changed"),
        "read_url": "privacy:agreement",
        "decline_logs_out": False,
    },
}


def _document_page(request: HttpRequest, kind: DocumentKind) -> HttpResponse:
    current = policy_version_current(kind=kind)
    if current is None:
        raise Http404
    return render(request, "privacy/policy.html", {"policy": current})


def policy(request: HttpRequest) -> HttpResponse:
    return _document_page(request, DocumentKind.PRIVACY_POLICY)


def agreement(request: HttpRequest) -> HttpResponse:
    """The learner's contract (用户协议): their rights in plain language."""
    return _document_page(request, DocumentKind.USER_AGREEMENT)


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "/"


def _accept(request: HttpRequest, kind: DocumentKind) -> HttpResponse:
    pending = policy_acceptance_needed(user=request.user, session=request.session, kind=kind)
    if pending is None:
        return redirect(_safe_next(request))
    texts = DOCUMENT_PAGES[kind]
    form = texts["form"](request.POST or None)
    if request.method == "POST" and form.is_valid():
        policy_accept(
            user=request.user,
            policy_version=pending,
            ip_address=request.META.get("REMOTE_ADDR"),
            user_agent=request.headers.get("User-Agent", ""),
        )
        request.session[SESSION_KEYS[kind]] = pending.pk
        messages.success(request, texts["accepted"])
        return redirect(_safe_next(request))
    previously_accepted = PolicyConsent.objects.filter(user=request.user, policy_version__kind=kind).exists()
    return render(
        request,
        "privacy/accept.html",
        {
            "policy": pending,
            "form": form,
            "next": _safe_next(request),
            "is_update": previously_accepted,
            "texts": texts,
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def accept(request: HttpRequest) -> HttpResponse:
    return _accept(request, DocumentKind.PRIVACY_POLICY)


@login_required
@require_http_methods(["GET", "POST"])
def agreement_accept(request: HttpRequest) -> HttpResponse:
    """Accept the current user agreement, then go on to ``next`` (a refund request asks for it first)."""
    return _accept(request, DocumentKind.USER_AGREEMENT)


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
        "policy_consents": PolicyConsent.objects.filter(user=user)
        .select_related("policy_version")
        .order_by("policy_version__kind", "-accepted_at"),
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
