"""Learners' and parents' complaint pages: file, follow, answer, write, add evidence, withdraw, rate, appeal.

What a reader sees of a complaint (events, evidence, remedies) comes from the same selectors the API uses.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from core.evidence import evidence_response
from privacy.models import AccessLogEntry
from privacy.services import access_log_record, access_log_record_list
from sla.selectors import clocks_for_subject, with_running_clocks

from .drafts import complaint_draft_initial
from .errors import ComplaintError
from .forms import (
    AppealForm,
    ComplaintFileForm,
    EvidenceForm,
    MessageForm,
    ReplyForm,
    SatisfactionForm,
    WithdrawForm,
    form_add_service_error,
)
from .models import Appeal, Complaint, ComplaintRules
from .selectors import (
    attachment_get_for_user,
    complaint_get_for_user,
    complaint_list_for_user,
    complaint_merged_into_for_user,
    complaint_reading_for_user,
)
from .services import (
    complaint_add_complainant_message,
    complaint_add_complainant_reply,
    complaint_add_evidence,
    complaint_appeal,
    complaint_closed_automatically,
    complaint_confirm_satisfaction,
    complaint_file,
    complaint_rate_after_auto_close,
    complaint_withdraw,
)
from .services.appeals import appeal_deadline
from .services.guards import is_party
from .states import State

LIST_PAGE_SIZE = 20

NEXT_STEP = {
    State.SUBMITTED: gettext_lazy("We have received it. A member of staff will take it on within one hour."),
    State.ACKNOWLEDGED: gettext_lazy(
        "A member of staff has taken it on and is responsible for it to the end."
    ),
    State.INVESTIGATING: gettext_lazy("We are looking into it."),
    State.AWAITING_COMPLAINANT: gettext_lazy("We asked you a question: please answer it below."),
    State.PENDING_APPROVAL: gettext_lazy("Our answer is being checked before it is sent to you."),
    State.RESPONDED: gettext_lazy(
        "We have answered. Tell us whether you are satisfied, or ask for a review."
    ),
    State.APPEALED: gettext_lazy(
        "Your appeal is being reviewed by someone who did not handle the complaint."
    ),
    State.CLOSED: gettext_lazy("Closed."),
    State.REJECTED: gettext_lazy("Not accepted as a complaint: the reason is in the history below."),
    State.MERGED: gettext_lazy("Handled together with another complaint about the same matter."),
    State.WITHDRAWN: gettext_lazy("Withdrawn."),
}

PERSONAL_FIELDS = ("complainant", "learner", "title", "description", "evidence")
# What the list shows of each complaint.
LISTED_FIELDS = ("reference", "title", "state")


@login_required
def complaint_list(request: HttpRequest) -> HttpResponse:
    complaints = with_running_clocks(complaint_list_for_user(user=request.user))
    page = Paginator(complaints, LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    if request.user.is_staff_member:
        # A member of staff sees other people's complaints here too; their own are left out of the log.
        access_log_record_list(
            actor=request.user,
            records=page.object_list,
            subject_fields=("complainant_id", "learner_id"),
            fields=LISTED_FIELDS,
            channel=AccessLogEntry.Channel.PAGE,
            screen="complaints:list",
        )
    return render(request, "complaints/list.html", {"page": page, "next_step": NEXT_STEP})


@login_required
@require_http_methods(["GET", "POST"])
def complaint_new(request: HttpRequest) -> HttpResponse:
    initial = {}
    if request.method == "GET":
        # A form another domain fills in (a refused refund): ?from=<source>&ref=<its reference>.
        initial = complaint_draft_initial(
            user=request.user, source=request.GET.get("from", ""), key=request.GET.get("ref", "")
        )
    form = ComplaintFileForm(request.POST or None, request.FILES or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            complaint = complaint_file(
                actor=request.user, complainant=request.user, **form.filing_arguments()
            )
        except ComplaintError as error:
            form_add_service_error(form, error)
        else:
            messages.success(
                request,
                _("Your complaint %(reference)s has been filed. Keep this number to follow it.")
                % {"reference": complaint.reference},
            )
            return redirect("complaints:detail", reference=complaint.reference)
    status = 400 if form.errors else 200
    return render(request, "complaints/new.html", {"form": form}, status=status)


def _detail_context(request: HttpRequest, complaint: Complaint, **forms) -> dict:
    user = request.user
    party = is_party(user, complaint)
    reading = complaint_reading_for_user(user=user, complaint=complaint)
    deadline = appeal_deadline(complaint=complaint, rules=ComplaintRules.load())
    has_appeal = Appeal.objects.filter(complaint=complaint).exists()
    can_appeal = (
        party
        and not has_appeal
        and (
            complaint.state == State.RESPONDED
            or (complaint.state == State.CLOSED and deadline is not None and timezone.now() <= deadline)
        )
    )
    actions = {
        "reply": party and complaint.state == State.AWAITING_COMPLAINANT,
        # While a question waits for them, the answer form is the way to write.
        "message": party
        and complaint.is_open
        and complaint.state not in (State.SUBMITTED, State.AWAITING_COMPLAINANT),
        "evidence": party and complaint.is_open,
        "withdraw": party and complaint.is_open,
        "satisfaction": party and complaint.state == State.RESPONDED,
        "rating": party
        and complaint.satisfaction_rating is None
        and complaint_closed_automatically(complaint=complaint),
        "appeal": can_appeal,
    }
    context = {
        "complaint": complaint,
        "timeline": reading.timeline,
        "attachments": reading.attachments,
        "remedies": reading.remedies,
        "merged_into": complaint_merged_into_for_user(user=user, complaint=complaint),
        "next_step": NEXT_STEP[State(complaint.state)],
        "clocks": clocks_for_subject(subject=complaint),
        "appeal_deadline": deadline,
        "actions": actions,
        "reply_form": ReplyForm(),
        "message_form": MessageForm(),
        "rating_form": SatisfactionForm(),
        "evidence_form": EvidenceForm(),
        "withdraw_form": WithdrawForm(),
        "satisfaction_form": SatisfactionForm(),
        "appeal_form": AppealForm(),
    }
    context.update(forms)
    return context


def _log_staff_read(request: HttpRequest, complaint: Complaint) -> None:
    """Log a read of the complaint's page by someone who is not one of its parties, naming the address
    that showed it (the page itself, or an action of it that was refused and showed it again)."""
    if not is_party(request.user, complaint):
        access_log_record(
            actor=request.user,
            subject=complaint.complainant,
            record=complaint,
            fields=PERSONAL_FIELDS,
            channel=AccessLogEntry.Channel.PAGE,
            screen=request.resolver_match.view_name,
        )


@login_required
def complaint_detail(request: HttpRequest, reference: str) -> HttpResponse:
    complaint = complaint_get_for_user(user=request.user, reference=reference)
    _log_staff_read(request, complaint)
    return render(request, "complaints/detail.html", _detail_context(request, complaint))


def _act(
    request: HttpRequest, reference: str, form_class, form_name: str, perform, success: str
) -> HttpResponse:
    """Validate the form, call the one service, and come back to the complaint with the outcome."""
    complaint = complaint_get_for_user(user=request.user, reference=reference)
    form = form_class(request.POST, request.FILES)
    if form.is_valid():
        try:
            perform(complaint, form.cleaned_data)
        except ComplaintError as error:
            form_add_service_error(form, error)
        else:
            messages.success(request, success)
            return redirect("complaints:detail", reference=complaint.reference)
    complaint = complaint_get_for_user(user=request.user, reference=reference)
    _log_staff_read(request, complaint)  # the refusal shows the whole page again, as a read of it does
    context = _detail_context(request, complaint, **{form_name: form})
    return render(request, "complaints/detail.html", context, status=400)


@login_required
@require_POST
def complaint_reply(request: HttpRequest, reference: str) -> HttpResponse:
    def perform(complaint, data):
        complaint_add_complainant_reply(
            complaint=complaint, body=data["body"], actor=request.user, files=data["evidence"]
        )

    return _act(request, reference, ReplyForm, "reply_form", perform, _("Thank you. Your answer was sent."))


@login_required
@require_POST
def complaint_message(request: HttpRequest, reference: str) -> HttpResponse:
    def perform(complaint, data):
        complaint_add_complainant_message(
            complaint=complaint, body=data["body"], actor=request.user, files=data["evidence"]
        )

    return _act(request, reference, MessageForm, "message_form", perform, _("Your message was sent."))


@login_required
@require_POST
def complaint_evidence(request: HttpRequest, reference: str) -> HttpResponse:
    def perform(complaint, data):
        complaint_add_evidence(complaint=complaint, files=data["evidence"], actor=request.user)

    return _act(request, reference, EvidenceForm, "evidence_form", perform, _("The evidence was added."))


@login_required
@require_POST
def complaint_withdraw_view(request: HttpRequest, reference: str) -> HttpResponse:
    def perform(complaint, data):
        complaint_withdraw(complaint=complaint, actor=request.user, reason=data["reason"])

    return _act(request, reference, WithdrawForm, "withdraw_form", perform, _("The complaint was withdrawn."))


@login_required
@require_POST
def complaint_satisfaction(request: HttpRequest, reference: str) -> HttpResponse:
    def perform(complaint, data):
        complaint_confirm_satisfaction(
            complaint=complaint, rating=data["rating"], comment=data["comment"], actor=request.user
        )

    return _act(
        request, reference, SatisfactionForm, "satisfaction_form", perform, _("Thank you for your answer.")
    )


@login_required
@require_POST
def complaint_rate(request: HttpRequest, reference: str) -> HttpResponse:
    def perform(complaint, data):
        complaint_rate_after_auto_close(
            complaint=complaint, rating=data["rating"], comment=data["comment"], actor=request.user
        )

    return _act(request, reference, SatisfactionForm, "rating_form", perform, _("Thank you for your rating."))


@login_required
@require_POST
def complaint_appeal_view(request: HttpRequest, reference: str) -> HttpResponse:
    def perform(complaint, data):
        complaint_appeal(complaint=complaint, reason=data["reason"], actor=request.user)

    return _act(request, reference, AppealForm, "appeal_form", perform, _("Your appeal was filed."))


@login_required
def attachment_download(request: HttpRequest, reference: str, attachment_id: int) -> FileResponse:
    complaint = complaint_get_for_user(user=request.user, reference=reference)
    attachment = attachment_get_for_user(user=request.user, complaint=complaint, pk=attachment_id)
    _log_staff_read(request, complaint)
    return evidence_response(attachment)
