"""The activity pages: the upcoming activities, one activity with its register and cancel buttons, and the
person's own registrations. What a reader sees comes from the selectors, which the API and admin use too."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.api import domain_error_status

from . import services
from .errors import ActivityError
from .forms import CheckInForm, SubscriptionForm
from .models import RegistrationStatus
from .permissions import may_register
from .selectors import (
    activities_upcoming,
    activity_get_for_user,
    activity_reading,
    activity_subscribed,
    registrations_for_person,
)

LIST_PAGE_SIZE = 20


def _reader(request: HttpRequest):
    return request.user if request.user.is_authenticated else None


@require_GET
def activity_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")[:100]
    page = Paginator(activities_upcoming(user=_reader(request), query=query), LIST_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    for activity in page:
        activity.places_left = max(activity.capacity - activity.taken, 0)
    subscriber = _reader(request) is not None and may_register(request.user)
    context = {
        "page": page,
        "query": query,
        "may_subscribe": subscriber,
        "subscribed": subscriber and activity_subscribed(user=request.user),
    }
    return render(request, "activities/list.html", context)


def _detail(request: HttpRequest, pk: int, *, check_in_form=None, error=None, status: int = 200):
    activity = activity_get_for_user(user=_reader(request), pk=pk)
    reading = activity_reading(activity=activity, user=_reader(request))
    context = {
        "activity": activity,
        "reading": reading,
        "error": error,
        "check_in_form": check_in_form or (CheckInForm() if reading.may_check_in else None),
        "Status": RegistrationStatus,
    }
    return render(request, "activities/detail.html", context, status=status)


@require_GET
def activity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, pk)


@login_required
@require_POST
def activity_register(request: HttpRequest, pk: int) -> HttpResponse:
    activity = activity_get_for_user(user=request.user, pk=pk)
    try:
        registration = services.registration_create(activity=activity, actor=request.user)
    except ActivityError as error:
        return _detail(request, pk, error=error.message, status=domain_error_status(error))
    if registration.status == RegistrationStatus.REGISTERED:
        messages.success(request, _("You are registered for “%(title)s”.") % {"title": activity.title})
    else:
        messages.info(request, _("The activity is full: you are on its waiting list."))
    return redirect("activities:detail", pk=pk)


@login_required
@require_POST
def activity_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    activity = activity_get_for_user(user=request.user, pk=pk)
    try:
        services.registration_cancel(activity=activity, actor=request.user)
    except ActivityError as error:
        return _detail(request, pk, error=error.message, status=domain_error_status(error))
    messages.success(request, _("Your registration is cancelled."))
    return redirect("activities:detail", pk=pk)


@login_required
@require_POST
def activity_check_in(request: HttpRequest, pk: int) -> HttpResponse:
    activity = activity_get_for_user(user=request.user, pk=pk)
    form = CheckInForm(request.POST)
    if form.is_valid():
        try:
            services.registration_check_in(
                activity=activity, actor=request.user, code=form.cleaned_data["code"]
            )
        except ActivityError as error:
            if error.field in form.fields:
                form.add_error(error.field, str(error.message))
            else:
                return _detail(request, pk, error=error.message, status=domain_error_status(error))
        else:
            messages.success(request, _("You are checked in. Welcome!"))
            return redirect("activities:detail", pk=pk)
    return _detail(request, pk, check_in_form=form, status=400)


@login_required
@require_GET
def my_registrations(request: HttpRequest) -> HttpResponse:
    page = Paginator(registrations_for_person(user=request.user), LIST_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "activities/mine.html", {"page": page, "Status": RegistrationStatus})


@login_required
@require_POST
def subscription_set(request: HttpRequest) -> HttpResponse:
    form = SubscriptionForm(request.POST)
    form.is_valid()  # a box left unticked is "no": the form has no invalid input
    on = services.activity_subscription_set(
        person=request.user, actor=request.user, subscribed=form.cleaned_data.get("subscribed", False)
    )
    messages.success(
        request,
        _("You will be told of new activities.")
        if on
        else _("You will no longer be told of new activities."),
    )
    return redirect("activities:list")
