"""The activity endpoints under /api/v1/: the upcoming activities, one activity, register, cancel, and the
person's own registrations.

Each finds the activity among those the user may see (404 otherwise), calls its one service and answers the
activity as it now stands. Refusals become JSON in the API's one exception handler (``core.api``).
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import ErrorSerializer, ReadsBodyMixin

from . import serializers as io
from . import services
from .selectors import activities_upcoming, activity_get_for_user, activity_reading, registrations_for_person

TAGS = ["activities"]
ACTIVITY_ID = OpenApiParameter(
    "id", OpenApiTypes.INT, OpenApiParameter.PATH, description=_("The activity's id.")
)
ERRORS = {
    403: OpenApiResponse(ErrorSerializer, description=_("This user may not do this.")),
    404: OpenApiResponse(ErrorSerializer, description=_("No such activity, or not one this user may see.")),
    409: OpenApiResponse(
        ErrorSerializer,
        description=_("Registration is closed, or the registration's state does not allow it."),
    ),
}


class Soonest(CursorPagination):
    ordering = ("starts_at", "id")
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100


class NewestFirst(CursorPagination):
    ordering = ("-created_at", "-id")
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100


def _answer(request: Request, pk: int, *, code: int = status.HTTP_200_OK) -> Response:
    activity = activity_get_for_user(user=request.user, pk=pk)
    reading = activity_reading(activity=activity, user=request.user)
    return Response(io.ActivityDetailSerializer(activity, context={"reading": reading}).data, status=code)


class ActivityListAPI(generics.ListAPIView):
    """The published activities not yet over, soonest first, with the places left."""

    serializer_class = io.ActivitySummarySerializer
    pagination_class = Soonest
    filter_backends = []

    def get_queryset(self):
        return activities_upcoming(user=self.request.user)

    @extend_schema(tags=TAGS, summary=_("List the upcoming activities"))
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class ActivityDetailAPI(APIView):
    """One activity as this user sees it."""

    @extend_schema(
        tags=TAGS,
        summary=_("Read an activity"),
        parameters=[ACTIVITY_ID],
        responses={200: io.ActivityDetailSerializer, 404: ERRORS[404]},
    )
    def get(self, request: Request, pk: int) -> Response:
        return _answer(request, pk)


class ActivityRegisterAPI(ReadsBodyMixin, APIView):
    @extend_schema(
        tags=TAGS,
        summary=_("Register for an activity"),
        description=_(
            "A place while any is left, otherwise the waiting list. Learners and parents only. Answers the "
            "activity as it now stands."
        ),
        parameters=[ACTIVITY_ID],
        request=None,
        responses={201: io.ActivityDetailSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        activity = activity_get_for_user(user=request.user, pk=pk)
        services.registration_create(activity=activity, actor=request.user)
        return _answer(request, pk, code=status.HTTP_201_CREATED)


class ActivityCancelAPI(ReadsBodyMixin, APIView):
    @extend_schema(
        tags=TAGS,
        summary=_("Cancel a registration for an activity"),
        description=_(
            "Before the activity starts. A place given up goes to the first on the waiting list. Answers the "
            "activity as it now stands."
        ),
        parameters=[ACTIVITY_ID],
        request=None,
        responses={200: io.ActivityDetailSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        activity = activity_get_for_user(user=request.user, pk=pk)
        services.registration_cancel(activity=activity, actor=request.user)
        return _answer(request, pk)


class MyRegistrationsAPI(generics.ListAPIView):
    """The user's own activity registrations, newest first."""

    serializer_class = io.RegistrationSerializer
    pagination_class = NewestFirst
    filter_backends = []

    def get_queryset(self):
        return registrations_for_person(user=self.request.user)

    @extend_schema(tags=TAGS, summary=_("List my activity registrations"))
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)
