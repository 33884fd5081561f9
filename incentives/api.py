"""The learner's own points, awards and rewards under /api/v1/me/."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from .selectors import awards_for_learner, points_summary, rewards_for_learner
from .serializers import AwardSerializer, PointsSummarySerializer, RewardSerializer

TAGS = ["points"]


class AwardPagination(CursorPagination):
    ordering = ("-created_at", "-id")
    page_size = 25


class RewardPagination(CursorPagination):
    ordering = ("-issued_at", "-id")
    page_size = 25


class MyPointsAPI(APIView):
    @extend_schema(tags=TAGS, summary=_("My points"), responses={200: PointsSummarySerializer})
    def get(self, request: Request) -> Response:
        summary = points_summary(learner=request.user)
        return Response(PointsSummarySerializer(summary).data)


class MyAwardsAPI(generics.ListAPIView):
    """The awards of points I earned, newest first."""

    serializer_class = AwardSerializer
    pagination_class = AwardPagination
    filter_backends = []

    def get_queryset(self):
        return awards_for_learner(learner=self.request.user)

    @extend_schema(tags=TAGS, summary=_("List my awards of points"))
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)


class MyRewardsAPI(generics.ListAPIView):
    """The rewards I earned, with their codes, newest first."""

    serializer_class = RewardSerializer
    pagination_class = RewardPagination
    filter_backends = []

    def get_queryset(self):
        return rewards_for_learner(learner=self.request.user)

    @extend_schema(tags=TAGS, summary=_("List my rewards"))
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)
