"""The analysis page for managers and the leadership group, and its CSV."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from .exports import analysis_csv_rows
from .forms import AnalysisScopeForm, period_named
from .permissions import require_feedback_analysis_reader
from .selectors import AnalysisScope, analysis_figures


def _scope_from(request: HttpRequest) -> tuple[AnalysisScopeForm, AnalysisScope]:
    form = AnalysisScopeForm(request.GET or None)
    if request.GET and form.is_valid():
        return form, form.scope()
    return form, AnalysisScope(period=period_named(AnalysisScopeForm.DEFAULT_PERIOD))


def _charts(figures) -> dict:
    return {
        "months": {
            "labels": [row["label"] for row in figures.months],
            "received": [row["received"] for row in figures.months],
            "negative": [row["negative"] for row in figures.months],
            "on_time": [row["plan_on_time_percent"] for row in figures.months],
            "rating": [row["average_rating"] for row in figures.months],
            "names": [_("Received"), _("Negative"), _("Plan on time (%)"), _("Average rating")],
        },
        "categories": {
            "labels": [row["label"] for row in figures.by_category],
            "data": [row["received"] for row in figures.by_category],
        },
        "channels": {
            "labels": [row["label"] for row in figures.by_channel],
            "data": [row["received"] for row in figures.by_channel],
        },
    }


@login_required
@require_GET
def analysis_page(request: HttpRequest) -> HttpResponse:
    require_feedback_analysis_reader(request.user)
    form, scope = _scope_from(request)
    if form.is_bound and not form.is_valid():
        return render(request, "feedback/analysis.html", {"form": form, "figures": None}, status=400)
    figures = analysis_figures(scope)
    return render(
        request,
        "feedback/analysis.html",
        {
            "form": form,
            "figures": figures,
            "charts": _charts(figures),
            "previous": scope.period.previous(),
            "query": request.GET.urlencode(),
        },
    )


@login_required
@require_GET
def analysis_csv(request: HttpRequest) -> HttpResponse:
    require_feedback_analysis_reader(request.user)
    form, scope = _scope_from(request)
    if form.is_bound and not form.is_valid():
        return HttpResponse(_("The filters are not valid."), status=400, content_type="text/plain")
    response = StreamingHttpResponse(
        analysis_csv_rows(analysis_figures(scope)), content_type="text/csv; charset=utf-8"
    )
    name = f"feedback-analysis-{scope.period.first:%Y%m%d}-{scope.period.last:%Y%m%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
