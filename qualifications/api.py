"""The qualifications endpoints under /api/v1/qualifications/: holders list and submit theirs; reviewers list
every one and decide. Each action finds the qualification among those the user may see (404 otherwise),
validates its input with one serializer and calls its one service."""

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import ErrorSerializer

from . import serializers as io
from .models import Qualification, QualificationKind
from .registry import qualified_holder_for_label
from .selectors import holders_of, qualification_get_for_user, qualifications_visible
from .services import ALLOWED_TRANSITIONS, Transition, qualification_decide, qualification_submit

TAGS = ["qualifications"]
ID = OpenApiParameter("pk", OpenApiTypes.INT, OpenApiParameter.PATH, description=_("The qualification's id."))
ERRORS = {
    400: OpenApiResponse(description=_("Invalid input ({field: [messages]}), or a rule refuses it.")),
    403: OpenApiResponse(ErrorSerializer, description=_("This user may not do this.")),
    404: OpenApiResponse(
        ErrorSerializer, description=_("No such qualification, or not one this user may see.")
    ),
    409: OpenApiResponse(ErrorSerializer, description=_("The qualification's state does not allow this.")),
}


class NewestFirst(CursorPagination):
    ordering = ("-submitted_at", "-id")
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100


def _visible(request: Request, pk: int) -> Qualification:
    try:
        return qualification_get_for_user(user=request.user, pk=pk)
    except Qualification.DoesNotExist:
        raise Http404 from None


class QualificationListAPI(generics.ListCreateAPIView):
    """The qualifications this user may see (a holder's own; a reviewer's, all), newest first; and
    submitting one for the user's own holder record, with its scan."""

    serializer_class = io.QualificationSerializer
    pagination_class = NewestFirst
    filter_backends = []

    def get_queryset(self):
        return qualifications_visible(self.request.user)

    @extend_schema(tags=TAGS, summary=_("List the qualifications this user may see"))
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        tags=TAGS,
        summary=_("Submit a qualification with its scan, to be vetted"),
        request=io.QualificationSubmitInput,
        responses={201: io.QualificationSerializer, **ERRORS},
    )
    def post(self, request, *args, **kwargs):
        given = io.QualificationSubmitInput(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        label, _sep, holder_id = data["holder"].partition(":")
        registered = qualified_holder_for_label(label)
        holder = (
            holders_of(request.user, registered.model).filter(pk=holder_id).first() if registered else None
        )
        if holder is None:
            raise Http404
        qualification = qualification_submit(
            holder=holder,
            kind=QualificationKind.objects.filter(pk=data["kind"]).first(),
            number=data["number"],
            issuer=data["issuer"],
            level=data["level"],
            valid_from=data["valid_from"],
            valid_until=data["valid_until"],
            scan=data["scan"],
            actor=request.user,
        )
        return Response(
            io.QualificationSerializer(_visible(request, qualification.pk)).data,
            status=status.HTTP_201_CREATED,
        )


class QualificationDetailAPI(APIView):
    @extend_schema(
        tags=TAGS,
        summary=_("Read one qualification"),
        parameters=[ID],
        responses={200: io.QualificationSerializer, **ERRORS},
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(io.QualificationSerializer(_visible(request, pk)).data)


def _decision_view(transition: Transition) -> type[APIView]:
    class DecisionAPI(APIView):
        @extend_schema(
            tags=TAGS,
            summary=_("Reviewers: %(move)s the qualification") % {"move": transition.label},
            parameters=[ID],
            request=io.QualificationDecisionInput,
            responses={200: io.QualificationSerializer, **ERRORS},
        )
        def post(self, request: Request, pk: int) -> Response:
            given = io.QualificationDecisionInput(data=request.data)
            given.is_valid(raise_exception=True)
            qualification_decide(
                qualification=_visible(request, pk),
                actor=request.user,
                transition=transition,
                reason=given.validated_data["reason"],
            )
            return Response(io.QualificationSerializer(_visible(request, pk)).data)

    DecisionAPI.__name__ = DecisionAPI.__qualname__ = f"Qualification{transition.name.title()}API"
    return DecisionAPI


ACTION_VIEWS = {str(transition): _decision_view(transition) for transition in ALLOWED_TRANSITIONS}
