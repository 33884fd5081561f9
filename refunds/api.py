"""The refund endpoints under /api/v1/refunds/: learners get a quote, request and follow refunds; staff
decide them. Each action finds the request among those the user may see (404 otherwise), validates its input
with one serializer, calls its one service and answers the request as it now stands."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import ErrorSerializer, ReadsBodyMixin
from privacy.api import PersonalDataListMixin
from privacy.models import AccessLogEntry
from privacy.services import access_log_record

from . import serializers as io
from . import services
from .calculation import calculation_lines
from .selectors import refund_get_for_user, refund_list_for_user, refund_quote_for_enrolment

TAGS = ["refunds"]
ACTION_TAGS = ["refund actions"]
REFERENCE = OpenApiParameter(
    "reference",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    description=_("The request's reference, such as TF-2026-000123."),
)
ERRORS = {
    400: OpenApiResponse(description=_("Invalid input ({field: [messages]}), or a rule refuses it.")),
    403: OpenApiResponse(ErrorSerializer, description=_("This user may not do this.")),
    404: OpenApiResponse(ErrorSerializer, description=_("No such request, or not one this user may see.")),
    409: OpenApiResponse(ErrorSerializer, description=_("The request's state does not allow this.")),
}


class NewestFirst(CursorPagination):
    ordering = ("-created_at", "-id")
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100


def _answer(request: Request, reference: str, *, code: int = status.HTTP_200_OK) -> Response:
    refund = refund_get_for_user(user=request.user, reference=reference)
    if request.user.is_staff_member:
        access_log_record(
            actor=request.user,
            subject=refund.learner,
            record=refund,
            fields=("learner", "reason"),
            channel=AccessLogEntry.Channel.API,
            screen=f"api:{request.resolver_match.view_name}",
        )
    return Response(io.RefundDetailSerializer(refund, context={"request": request}).data, status=code)


class RefundListAPI(PersonalDataListMixin, generics.ListCreateAPIView):
    """The refund requests this user may see, newest first; and requesting a refund."""

    serializer_class = io.RefundSummarySerializer
    pagination_class = NewestFirst
    filter_backends = []
    personal_data_list_fields = ("reference",)
    personal_data_subject_fields = ("learner_id",)

    def personal_data_reads_logged(self, request) -> bool:
        return request.user.is_staff_member

    def get_queryset(self):
        return refund_list_for_user(user=self.request.user)

    @extend_schema(tags=TAGS, summary=_("List the refund requests this user may see"))
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        tags=TAGS,
        summary=_("Request a refund"),
        description=_(
            "The learner of the enrolment, or their guardian, after accepting the current user agreement "
            "(403 agreement_acceptance_required otherwise). The amount the refund rules give is worked out "
            "and kept with its calculation."
        ),
        request=io.RefundFileInput,
        responses={201: io.RefundDetailSerializer, **ERRORS},
    )
    def post(self, request: Request, *args, **kwargs) -> Response:
        data = io.RefundFileInput(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        values = data.validated_data
        refund = services.refund_request_file(
            actor=request.user,
            enrolment=values["enrolment"],
            reason=values["reason"],
            institution_at_fault=values["institution_at_fault"],
        )
        return _answer(request, refund.reference, code=status.HTTP_201_CREATED)


class RefundQuoteAPI(ReadsBodyMixin, APIView):
    """What the refund rules give for one of the user's (or their ward's) enrolments today, step by step;
    writes nothing. Any other enrolment is "not found" at its field, as one that does not exist."""

    @extend_schema(
        tags=TAGS,
        summary=_("Work out a refund before requesting it"),
        request=io.RefundQuoteInput,
        responses={200: io.RefundQuoteSerializer, **ERRORS},
    )
    def post(self, request: Request) -> Response:
        data = io.RefundQuoteInput(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        quote = refund_quote_for_enrolment(
            enrolment=data.validated_data["enrolment"],
            institution_at_fault=data.validated_data["institution_at_fault"],
        )
        if quote is None:
            return Response(
                {"code": "no_policy", "detail": _("The institution has not published its refund rules yet.")},
                status=status.HTTP_400_BAD_REQUEST,
            )
        body = {"amount": quote.amount, "rule": quote.rule, "calculation": calculation_lines(quote.steps)}
        return Response(io.RefundQuoteSerializer(body).data)


class RefundDetailAPI(APIView):
    """One refund request as this user may see it."""

    @extend_schema(
        tags=TAGS,
        summary=_("Read a refund request"),
        parameters=[REFERENCE],
        responses={200: io.RefundDetailSerializer, 404: ERRORS[404]},
    )
    def get(self, request: Request, reference: str) -> Response:
        return _answer(request, reference)


ANSWERED = _("Answers the request as it now stands.")


def _action(name, summary, service, *, request_serializer=None, description=ANSWERED):
    """Build one action endpoint: validate the input, call the service with it, answer the request."""

    class ActionAPI(ReadsBodyMixin, APIView):
        @extend_schema(
            tags=ACTION_TAGS,
            summary=summary,
            description=description,
            parameters=[REFERENCE],
            request=request_serializer,
            responses={200: io.RefundDetailSerializer, **ERRORS},
        )
        def post(self, request: Request, reference: str) -> Response:
            refund = refund_get_for_user(user=request.user, reference=reference)
            values = {}
            if request_serializer is not None:
                data = request_serializer(data=request.data)
                data.is_valid(raise_exception=True)
                values = dict(data.validated_data)
            service(request=refund, actor=request.user, **values)
            return _answer(request, reference)

    ActionAPI.__name__ = ActionAPI.__qualname__ = f"Refund{name}API"
    return ActionAPI


ACTION_VIEWS = {
    "approve": _action(
        "Approve",
        _("Approve a refund request (above the threshold: refer it to the leadership group)"),
        services.refund_approve,
        request_serializer=io.RefundApproveInput,
    ),
    "leadership-approve": _action(
        "LeadershipApprove",
        _("Approve a large refund for the leadership group"),
        services.refund_leadership_approve,
        request_serializer=io.RefundLeadershipApproveInput,
    ),
    "refuse": _action(
        "Refuse",
        _("Refuse a refund request, naming the rule"),
        services.refund_refuse,
        request_serializer=io.RefundRefuseInput,
    ),
    "record-payment": _action(
        "RecordPayment",
        _("Record the money paid back"),
        services.refund_record_payment,
        request_serializer=io.RefundPaymentInput,
    ),
    "withdraw": _action("Withdraw", _("Withdraw a refund request"), services.refund_withdraw),
    "notes": _action(
        "AddNote", _("Add an internal note"), services.refund_note_add, request_serializer=io.RefundNoteInput
    ),
}
