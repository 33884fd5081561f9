"""Reviews for managers and the leadership group under /api/v1/; a decision's owner marks it done."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import ErrorSerializer, ReadsBodyMixin

from .permissions import ManagesReviews
from .selectors import decision_get_for_user, reviews_for_user
from .serializers import ReviewDecisionSerializer, ReviewSerializer
from .services import review_decision_complete

TAGS = ["reviews"]
NOT_A_MANAGER = OpenApiResponse(ErrorSerializer, description=_("Only managers and the leadership group."))
NOT_FOUND = OpenApiResponse(ErrorSerializer, description=_("No such record, or not one this user may see."))


class ReviewPagination(CursorPagination):
    ordering = ("-created_at", "-id")
    page_size = 20


class ReviewListAPI(generics.ListAPIView):
    """Every review, newest first, with its decisions."""

    serializer_class = ReviewSerializer
    pagination_class = ReviewPagination
    permission_classes = [ManagesReviews]
    filter_backends = []

    def get_queryset(self):
        return reviews_for_user(user=self.request.user).prefetch_related("participants")

    @extend_schema(
        tags=TAGS,
        summary=_("List the reviews"),
        responses={200: ReviewSerializer(many=True), 403: NOT_A_MANAGER},
    )
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)


class ReviewDetailAPI(generics.RetrieveAPIView):
    serializer_class = ReviewSerializer
    permission_classes = [ManagesReviews]

    def get_queryset(self):
        return reviews_for_user(user=self.request.user).prefetch_related("participants")

    @extend_schema(
        tags=TAGS,
        summary=_("One review"),
        responses={200: ReviewSerializer, 403: NOT_A_MANAGER, 404: NOT_FOUND},
    )
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)


class ReviewDecisionCompleteAPI(ReadsBodyMixin, APIView):
    @extend_schema(
        tags=TAGS,
        summary=_("Mark a review's decision done"),
        description=_("By the decision's owner, a manager or a member of the leadership group."),
        request=None,
        responses={
            200: ReviewDecisionSerializer,
            400: OpenApiResponse(ErrorSerializer, description=_("The body could not be read.")),
            403: OpenApiResponse(ErrorSerializer, description=_("This user may not mark it done.")),
            404: NOT_FOUND,
            409: OpenApiResponse(ErrorSerializer, description=_("The decision is already done.")),
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        decision = decision_get_for_user(user=request.user, pk=pk)
        decision = review_decision_complete(decision=decision, actor=request.user)
        return Response(ReviewDecisionSerializer(decision).data)
