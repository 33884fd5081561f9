"""The holder's page: the qualifications a counsellor or an instructor holds, their vetting, submitting one.

A person sees the qualifications of their own holder rows only (``holders_of``); a scan is downloadable by
its holder here and by reviewers in the admin.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from core.forms import form_add_service_error
from privacy.models import AccessLogEntry

from .errors import QualificationInvalid, QualificationNotAllowed
from .forms import QualificationSubmitForm
from .models import Qualification
from .registry import qualified_holders
from .selectors import holders_of, kinds_for, qualification_get_for_user, qualifications_of, qualified_ids
from .services import qualification_scan_read, qualification_submit


def scan_response(qualification: Qualification) -> HttpResponse:
    """The scan as a download: its checked type, never guessed by the browser, never cached."""
    response = HttpResponse(bytes(qualification.scan), content_type=qualification.scan_type)
    response["Content-Disposition"] = f'attachment; filename="qualification-{qualification.pk}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _holdings(request: HttpRequest, *, failed=None) -> list[dict]:
    """Each of the person's holder rows, with its qualifications and a form to submit another."""
    holdings = []
    for holder in qualified_holders():
        rows = list(holders_of(request.user, holder.model))
        qualified = qualified_ids(holder.model, [row.pk for row in rows])
        for row in rows:
            key = f"{holder.label}:{row.pk}"
            form = failed[1] if failed and failed[0] == key else None
            holdings.append(
                {
                    "key": key,
                    "holder": row,
                    "role": holder.model._meta.verbose_name,
                    "qualified": row.pk in qualified,
                    "qualifications": list(qualifications_of(row).prefetch_related("events")),
                    "form": form or QualificationSubmitForm(kinds=kinds_for(holder.model), prefix=key),
                }
            )
    return holdings


@login_required
@require_http_methods(["GET", "POST"])
def qualifications_mine(request: HttpRequest) -> HttpResponse:
    """GET: the person's qualifications; POST: submit one for one of their holder rows (``holder``)."""
    if request.method == "POST":
        key = request.POST.get("holder", "")
        label, _sep, pk = key.partition(":")
        holder = next((h for h in qualified_holders() if h.label == label), None)
        row = (
            holders_of(request.user, holder.model).filter(pk=pk).first() if holder and pk.isdigit() else None
        )
        if row is None:
            raise Http404
        form = QualificationSubmitForm(request.POST, request.FILES, kinds=kinds_for(holder.model), prefix=key)
        if form.is_valid():
            try:
                qualification_submit(holder=row, actor=request.user, **form.cleaned_data)
            except (QualificationInvalid, QualificationNotAllowed) as error:
                form_add_service_error(form, error)
            else:
                messages.success(
                    request, _("Submitted. A reviewer will check it; you will be told the result.")
                )
                return redirect("qualifications:mine")
        context = {"holdings": _holdings(request, failed=(key, form))}
        return render(request, "qualifications/mine.html", context, status=400)
    holdings = _holdings(request)
    if not holdings:
        raise Http404  # only counsellors and instructors hold qualifications
    return render(request, "qualifications/mine.html", {"holdings": holdings})


@login_required
@require_GET
def qualification_scan(request: HttpRequest, pk: int) -> HttpResponse:
    """The holder's own scan (reviewers read scans in the admin, logged)."""
    try:
        qualification = qualification_get_for_user(user=request.user, pk=pk)
    except Qualification.DoesNotExist:
        raise Http404 from None
    with_scan = qualification_scan_read(
        qualification=qualification,
        actor=request.user,
        channel=AccessLogEntry.Channel.PAGE,
        screen="qualifications:scan",
    )
    return scan_response(with_scan)
