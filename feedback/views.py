"""Learners' and parents' feedback pages: give feedback, follow it, rate the handling.

What a reader sees of an item comes from ``selectors.feedback_reading``, which the API and the admin use too.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.roles import Role
from core.evidence import evidence_response
from privacy.models import AccessLogEntry
from privacy.services import access_log_record
from sla.selectors import clocks_for_subject

from .errors import FeedbackError
from .forms import FeedbackGiveForm, RatingForm, form_add_service_error
from .models import FeedbackItem, State
from .selectors import (
    feedback_get_by_follow_key,
    feedback_get_for_user,
    feedback_list_for_user,
    feedback_reading,
)
from .services import feedback_give, feedback_rate

LIST_PAGE_SIZE = 20
GIVING_ROLES = frozenset({str(Role.LEARNER), str(Role.PARENT)})
PERSONAL_FIELDS = ("learner", "text")

NEXT_STEP = {
    State.RECEIVED: gettext_lazy("Received. The learner-services team checks it first."),
    State.ACCEPTED: gettext_lazy("Accepted. A handling plan is being made."),
    State.REJECTED: gettext_lazy("Not accepted: the reason is below."),
    State.CONVERTED: gettext_lazy("It is now handled as a complaint under the complaint procedure."),
    State.PLANNED: gettext_lazy("A handling plan has been made: see the actions and the due date below."),
    State.RECTIFYING: gettext_lazy("The improvements are being carried out."),
    State.RESULT_NOTIFIED: gettext_lazy("Handled. Read the result and tell us how well it was handled."),
    State.RATED: gettext_lazy("Thank you for your rating."),
    State.CLOSED: gettext_lazy("Closed."),
}
# The steps the learner sees on the progress bar, in order; rejected and converted items end early.
STEPS = (State.RECEIVED, State.ACCEPTED, State.PLANNED, State.RECTIFYING, State.RESULT_NOTIFIED, State.RATED)


def _require_giver(request: HttpRequest) -> None:
    if not request.user.role_names & GIVING_ROLES:
        raise PermissionDenied


@login_required
def feedback_list(request: HttpRequest) -> HttpResponse:
    _require_giver(request)
    page = Paginator(feedback_list_for_user(user=request.user), LIST_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "feedback/list.html", {"page": page, "next_step": NEXT_STEP})


@login_required
@require_http_methods(["GET", "POST"])
def feedback_new(request: HttpRequest) -> HttpResponse:
    _require_giver(request)
    form = FeedbackGiveForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            given = feedback_give(actor=request.user, **form.giving_arguments())
        except FeedbackError as error:
            form_add_service_error(form, error)
        else:
            if given.follow_key:
                link = request.build_absolute_uri(
                    f"/feedback/follow/{given.item.reference}/{given.follow_key}/"
                )
                return render(request, "feedback/given_anonymously.html", {"item": given.item, "link": link})
            messages.success(
                request,
                _("Your feedback %(reference)s has been received. You can follow it here.")
                % {"reference": given.item.reference},
            )
            return redirect("feedback:detail", reference=given.item.reference)
    return render(request, "feedback/new.html", {"form": form}, status=400 if form.errors else 200)


def _progress(item: FeedbackItem) -> list[dict]:
    reached = (
        STEPS.index(item.state) if item.state in STEPS else (len(STEPS) if item.state == State.CLOSED else 0)
    )
    return [{"label": state.label, "done": index <= reached} for index, state in enumerate(STEPS)]


def _page(
    request: HttpRequest,
    item: FeedbackItem,
    *,
    rating_form=None,
    rate_url: str,
    files_url: str,
    status: int = 200,
):
    reading = feedback_reading(item=item, user=request.user if request.user.is_authenticated else None)
    may_rate = item.state == State.RESULT_NOTIFIED and rate_url
    context = {
        "item": item,
        "reading": reading,
        "clocks": clocks_for_subject(subject=item) if item.is_open else [],
        "next_step": NEXT_STEP[State(item.state)],
        "progress": _progress(item),
        "rating_form": (rating_form or RatingForm()) if may_rate else None,
        "rate_url": rate_url,
        "files_url": files_url,
    }
    return render(request, "feedback/detail.html", context, status=status)


def _log_staff_read(request: HttpRequest, item: FeedbackItem, record, fields: tuple[str, ...]) -> None:
    if request.user.is_staff_member and item.learner_id is not None:
        access_log_record(
            actor=request.user,
            subject=item.learner,
            record=record,
            fields=fields,
            channel=AccessLogEntry.Channel.PAGE,
            screen=request.resolver_match.view_name,
        )


@login_required
def feedback_detail(request: HttpRequest, reference: str) -> HttpResponse:
    item = feedback_get_for_user(user=request.user, reference=reference)
    _log_staff_read(request, item, item, PERSONAL_FIELDS)
    giver = item.learner_id is not None and not request.user.is_staff_member
    return _page(
        request,
        item,
        rate_url=f"/feedback/{item.reference}/rate/" if giver else "",
        files_url=f"/feedback/{item.reference}/attachments/",
    )


@login_required
@require_GET
def feedback_attachment(request: HttpRequest, reference: str, attachment_id: int) -> FileResponse:
    """One evidence file of an item, to a reader of the item; a staff member's download is logged."""
    item = feedback_get_for_user(user=request.user, reference=reference)
    attachment = feedback_reading(item=item, user=request.user).attachment(attachment_id)
    _log_staff_read(request, item, attachment, ("file",))
    return evidence_response(attachment)


@require_GET
def feedback_follow_attachment(
    request: HttpRequest, reference: str, key: str, attachment_id: int
) -> FileResponse:
    """One evidence file of an anonymous item, through the item's secret link."""
    item = feedback_get_by_follow_key(reference=reference, key=key)
    return evidence_response(feedback_reading(item=item, user=None).attachment(attachment_id))


@login_required
@require_POST
def feedback_rate_view(request: HttpRequest, reference: str) -> HttpResponse:
    item = feedback_get_for_user(user=request.user, reference=reference)
    form = RatingForm(request.POST)
    if form.is_valid():
        try:
            feedback_rate(
                item=item,
                actor=request.user,
                rating=form.cleaned_data["rating"],
                comment=form.cleaned_data["comment"],
            )
        except FeedbackError as error:
            form_add_service_error(form, error)
        else:
            messages.success(request, _("Thank you: your rating has been recorded."))
            return redirect("feedback:detail", reference=reference)
    return _page(
        request,
        item,
        rating_form=form,
        rate_url=f"/feedback/{reference}/rate/",
        files_url=f"/feedback/{reference}/attachments/",
        status=400,
    )


@require_http_methods(["GET", "POST"])
def feedback_follow(request: HttpRequest, reference: str, key: str) -> HttpResponse:
    """An anonymous item's page, reached through its secret link (no log-in: there is no person)."""
    item = feedback_get_by_follow_key(reference=reference, key=key)
    rate_url = f"/feedback/follow/{reference}/{key}/"
    files_url = f"{rate_url}attachments/"
    if request.method == "POST":
        form = RatingForm(request.POST)
        if form.is_valid():
            try:
                feedback_rate(
                    item=item,
                    actor=None,
                    follow_key=key,
                    rating=form.cleaned_data["rating"],
                    comment=form.cleaned_data["comment"],
                )
            except FeedbackError as error:
                form_add_service_error(form, error)
            else:
                messages.success(request, _("Thank you: your rating has been recorded."))
                return redirect(rate_url)
        return _page(request, item, rating_form=form, rate_url=rate_url, files_url=files_url, status=400)
    return _page(request, item, rate_url=rate_url, files_url=files_url)
