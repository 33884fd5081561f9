"""Learners' and parents' refund pages: my courses, request a refund (with the amount worked out first),
my refund requests and each one's progress.

A staff member who opens a learner's request here has the read logged, as on every page of personal data.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from courses.evaluations.selectors import evaluation_offers
from courses.selectors import course_promises
from privacy.models import AccessLogEntry, DocumentKind
from privacy.selectors import policy_acceptance_needed
from privacy.services import access_log_record
from sla.selectors import clocks_for_subject

from .calculation import calculation_lines
from .clocks import TARGET_LABELS
from .errors import RefundError
from .forms import RefundRequestForm, form_add_service_error
from .models import State
from .permissions import REQUESTING_ROLES
from .selectors import (
    enrolment_get_for_refund,
    enrolments_for_refunds,
    refund_get_for_user,
    refund_list_for_user,
    refund_quote_for_enrolment,
    refund_reading,
)
from .services import refund_request_file, refund_withdraw

LIST_PAGE_SIZE = 20
PERSONAL_FIELDS = ("learner", "reason")

NEXT_STEP = {
    State.SUBMITTED: gettext_lazy("Received. Staff decide within 3 working days."),
    State.PENDING_APPROVAL: gettext_lazy(
        "Staff support it; the amount needs the leadership group's approval, which decides next."
    ),
    State.APPROVED: gettext_lazy("Approved. The money is being paid back to you."),
    State.REFUSED: gettext_lazy("Refused: the rule and the reason are below."),
    State.PAID: gettext_lazy("Paid back."),
    State.WITHDRAWN: gettext_lazy("Withdrawn."),
}
STEPS = (State.SUBMITTED, State.APPROVED, State.PAID)


def _require_requester(request: HttpRequest) -> None:
    if not request.user.role_names & REQUESTING_ROLES:
        raise PermissionDenied


@login_required
@require_GET
def my_courses(request: HttpRequest) -> HttpResponse:
    _require_requester(request)
    page = Paginator(enrolments_for_refunds(user=request.user), LIST_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    evaluation_offers(enrolments=page.object_list, user=request.user)
    # What each course's page promised about its teaching, and whether it still holds: one query.
    promises = course_promises({enrolment.course_id for enrolment in page})
    for enrolment in page:
        enrolment.promises = promises.get(enrolment.course_id, [])
    return render(request, "refunds/my_courses.html", {"page": page})


def _quote_context(enrolment, *, claimed: bool) -> dict:
    quote = refund_quote_for_enrolment(enrolment=enrolment, institution_at_fault=claimed)
    if quote is None:
        return {"quote": None}
    context = {"quote": quote, "lines": calculation_lines(quote.steps)}
    if not claimed:
        at_fault = refund_quote_for_enrolment(enrolment=enrolment, institution_at_fault=True)
        if at_fault is not None and at_fault.amount != quote.amount:
            context["at_fault_amount"] = at_fault.amount
    return context


@login_required
@require_http_methods(["GET", "POST"])
def refund_new(request: HttpRequest, enrolment_id: int) -> HttpResponse:
    _require_requester(request)
    enrolment = enrolment_get_for_refund(user=request.user, pk=enrolment_id)
    if policy_acceptance_needed(user=request.user, session=request.session, kind=DocumentKind.USER_AGREEMENT):
        accept = reverse("privacy:agreement-accept")
        return redirect(f"{accept}?{urlencode({'next': request.get_full_path()})}")
    form = RefundRequestForm(request.POST or None)
    claimed = False
    if request.method == "POST" and form.is_valid():
        claimed = form.cleaned_data["institution_at_fault"]
        if "recalculate" not in request.POST:
            try:
                made = refund_request_file(
                    actor=request.user,
                    enrolment=enrolment,
                    reason=form.cleaned_data["reason"],
                    institution_at_fault=claimed,
                )
            except RefundError as error:
                form_add_service_error(form, error)
            else:
                messages.success(
                    request,
                    _("Your refund request %(reference)s has been sent. You can follow it here.")
                    % {"reference": made.reference},
                )
                return redirect("refunds:detail", reference=made.reference)
    context = {"enrolment": enrolment, "form": form, **_quote_context(enrolment, claimed=claimed)}
    return render(request, "refunds/new.html", context, status=400 if form.errors else 200)


@login_required
@require_GET
def refund_list(request: HttpRequest) -> HttpResponse:
    _require_requester(request)
    page = Paginator(refund_list_for_user(user=request.user), LIST_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "refunds/list.html", {"page": page, "next_step": NEXT_STEP})


def _progress(refund) -> list[dict]:
    reached = STEPS.index(refund.state) if refund.state in STEPS else 0
    if refund.state == State.PENDING_APPROVAL:
        reached = 0
    return [{"label": state.label, "done": index <= reached} for index, state in enumerate(STEPS)]


@login_required
@require_GET
def refund_detail(request: HttpRequest, reference: str) -> HttpResponse:
    refund = refund_get_for_user(user=request.user, reference=reference)
    if request.user.is_staff_member:
        access_log_record(
            actor=request.user,
            subject=refund.learner,
            record=refund,
            fields=PERSONAL_FIELDS,
            channel=AccessLogEntry.Channel.PAGE,
            screen=request.resolver_match.view_name,
        )
    party = not request.user.is_staff_member
    clocks = [
        {"clock": clock, "label": TARGET_LABELS[clock.target]}
        for clock in (clocks_for_subject(subject=refund) if refund.is_open else [])
    ]
    context = {
        "refund": refund,
        "reading": refund_reading(request=refund, user=request.user),
        "lines": calculation_lines(refund.calculation.get("steps", [])),
        "next_step": NEXT_STEP[State(refund.state)],
        "progress": _progress(refund),
        "clocks": clocks,
        "may_withdraw": party and refund.state in (State.SUBMITTED, State.PENDING_APPROVAL),
        "complaint_url": (
            f"{reverse('complaints:new')}?{urlencode({'from': 'refund', 'ref': refund.reference})}"
            if party and refund.state == State.REFUSED
            else ""
        ),
    }
    return render(request, "refunds/detail.html", context)


@login_required
@require_POST
def refund_withdraw_view(request: HttpRequest, reference: str) -> HttpResponse:
    refund = refund_get_for_user(user=request.user, reference=reference)
    try:
        refund_withdraw(request=refund, actor=request.user)
    except RefundError as error:
        messages.error(request, str(error.message))
        return redirect("refunds:detail", reference=reference)
    messages.success(request, _("Your refund request %(reference)s is withdrawn.") % {"reference": reference})
    return redirect("refunds:detail", reference=reference)
