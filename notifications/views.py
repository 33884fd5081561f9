"""A person's in-app notices and their choice of channels."""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from .forms import NotificationPreferenceForm
from .messages import notice_render
from .models import Notification
from .selectors import notification_preference_get, notifications_in_app_for_user
from .services import notification_preference_set, notifications_mark_all_read

INBOX_PAGE_SIZE = 20


@dataclass(frozen=True)
class InboxEntry:
    notification: Notification
    title: str
    path: str


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    page = Paginator(notifications_in_app_for_user(user=request.user), INBOX_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    language = translation.get_language()
    entries = []
    for notification in page:
        rendered = notice_render(kind=notification.kind, context=notification.context, language=language)
        entries.append(InboxEntry(notification=notification, title=rendered.title, path=rendered.path))
    return render(request, "notifications/inbox.html", {"page": page, "entries": entries})


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    count = notifications_mark_all_read(user=request.user, actor=request.user)
    if count:
        messages.success(request, _("All your notices are marked as read."))
    return redirect("notifications:inbox")


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    current = notification_preference_get(user=request.user)
    initial = {"email": current.email, "sms": current.sms}
    form = NotificationPreferenceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            notification_preference_set(
                user=request.user,
                email=form.cleaned_data["email"],
                sms=form.cleaned_data["sms"],
                actor=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your notice channels are saved."))
            return redirect("notifications:preferences")
    status = 400 if form.errors else 200
    return render(request, "notifications/preferences.html", {"form": form}, status=status)
