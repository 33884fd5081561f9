"""The counselling pages: clients find a counsellor, verify their identity, book (hold, then confirm),
follow and cancel their appointments; guardians consent for a child under 14; counsellors keep their
schedule and hours.

Every page is thin: the selectors decide what a reader sees, the services every change.
"""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.selectors import learners_of_guardian
from core.errors import ErrorKind
from core.forms import form_add_service_error
from ratings.selectors import comments_published, summaries_published, summary_published

from . import services
from .errors import CounsellingError
from .forms import (
    AppealForm,
    BookForm,
    CancelForm,
    CodeForm,
    ExceptionForm,
    FindForm,
    IdentityForm,
    RateForm,
    WeeklyHoursForm,
)
from .models import PHOTO_TYPES, AvailabilityException, BookingRestriction, Counsellor, State
from .selectors import (
    appointment_get_for_user,
    appointment_timeline,
    appointments_of_client,
    appointments_of_counsellor,
    booking_eligibility,
    counsellor_for_user,
    counsellor_free_slots,
    counsellor_get_bookable,
    counsellors_find,
    guardian_consent_active,
    identity_for_user,
    may_rate,
    restriction_active,
    specialities_in_use,
)

LIST_PAGE_SIZE = 20
SLOT_DAYS = 14
SCHEDULE_DAYS = 14
# A refused booking answers with the status the API would give the same refusal.
REFUSAL_STATUS = {ErrorKind.CONFLICT: 409, ErrorKind.NOT_ALLOWED: 403}


@login_required
@require_GET
def counsellor_find(request: HttpRequest) -> HttpResponse:
    form = FindForm(request.GET or None, specialities=list(specialities_in_use()))
    values = form.cleaned_data if form.is_valid() else {}
    found = counsellors_find(speciality=values.get("speciality", ""), language=values.get("language", ""))
    page = Paginator(found, LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    summaries = summaries_published(Counsellor, [counsellor.pk for counsellor in page.object_list])
    for counsellor in page.object_list:
        counsellor.rating_summary = summaries.get(counsellor.pk)
    context = {"form": form, "page": page, "eligibility": booking_eligibility(user=request.user)}
    return render(request, "counseling/find.html", context)


def _slots_by_day(counsellor: Counsellor) -> list[tuple[datetime.date, list]]:
    first = timezone.localdate()
    slots = counsellor_free_slots(
        counsellor=counsellor, first=first, last=first + datetime.timedelta(days=SLOT_DAYS)
    )
    days: dict[datetime.date, list] = {}
    for slot in slots:
        days.setdefault(timezone.localtime(slot.starts_at).date(), []).append(slot)
    return sorted(days.items())


@login_required
@require_GET
def counsellor_page(request: HttpRequest, pk: int) -> HttpResponse:
    counsellor = counsellor_get_bookable(pk=pk)
    return render(request, "counseling/counsellor.html", _counsellor_context(request, counsellor))


def _counsellor_context(request: HttpRequest, counsellor: Counsellor) -> dict:
    """The counsellor's public page: profile, free slots, the published rating and published comments."""
    return {
        "counsellor": counsellor,
        "days": _slots_by_day(counsellor),
        "eligibility": booking_eligibility(user=request.user),
        "summary": summary_published(counsellor),
        "comments": list(comments_published(counsellor)[:10]),
    }


@login_required
@require_GET
def counsellor_photo(request: HttpRequest, pk: int) -> FileResponse:
    counsellor = counsellor_get_bookable(pk=pk)
    if not counsellor.photo or counsellor.photo_type not in PHOTO_TYPES:
        raise Http404  # a file never checked by its content is not served
    response = FileResponse(counsellor.photo.open("rb"), content_type=counsellor.photo_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
@require_POST
def appointment_book(request: HttpRequest) -> HttpResponse:
    form = BookForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("That time was not understood; choose one of the free times."))
        return redirect("counseling:find")
    counsellor = counsellor_get_bookable(pk=form.cleaned_data["counsellor"])
    try:
        appointment = services.appointment_hold(
            counsellor=counsellor, starts_at=form.cleaned_data["starts_at"], actor=request.user
        )
    except CounsellingError as error:
        messages.error(request, str(error.message))
        status = REFUSAL_STATUS.get(error.kind, 400)
        return render(
            request, "counseling/counsellor.html", _counsellor_context(request, counsellor), status=status
        )
    return redirect("counseling:appointment", reference=appointment.reference)


@login_required
@require_http_methods(["GET", "POST"])
def identity_page(request: HttpRequest) -> HttpResponse:
    identity = identity_for_user(user=request.user)
    form = IdentityForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.identity_verification_start(
                    user=request.user, actor=request.user, **form.cleaned_data
                )
            except CounsellingError as error:
                form_add_service_error(form, error)
            else:
                messages.success(request, _("A code was sent to your mobile number."))
                return redirect("counseling:identity")
        status = 400
    context = {"identity": identity, "form": form, "code_form": CodeForm()}
    return render(request, "counseling/identity.html", context, status=status)


@login_required
@require_POST
def identity_confirm(request: HttpRequest) -> HttpResponse:
    form = CodeForm(request.POST)
    if form.is_valid():
        try:
            services.identity_verification_confirm(
                user=request.user, code=form.cleaned_data["code"], actor=request.user
            )
        except CounsellingError as error:
            form_add_service_error(form, error)
        else:
            messages.success(request, _("Your identity is verified."))
            return redirect("counseling:find")
    context = {"identity": identity_for_user(user=request.user), "form": IdentityForm(), "code_form": form}
    return render(request, "counseling/identity.html", context, status=400)


@login_required
@require_GET
def my_appointments(request: HttpRequest) -> HttpResponse:
    page = Paginator(appointments_of_client(user=request.user), LIST_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    restriction = restriction_active(client=request.user)
    context = {
        "page": page,
        "restriction": restriction,
        "appealed": restriction is not None and hasattr(restriction, "appeal"),
        "appeal_form": AppealForm(),
    }
    return render(request, "counseling/my_appointments.html", context)


def _appointment_page(request, appointment, *, cancel_form=None, rate_form=None, status=200) -> HttpResponse:
    now = timezone.now()
    is_client = appointment.client_id == request.user.pk
    context = {
        "may_rate": is_client and may_rate(appointment=appointment, user=request.user),
        "rate_form": rate_form or RateForm(),
        "may_answer_intake": is_client
        and appointment.state in (State.HELD, State.CONFIRMED)
        and now < appointment.starts_at,
        "appointment": appointment,
        "events": appointment_timeline(appointment=appointment, user=request.user),
        "is_client": is_client,
        "may_confirm": is_client and appointment.state == State.HELD and appointment.hold_expires_at > now,
        "may_cancel": is_client
        and appointment.state in (State.HELD, State.CONFIRMED)
        and now < appointment.starts_at,
        "late": appointment.state == State.CONFIRMED
        and appointment.starts_at - now < services.FREE_CANCELLATION,
        "cancel_form": cancel_form or CancelForm(),
    }
    return render(request, "counseling/appointment.html", context, status=status)


@login_required
@require_GET
def appointment_page(request: HttpRequest, reference: str) -> HttpResponse:
    return _appointment_page(request, appointment_get_for_user(user=request.user, reference=reference))


@login_required
@require_POST
def appointment_confirm_view(request: HttpRequest, reference: str) -> HttpResponse:
    appointment = appointment_get_for_user(user=request.user, reference=reference)
    try:
        appointment = services.appointment_confirm(appointment=appointment, actor=request.user)
    except CounsellingError as error:
        messages.error(request, str(error.message))
        return _appointment_page(request, appointment, status=409 if error.kind.value == "conflict" else 400)
    messages.success(
        request, _("Your session %(reference)s is confirmed.") % {"reference": appointment.reference}
    )
    return redirect("counseling:appointment", reference=appointment.reference)


@login_required
@require_POST
def appointment_cancel_view(request: HttpRequest, reference: str) -> HttpResponse:
    appointment = appointment_get_for_user(user=request.user, reference=reference)
    form = CancelForm(request.POST)
    if form.is_valid():
        try:
            appointment = services.appointment_cancel(
                appointment=appointment, reason=form.cleaned_data["reason"], actor=request.user
            )
        except CounsellingError as error:
            form_add_service_error(form, error)
        else:
            if appointment.state == State.NO_SHOW:
                messages.warning(
                    request, _("Cancelled less than 24 hours before the start: recorded as a no-show.")
                )
            else:
                messages.success(request, _("Your session was cancelled, free of consequence."))
            return redirect("counseling:appointment", reference=appointment.reference)
    return _appointment_page(request, appointment, cancel_form=form, status=400)


@login_required
@require_POST
def restriction_appeal(request: HttpRequest, pk: int) -> HttpResponse:
    restriction = get_object_or_404(BookingRestriction, pk=pk, client=request.user)
    form = AppealForm(request.POST)
    if form.is_valid():
        try:
            services.restriction_appeal_file(
                restriction=restriction, text=form.cleaned_data["text"], actor=request.user
            )
        except CounsellingError as error:
            form_add_service_error(form, error)
        else:
            messages.success(request, _("Your appeal was sent; the counselling desk decides it."))
            return redirect("counseling:my-appointments")
    page = Paginator(appointments_of_client(user=request.user), LIST_PAGE_SIZE).get_page(1)
    context = {"page": page, "restriction": restriction, "appealed": False, "appeal_form": form}
    return render(request, "counseling/my_appointments.html", context, status=400)


@login_required
@require_GET
def guardian_wards(request: HttpRequest) -> HttpResponse:
    wards = [
        (ward, guardian_consent_active(minor=ward)) for ward in learners_of_guardian(guardian=request.user)
    ]
    return render(request, "counseling/wards.html", {"wards": wards})


@login_required
@require_POST
def guardian_consent(request: HttpRequest, learner_id: int) -> HttpResponse:
    ward = get_object_or_404(learners_of_guardian(guardian=request.user), pk=learner_id)
    if request.POST.get("decision") == "withdraw":
        services.minor_counselling_consent_withdraw(learner=ward, actor=request.user)
        messages.success(request, _("Your consent was withdrawn."))
    else:
        services.minor_counselling_consent_give(
            learner=ward,
            actor=request.user,
            ip_address=request.META.get("REMOTE_ADDR"),
            user_agent=request.headers.get("User-Agent", ""),
        )
        messages.success(request, _("Your consent to your child's counselling was recorded."))
    return redirect("counseling:wards")


# --- The counsellor's own pages -----------------------------------------------------------------------------


@login_required
@require_GET
def my_schedule(request: HttpRequest) -> HttpResponse:
    counsellor = counsellor_for_user(user=request.user)
    first = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0) - datetime.timedelta(
        days=1
    )
    appointments = appointments_of_counsellor(
        counsellor=counsellor, first=first, last=first + datetime.timedelta(days=SCHEDULE_DAYS + 1)
    )
    context = {"counsellor": counsellor, "appointments": list(appointments), "now": timezone.now()}
    return render(request, "counseling/schedule.html", context)


SCHEDULE_ACTIONS = {
    "complete": services.appointment_complete,
    "no-show": services.appointment_mark_no_show,
    "cancel": services.appointment_cancel_by_counsellor,
}


@login_required
@require_POST
def schedule_action(request: HttpRequest, reference: str, action: str) -> HttpResponse:
    counsellor = counsellor_for_user(user=request.user)
    appointment = get_object_or_404(
        appointments_of_counsellor(
            counsellor=counsellor,
            first=datetime.datetime.min.replace(tzinfo=datetime.UTC),
            last=datetime.datetime.max.replace(tzinfo=datetime.UTC),
        ),
        reference=reference,
    )
    service = SCHEDULE_ACTIONS.get(action)
    if service is None:
        raise Http404
    arguments = {"reason": request.POST.get("reason", "")} if action == "cancel" else {}
    try:
        service(appointment=appointment, actor=request.user, **arguments)
    except CounsellingError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("Saved: %(reference)s.") % {"reference": appointment.reference})
    return redirect("counseling:schedule")


def _availability_page(request, counsellor, *, hours_form=None, exception_form=None, status=200):
    context = {
        "counsellor": counsellor,
        "hours_form": hours_form
        or WeeklyHoursForm(initial_hours=counsellor.weekly_hours.order_by("weekday", "starts")),
        "exception_form": exception_form or ExceptionForm(),
        "exceptions": AvailabilityException.objects.filter(
            counsellor=counsellor, day__gte=timezone.localdate()
        ).order_by("day", "starts"),
    }
    return render(request, "counseling/availability.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def my_availability(request: HttpRequest) -> HttpResponse:
    counsellor = counsellor_for_user(user=request.user)
    if request.method == "GET":
        return _availability_page(request, counsellor)
    form = WeeklyHoursForm(request.POST)
    if form.is_valid():
        try:
            services.weekly_hours_replace(
                counsellor=counsellor, hours=form.cleaned_data["hours"], actor=request.user
            )
        except CounsellingError as error:
            form.add_error(None, str(error.message))
        else:
            messages.success(request, _("Your weekly hours were saved."))
            return redirect("counseling:availability")
    return _availability_page(request, counsellor, hours_form=form, status=400)


@login_required
@require_POST
def availability_exception_add(request: HttpRequest) -> HttpResponse:
    counsellor = counsellor_for_user(user=request.user)
    form = ExceptionForm(request.POST)
    if form.is_valid():
        try:
            services.availability_exception_add(
                counsellor=counsellor, actor=request.user, **form.cleaned_data
            )
        except CounsellingError as error:
            form_add_service_error(form, error)
        else:
            messages.success(request, _("The change to your hours was saved."))
            return redirect("counseling:availability")
    return _availability_page(request, counsellor, exception_form=form, status=400)


@login_required
@require_POST
def availability_exception_remove(request: HttpRequest, pk: int) -> HttpResponse:
    counsellor = counsellor_for_user(user=request.user)
    exception = get_object_or_404(AvailabilityException, pk=pk, counsellor=counsellor)
    services.availability_exception_remove(exception=exception, actor=request.user)
    messages.success(request, _("The change to your hours was removed."))
    return redirect("counseling:availability")
