"""The dashboard's figures as JSON for managers and the leadership group."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import ErrorSerializer

from .forms import ScopeForm
from .permissions import ReadsDashboard
from .selectors import dashboard_figures


def _rows(rows) -> list[dict]:
    return [
        {"key": row.key, "label": row.label, "current": row.current, "previous": row.previous} for row in rows
    ]


def figures_as_json(figures) -> dict:
    """The figures in plain JSON types (the same numbers as the page)."""
    period = figures.scope.period
    previous = period.previous()
    volumes = {
        **{key: figures.volumes[key] for key in ("new", "closed", "open_now")},
        **{
            key: _rows(figures.volumes[key])
            for key in ("by_category", "by_severity", "by_channel", "by_department")
        },
    }
    satisfaction = dict(figures.satisfaction)
    satisfaction["refunds_cny"] = {when: str(value) for when, value in satisfaction["refunds_cny"].items()}
    hot_spots = dict(figures.hot_spots)
    hot_spots["rising_categories"] = _rows(hot_spots["rising_categories"])
    return {
        "period": {"from": period.first, "to": period.last},
        "previous_period": {"from": previous.first, "to": previous.last},
        "volumes": volumes,
        "promises": figures.promises,
        "overdue": figures.overdue,
        "satisfaction": satisfaction,
        "hot_spots": hot_spots,
        "improvement_actions": figures.improvement,
        "trends": figures.trends,
        "refunds": {
            key: {when: (str(value) if key.endswith("_cny") else value) for when, value in values.items()}
            for key, values in figures.refunds.items()
        },
    }


class SummarySerializer(serializers.Serializer):
    period = serializers.DictField(help_text=_("The period: from and to, inclusive dates."))
    previous_period = serializers.DictField(help_text=_("The period of the same length just before."))
    volumes = serializers.DictField(help_text=_("New, closed, open now, and new complaints broken down."))
    promises = serializers.DictField(help_text=_("Shares of SLA clocks kept, and hours to meet each target."))
    overdue = serializers.DictField(help_text=_("Running clocks past their due time now."))
    satisfaction = serializers.DictField(help_text=_("Ratings, appeals and remedies."))
    hot_spots = serializers.DictField(help_text=_("Complaints per 100 enrolled learners; rising categories."))
    improvement_actions = serializers.DictField(help_text=_("Improvement actions open, overdue and done."))
    trends = serializers.DictField(help_text=_("The chart series."))
    refunds = serializers.DictField(
        help_text=_(
            "Refund requests: how many, the CNY asked, approved and paid back, refusals, time to decide."
        )
    )


def _parameter(name: str, kind, description) -> OpenApiParameter:
    return OpenApiParameter(name, kind, OpenApiParameter.QUERY, required=False, description=description)


class ReportSummaryAPI(APIView):
    permission_classes = [ReadsDashboard]

    @extend_schema(
        operation_id="reports_summary",
        summary=_("The dashboard's figures for a period, beside the previous period's"),
        parameters=[
            _parameter("from", OpenApiTypes.DATE, _("First day (default: the first of this month).")),
            _parameter("to", OpenApiTypes.DATE, _("Last day, inclusive.")),
            _parameter("department", OpenApiTypes.INT, _("Only complaints assigned to this department.")),
            _parameter("category", OpenApiTypes.INT, _("Only complaints of this category.")),
            _parameter("channel", OpenApiTypes.STR, _("Only complaints that came in through this channel.")),
        ],
        responses={
            200: SummarySerializer,
            400: OpenApiResponse(description=_("A filter is not valid: the messages per parameter.")),
            403: OpenApiResponse(ErrorSerializer, description=_("Only managers and the leadership group.")),
        },
    )
    def get(self, request: Request) -> Response:
        form = ScopeForm(request.query_params)
        if not form.is_valid():
            raise ValidationError(
                {
                    "to" if key == "date_to" else "from" if key == "date_from" else key: value
                    for key, value in form.errors.items()
                }
            )
        return Response(figures_as_json(dashboard_figures(form.scope())))
