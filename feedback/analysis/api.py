"""The feedback analysis as JSON for managers and the leadership group."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import ErrorSerializer

from .exports import analysis_as_json
from .forms import AnalysisScopeForm
from .permissions import ReadsFeedbackAnalysis
from .selectors import analysis_figures


class AnalysisSerializer(serializers.Serializer):
    period = serializers.DictField(help_text=_("The period: from and to, inclusive dates."))
    previous_period = serializers.DictField(help_text=_("The period of the same length just before."))
    term = serializers.IntegerField(allow_null=True, help_text=_("The term chosen, if any."))
    current = serializers.DictField(help_text=_("Counts, shares, handling times and ratings of the period."))
    previous = serializers.DictField(help_text=_("The same figures for the previous period."))
    by_category = serializers.ListField(child=serializers.DictField(), help_text=_("Feedback per category."))
    by_channel = serializers.ListField(child=serializers.DictField(), help_text=_("Feedback per channel."))
    months = serializers.ListField(child=serializers.DictField(), help_text=_("The figures month by month."))
    terms = serializers.ListField(child=serializers.DictField(), help_text=_("The figures term by term."))
    negative_courses = serializers.ListField(
        child=serializers.DictField(), help_text=_("Courses with the most negative feedback.")
    )
    lowest_rated_teachers = serializers.DictField(
        help_text=_("Teachers with the lowest ratings; those with too few responses are left out.")
    )


def _parameter(name: str, kind, description) -> OpenApiParameter:
    return OpenApiParameter(name, kind, OpenApiParameter.QUERY, required=False, description=description)


class FeedbackAnalysisAPI(APIView):
    permission_classes = [ReadsFeedbackAnalysis]

    @extend_schema(
        operation_id="feedback_analysis",
        summary=_("The feedback analysis for a period, beside the previous period's"),
        parameters=[
            _parameter(
                "period", OpenApiTypes.STR, _("month, quarter, year, custom or term (default: month).")
            ),
            _parameter("from", OpenApiTypes.DATE, _("First day of a custom range.")),
            _parameter("to", OpenApiTypes.DATE, _("Last day of a custom range, inclusive.")),
            _parameter("term", OpenApiTypes.INT, _("The term whose days are read.")),
        ],
        responses={
            200: AnalysisSerializer,
            400: OpenApiResponse(description=_("A filter is not valid: the messages per parameter.")),
            403: OpenApiResponse(ErrorSerializer, description=_("Only managers and the leadership group.")),
        },
    )
    def get(self, request: Request) -> Response:
        form = AnalysisScopeForm(request.query_params)
        if not form.is_valid():
            raise ValidationError(
                {
                    "to" if key == "date_to" else "from" if key == "date_from" else key: value
                    for key, value in form.errors.items()
                }
            )
        return Response(analysis_as_json(analysis_figures(form.scope())))
