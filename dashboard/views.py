"""The dashboard page, its CSV export, and the period reports with their progress."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from .exports import complaint_rows_csv
from .forms import ScopeForm
from .permissions import require_dashboard_reader
from .selectors import Scope, dashboard_figures, period_named


def _scope_from(request: HttpRequest) -> tuple[ScopeForm, Scope]:
    form = ScopeForm(request.GET or None)
    if request.GET and form.is_valid():
        return form, form.scope()
    return form, Scope(period=period_named("month"))


@login_required
@require_GET
def dashboard_page(request: HttpRequest) -> HttpResponse:
    require_dashboard_reader(request.user)
    form, scope = _scope_from(request)
    if form.is_bound and not form.is_valid():
        return render(request, "dashboard/dashboard.html", {"form": form, "figures": None}, status=400)
    figures = dashboard_figures(scope)
    charts = {
        "volume": figures.trends["volume"],
        "sla": {
            **figures.trends["sla"],
            "names": [_("Acknowledged within 1 hour"), _("Resolved within target")],
        },
        "severity": {
            "labels": [row.label for row in figures.volumes["by_severity"]],
            "data": [row.current for row in figures.volumes["by_severity"]],
        },
    }
    return render(
        request,
        "dashboard/dashboard.html",
        {
            "form": form,
            "figures": figures,
            "charts": charts,
            "previous": scope.period.previous(),
            "query": request.GET.urlencode(),
        },
    )


@login_required
@require_GET
def complaints_csv(request: HttpRequest) -> StreamingHttpResponse:
    """Stream the complaints behind the current filters as CSV, never holding them all in memory."""
    require_dashboard_reader(request.user)
    form, scope = _scope_from(request)
    if form.is_bound and not form.is_valid():
        return HttpResponse(_("The filters are not valid."), status=400, content_type="text/plain")
    response = StreamingHttpResponse(complaint_rows_csv(scope), content_type="text/csv; charset=utf-8")
    name = f"complaints-{scope.period.first:%Y%m%d}-{scope.period.last:%Y%m%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
