"""The help centre's endpoints under /api/v1/help/: published sections and articles, search and the
"was this helpful?" vote. Reading is open to everyone; voting needs an account. Drafts answer 404."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.pagination import CursorPagination
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import ErrorSerializer, ReadsBodyMixin

from . import serializers as io
from .selectors import (
    article_get,
    article_related,
    articles_visible,
    search_help,
    section_get,
    sections_list,
)
from .services import article_read_record, article_vote

TAGS = ["help centre"]
SLUG = OpenApiParameter("slug", OpenApiTypes.STR, OpenApiParameter.PATH, description=_("The article's slug."))
NOT_FOUND = OpenApiResponse(ErrorSerializer, description=_("No such published article."))


class ByPosition(CursorPagination):
    ordering = ("id",)
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100


class SectionListAPI(generics.ListAPIView):
    """The help centre's sections."""

    serializer_class = io.SectionSerializer
    permission_classes = [AllowAny]
    pagination_class = None
    filter_backends = []

    def get_queryset(self):
        return sections_list()

    @extend_schema(tags=TAGS, summary=_("List the help centre's sections"))
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class ArticleListAPI(generics.ListAPIView):
    """The published articles, optionally of one section."""

    serializer_class = io.ArticleSummarySerializer
    permission_classes = [AllowAny]
    pagination_class = ByPosition
    filter_backends = []

    def get_queryset(self):
        reader = self.request.user if self.request.user.is_authenticated else None
        found = articles_visible(reader=reader)
        section = self.request.query_params.get("section")
        if section:
            found = found.filter(section=section_get(slug=section[:60]))
        return found

    @extend_schema(
        tags=TAGS,
        summary=_("List the published help articles"),
        parameters=[
            OpenApiParameter("section", OpenApiTypes.STR, description=_("Only this section's articles."))
        ],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class ArticleDetailAPI(APIView):
    """One published article in the reader's language (Chinese when it has no English version)."""

    permission_classes = [AllowAny]

    @extend_schema(
        tags=TAGS,
        summary=_("Read a help article"),
        parameters=[SLUG],
        responses={200: io.ArticleDetailSerializer, 404: NOT_FOUND},
    )
    def get(self, request: Request, slug: str) -> Response:
        reader = request.user if request.user.is_authenticated else None
        article = article_get(reader=reader, slug=slug)
        article_read_record(article=article)
        related = article_related(reader=reader, article=article)
        return Response(io.ArticleDetailSerializer(article, context={"related": related}).data)


class SearchAPI(APIView):
    """Search the help centre: its articles, title matches first, then (for a signed-in reader) the
    community's posts; each hit with a highlighted snippet."""

    permission_classes = [AllowAny]

    @extend_schema(
        tags=TAGS,
        summary=_("Search the help centre"),
        parameters=[OpenApiParameter("q", OpenApiTypes.STR, description=_("What to look for, e.g. 退费."))],
        responses={
            200: io.SearchHitSerializer(many=True),
            400: OpenApiResponse(description=_("The query is too long ({field: [messages]}).")),
        },
    )
    def get(self, request: Request) -> Response:
        data = io.SearchInput(data={"q": request.query_params.get("q", "")})
        data.is_valid(raise_exception=True)
        reader = request.user if request.user.is_authenticated else None
        hits = search_help(reader=reader, q=data.validated_data["q"])
        return Response(io.SearchHitSerializer(hits, many=True).data)


class VoteAPI(ReadsBodyMixin, APIView):
    """Say whether a published article helped; once per account."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        summary=_("Say whether a help article helped"),
        description=_("A reason is needed when it did not help. A second answer is refused with 409."),
        parameters=[SLUG],
        request=io.VoteInput,
        responses={
            201: io.VoteSerializer,
            400: OpenApiResponse(description=_("Invalid input ({field: [messages]}).")),
            404: NOT_FOUND,
            409: OpenApiResponse(ErrorSerializer, description=_("This account has already answered.")),
        },
    )
    def post(self, request: Request, slug: str) -> Response:
        article = article_get(reader=request.user, slug=slug)
        data = io.VoteInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        vote = article_vote(
            article=article,
            voter=request.user,
            is_helpful=values["is_helpful"],
            reason=values.get("reason", ""),
            reason_text=values.get("reason_text", ""),
        )
        return Response(io.VoteSerializer(vote).data, status=status.HTTP_201_CREATED)
