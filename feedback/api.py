"""The feedback endpoints under /api/v1/feedback/: learners give, follow and rate; staff work the items.

Each action finds the item among those the user may see (404 otherwise), validates its input with one
serializer, calls its one service and answers the item as it now stands. Refusals become JSON in the API's
one exception handler (``core.api``).
"""

from django.http import FileResponse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import ErrorSerializer, ReadsBodyMixin
from core.evidence import evidence_response
from privacy.api import PersonalDataListMixin
from privacy.models import AccessLogEntry
from privacy.services import access_log_record

from . import serializers as io
from . import services
from .models import FeedbackCategory
from .selectors import feedback_get_for_user, feedback_list_for_user, feedback_reading
from .services import Subject

TAGS = ["feedback"]
ACTION_TAGS = ["feedback actions"]
REFERENCE = OpenApiParameter(
    "reference",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    description=_("The item's reference, such as FK-2026-000123."),
)
ERRORS = {
    400: OpenApiResponse(description=_("Invalid input ({field: [messages]}), or a rule refuses it.")),
    403: OpenApiResponse(ErrorSerializer, description=_("This user may not do this.")),
    404: OpenApiResponse(ErrorSerializer, description=_("No such item, or not one this user may see.")),
    409: OpenApiResponse(ErrorSerializer, description=_("The item's state does not allow this.")),
}


class NewestFirst(CursorPagination):
    ordering = ("-created_at", "-id")
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100


def _answer(request: Request, reference: str, *, code: int = status.HTTP_200_OK) -> Response:
    item = feedback_get_for_user(user=request.user, reference=reference)
    if request.user.is_staff_member and item.learner_id is not None:
        access_log_record(
            actor=request.user,
            subject=item.learner,
            record=item,
            fields=("learner", "text"),
            channel=AccessLogEntry.Channel.API,
            screen=f"api:{request.resolver_match.view_name}",
        )
    return Response(io.FeedbackDetailSerializer(item, context={"request": request}).data, status=code)


class FeedbackCategoryListAPI(generics.ListAPIView):
    """The categories feedback is given under."""

    serializer_class = io.FeedbackCategorySerializer
    pagination_class = None
    filter_backends = []

    def get_queryset(self):
        return FeedbackCategory.objects.filter(is_active=True)

    @extend_schema(tags=TAGS, summary=_("List the feedback categories"))
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class FeedbackListAPI(PersonalDataListMixin, generics.ListCreateAPIView):
    """The feedback this user may see, newest first; and giving feedback online."""

    serializer_class = io.FeedbackSummarySerializer
    pagination_class = NewestFirst
    filter_backends = []
    personal_data_list_fields = ("reference", "text")
    personal_data_subject_fields = ("learner_id",)

    def personal_data_reads_logged(self, request) -> bool:
        return request.user.is_staff_member

    def get_queryset(self):
        return feedback_list_for_user(user=self.request.user)

    @extend_schema(tags=TAGS, summary=_("List the feedback this user may see"))
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        tags=TAGS,
        summary=_("Give feedback"),
        description=_(
            "Learners for themselves, parents for their child; anonymous feedback returns its "
            "follow key once. Send form data to attach evidence; a refused file leaves no item behind."
        ),
        request={"multipart/form-data": io.FeedbackGiveInput, "application/json": io.FeedbackGiveInput},
        responses={201: io.FeedbackGivenSerializer, **ERRORS},
    )
    def post(self, request: Request, *args, **kwargs) -> Response:
        data = io.FeedbackGiveInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        given = services.feedback_give(
            actor=request.user,
            learner=values.get("learner"),
            subject=Subject(
                category=values["category"], course=values.get("course"), instructor=values.get("instructor")
            ),
            text=values["text"],
            is_urgent=values["is_urgent"],
            is_anonymous=values["is_anonymous"],
            term=values.get("term"),
            school_class=values.get("school_class"),
            attachments=values["attachments"],
        )
        given.item.follow_key = given.follow_key
        return Response(io.FeedbackGivenSerializer(given.item).data, status=status.HTTP_201_CREATED)


class FeedbackDetailAPI(APIView):
    """One item as this user may see it."""

    @extend_schema(
        tags=TAGS,
        summary=_("Read a feedback item"),
        parameters=[REFERENCE],
        responses={200: io.FeedbackDetailSerializer, 404: ERRORS[404]},
    )
    def get(self, request: Request, reference: str) -> Response:
        return _answer(request, reference)


class FeedbackAttachmentAPI(APIView):
    """Download one evidence file of an item this user may see; a staff member's download is logged."""

    @extend_schema(
        tags=TAGS,
        summary=_("Download a feedback item's evidence file"),
        parameters=[REFERENCE, OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH)],
        responses={
            (200, "application/octet-stream"): OpenApiResponse(
                OpenApiTypes.BINARY, description=_("The file, as a download, with its detected content type.")
            ),
            404: ERRORS[404],
        },
    )
    def get(self, request: Request, reference: str, pk: int) -> FileResponse:
        item = feedback_get_for_user(user=request.user, reference=reference)
        attachment = feedback_reading(item=item, user=request.user).attachment(pk)
        if request.user.is_staff_member and item.learner_id is not None:
            access_log_record(
                actor=request.user,
                subject=item.learner,
                record=attachment,
                fields=("file",),
                channel=AccessLogEntry.Channel.API,
                screen=f"api:{request.resolver_match.view_name}",
            )
        return evidence_response(attachment)


ANSWERED = _("Answers the item as it now stands.")


def _action(name, summary, service, *, request_serializer=None, description=ANSWERED):
    """Build one action endpoint: validate the input, call the service with it, answer the item."""

    class ActionAPI(ReadsBodyMixin, APIView):
        @extend_schema(
            tags=ACTION_TAGS,
            summary=summary,
            description=description,
            parameters=[REFERENCE],
            request=request_serializer,
            responses={200: io.FeedbackDetailSerializer, **ERRORS},
        )
        def post(self, request: Request, reference: str) -> Response:
            item = feedback_get_for_user(user=request.user, reference=reference)
            values = {}
            if request_serializer is not None:
                data = request_serializer(data=request.data)
                data.is_valid(raise_exception=True)
                values = dict(data.validated_data)
            service(item=item, actor=request.user, **values)
            return _answer(request, reference)

    ActionAPI.__name__ = ActionAPI.__qualname__ = f"Feedback{name}API"
    return ActionAPI


ACTION_VIEWS = {
    "accept": _action("Accept", _("Accept a feedback item after review"), services.feedback_accept),
    "reject": _action(
        "Reject",
        _("Reject a feedback item with a reason"),
        services.feedback_reject,
        request_serializer=io.FeedbackReasonInput,
    ),
    "convert": _action(
        "Convert",
        _("Convert a feedback item into a complaint"),
        services.feedback_convert,
        request_serializer=io.FeedbackConvertInput,
    ),
    "plan": _action(
        "Plan", _("Make the handling plan"), services.feedback_plan, request_serializer=io.FeedbackPlanInput
    ),
    "start-rectification": _action(
        "StartRectification", _("Start rectification"), services.feedback_start_rectification
    ),
    "improvement-actions": _action(
        "AddImprovementAction",
        _("Add an improvement action"),
        services.feedback_improvement_action_add,
        request_serializer=io.FeedbackImprovementInput,
    ),
    "notify-result": _action(
        "NotifyResult",
        _("Notify the result"),
        services.feedback_notify_result,
        request_serializer=io.FeedbackResultInput,
    ),
    "rate": _action(
        "Rate", _("Rate the handling"), services.feedback_rate, request_serializer=io.FeedbackRatingInput
    ),
    "close": _action("Close", _("Close a feedback item"), services.feedback_close),
    "notes": _action(
        "AddNote",
        _("Add an internal note"),
        services.feedback_note_add,
        request_serializer=io.FeedbackNoteInput,
    ),
}
