"""The pages of session records and what follows a session: the client answers the intake questions and
rates an attended session; the counsellor writes the record from their schedule and reads their penalties
with a right of reply; a supervisor reads the records a grant in force gives them. Every read of a record or
of intake answers is in the access log with its purpose.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.errors import DomainError
from core.forms import form_add_service_error
from privacy.models import AccessLogEntry
from ratings.models import CommentState, Rating
from ratings.selectors import comments_published, summary_published
from ratings.services import rating_reply

from . import services
from .forms import (
    CommentReplyForm,
    IntakeForm,
    PenaltyReplyForm,
    RateForm,
    SessionComplaintForm,
    SessionRecordForm,
)
from .models import Appointment, Counsellor, SessionRecord, State
from .selectors import (
    OWN_RECORD_PURPOSE,
    appointment_get_for_user,
    counsellor_for_user,
    intake_for,
    penalties_of_counsellor,
    record_get_for_reading,
    records_list,
)

LIST_PAGE_SIZE = 20
COMMENTS_SHOWN = 50
PAGE = AccessLogEntry.Channel.PAGE


def _own_appointment(request: HttpRequest, reference: str) -> Appointment:
    """The client's own appointment by reference; 404 for anyone else (a guardian or the desk included)."""
    appointment = appointment_get_for_user(user=request.user, reference=reference)
    if appointment.client_id != request.user.pk:
        raise Http404
    return appointment


def _counsellors_appointment(request: HttpRequest, reference: str) -> Appointment:
    counsellor = counsellor_for_user(user=request.user)
    return get_object_or_404(
        Appointment.objects.select_related("counsellor", "client"), counsellor=counsellor, reference=reference
    )


@login_required
@require_http_methods(["GET", "POST"])
def intake_page(request: HttpRequest, reference: str) -> HttpResponse:
    appointment = _own_appointment(request, reference)
    intake = intake_for(client=request.user, counsellor=appointment.counsellor)
    initial = {"concern": intake.concern, "history": intake.history, "hopes": intake.hopes} if intake else {}
    form = IntakeForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.intake_answer(appointment=appointment, actor=request.user, **form.cleaned_data)
            except DomainError as error:
                form_add_service_error(form, error)
            else:
                messages.success(request, _("Your answers were saved; only your counsellor reads them."))
                return redirect("counseling:appointment", reference=appointment.reference)
        status = 400
    return render(
        request, "counseling/intake.html", {"appointment": appointment, "form": form}, status=status
    )


@login_required
@require_POST
def appointment_rate(request: HttpRequest, reference: str) -> HttpResponse:
    appointment = _own_appointment(request, reference)
    form = RateForm(request.POST)
    if form.is_valid():
        try:
            services.appointment_rate(appointment=appointment, actor=request.user, **form.cleaned_data)
        except DomainError as error:
            form_add_service_error(form, error)
        else:
            messages.success(request, _("Thank you for your rating."))
            return redirect("counseling:appointment", reference=appointment.reference)
    from .views import _appointment_page

    return _appointment_page(request, appointment, rate_form=form, status=400)


# --- The counsellor ---------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def session_record_edit(request: HttpRequest, reference: str) -> HttpResponse:
    """The counsellor writes (or amends) the record of an attended session, beside the client's intake."""
    appointment = _counsellors_appointment(request, reference)
    record = SessionRecord.objects.filter(appointment=appointment).first()
    intake = intake_for(client=appointment.client, counsellor=appointment.counsellor)
    purpose = str(OWN_RECORD_PURPOSE)
    form = SessionRecordForm(
        request.POST or None,
        initial={"notes": record.notes, "risk_flag": record.risk_flag} if record else {},
    )
    if request.method == "POST":
        if form.is_valid():
            try:
                services.session_record_write(
                    appointment=appointment, actor=request.user, **form.cleaned_data
                )
            except DomainError as error:
                form_add_service_error(form, error)
            else:
                messages.success(request, _("The session record was saved."))
                return redirect("counseling:schedule")
    else:
        screen = "counseling:record-edit"
        if record is not None:
            services.session_record_read(
                record=record, purpose=purpose, actor=request.user, channel=PAGE, screen=screen
            )
        if intake is not None:
            services.intake_read(
                intake=intake, purpose=purpose, actor=request.user, channel=PAGE, screen=screen
            )
    context = {
        "appointment": appointment,
        "form": form,
        "record": record,
        "intake": intake,
        "may_write": appointment.state == State.COMPLETED,
    }
    return render(request, "counseling/record_edit.html", context, status=400 if form.errors else 200)


@login_required
@require_GET
def my_penalties(request: HttpRequest) -> HttpResponse:
    counsellor = counsellor_for_user(user=request.user)
    penalties = list(penalties_of_counsellor(counsellor=counsellor))
    return render(
        request, "counseling/penalties.html", {"penalties": penalties, "reply_form": PenaltyReplyForm()}
    )


@login_required
@require_POST
def penalty_reply(request: HttpRequest, pk: int) -> HttpResponse:
    counsellor = counsellor_for_user(user=request.user)
    penalty = get_object_or_404(penalties_of_counsellor(counsellor=counsellor), pk=pk)
    form = PenaltyReplyForm(request.POST)
    if form.is_valid():
        try:
            services.counsellor_penalty_reply(
                penalty=penalty, text=form.cleaned_data["text"], actor=request.user
            )
        except DomainError as error:
            form_add_service_error(form, error)
        else:
            messages.success(request, _("Your reply was recorded."))
            return redirect("counseling:penalties")
    penalties = list(penalties_of_counsellor(counsellor=counsellor))
    context = {"penalties": penalties, "reply_form": form}
    return render(request, "counseling/penalties.html", context, status=400)


# --- Reading records --------------------------------------------------------------------------------------


@login_required
@require_GET
def records_page(request: HttpRequest) -> HttpResponse:
    """The records the reader may open now: a counsellor's own, a supervisor's through their grants."""
    page = Paginator(records_list(user=request.user), LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "counseling/records.html", {"page": page})


@login_required
@require_GET
def record_page(request: HttpRequest, pk: int) -> HttpResponse:
    record, purpose = record_get_for_reading(user=request.user, pk=pk)
    services.session_record_read(
        record=record, purpose=purpose, actor=request.user, channel=PAGE, screen="counseling:record"
    )
    return render(request, "counseling/record.html", {"record": record, "purpose": purpose})


@login_required
@require_http_methods(["GET", "POST"])
def session_complaint(request: HttpRequest, reference: str) -> HttpResponse:
    """The client complains about the counsellor of a session: a complaint in the complaints workflow."""
    appointment = _own_appointment(request, reference)
    form = SessionComplaintForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            complaint = services.counsellor_complaint_file(
                appointment=appointment, actor=request.user, **form.cleaned_data
            )
        except DomainError as error:
            form_add_service_error(form, error)
        else:
            messages.success(
                request,
                _("Your complaint %(reference)s has been filed. Keep this number to follow it.")
                % {"reference": complaint.reference},
            )
            return redirect("complaints:detail", reference=complaint.reference)
    context = {"appointment": appointment, "form": form}
    return render(request, "counseling/complaint.html", context, status=400 if form.errors else 200)


def _comments_page(request, counsellor, *, form=None, status=200) -> HttpResponse:
    context = {
        "counsellor": counsellor,
        "summary": summary_published(counsellor),
        "comments": list(comments_published(counsellor)[:COMMENTS_SHOWN]),
        "reply_form": form or CommentReplyForm(),
    }
    return render(request, "counseling/comments.html", context, status=status)


@login_required
@require_GET
def my_comments(request: HttpRequest) -> HttpResponse:
    """The counsellor's published rating and the published comments about them, each answerable once."""
    return _comments_page(request, counsellor_for_user(user=request.user))


@login_required
@require_POST
def comment_reply(request: HttpRequest, pk: int) -> HttpResponse:
    counsellor = counsellor_for_user(user=request.user)
    rating = get_object_or_404(
        Rating.objects.filter(
            subject_type=ContentType.objects.get_for_model(Counsellor),
            subject_id=counsellor.pk,
            comment_state=CommentState.PUBLISHED,
        ),
        pk=pk,
    )
    form = CommentReplyForm(request.POST)
    if form.is_valid():
        try:
            rating_reply(rating=rating, actor=request.user, text=form.cleaned_data["text"])
        except DomainError as error:
            form_add_service_error(form, error)
        else:
            messages.success(request, _("Your reply is published beside the comment."))
            return redirect("counseling:comments")
    return _comments_page(request, counsellor, form=form, status=400)
