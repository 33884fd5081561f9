"""The dashboard page, its CSV export, and the period reports with their progress."""

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from .exports import complaint_rows_csv
from .forms import ScopeForm
from .models import ReportRun
from .permissions import require_dashboard_reader
from .selectors import Scope, dashboard_figures, period_named
from .services import report_run_start
from .tasks import report_generate_task


def _scope_from(request: HttpRequest) -> tuple[ScopeForm, Scope]:
    form = ScopeForm(request.GET or None)
    if request.GET and form.is_valid():
        return form, form.scope()
    return form, Scope(period=period_named(ScopeForm.DEFAULT_PERIOD))


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


@login_required
def reports_page(request: HttpRequest) -> HttpResponse:
    """List the reader's reports and start a new one for the chosen filters (POST)."""
    require_dashboard_reader(request.user)
    if request.method == "POST":
        form = ScopeForm(request.POST)
        if form.is_valid():
            run = report_run_start(actor=request.user, scope=form.scope(), language=get_language())
            transaction.on_commit(lambda: report_generate_task.delay(run.pk))
            return redirect("dashboard:report", pk=run.pk)
        status = 400
    else:
        form, status = ScopeForm(), 200
    runs = ReportRun.objects.filter(requested_by=request.user)[:20]
    return render(request, "dashboard/reports.html", {"form": form, "runs": runs}, status=status)


def _own_run(request: HttpRequest, pk: int) -> ReportRun:
    require_dashboard_reader(request.user)
    return get_object_or_404(ReportRun, pk=pk, requested_by=request.user)


@login_required
@require_GET
def report_page(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "dashboard/report.html", {"run": _own_run(request, pk)})


@login_required
@require_GET
def report_status(request: HttpRequest, pk: int) -> JsonResponse:
    run = _own_run(request, pk)
    return JsonResponse(
        {
            "state": run.state,
            "state_label": run.get_state_display(),
            "percent": run.percent,
            "error": run.error,
        }
    )


@login_required
@require_GET
def report_file(request: HttpRequest, pk: int, kind: str) -> FileResponse:
    run = _own_run(request, pk)
    stored = {"pdf": run.pdf, "figures": run.figures_csv, "complaints": run.complaints_csv}.get(kind)
    if run.state != ReportRun.State.DONE or not stored:
        raise Http404
    return FileResponse(stored.open("rb"), as_attachment=True, filename=stored.name.rsplit("/", 1)[-1])
