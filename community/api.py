"""The community endpoints under /api/v1/community/: boards, posts (with search), replies, likes, follows
and reports.

Each reads through ``selectors`` (a hidden message is in no answer) and writes through one service; a
refusal becomes JSON in the API's one exception handler (``core.api``), with the message next to its field.
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

from . import selectors, services
from . import serializers as io

TAGS = ["community"]
ERRORS = {
    400: OpenApiResponse(description=_("Invalid input ({field: [messages]}), or a rule refuses it.")),
    403: OpenApiResponse(ErrorSerializer, description=_("This user may not do this (or is muted).")),
    404: OpenApiResponse(ErrorSerializer, description=_("No such post or reply, or a hidden one.")),
    409: OpenApiResponse(ErrorSerializer, description=_("The message's state does not allow this.")),
}
QUERY = OpenApiParameter(
    "q", OpenApiTypes.STR, OpenApiParameter.QUERY, required=False, description=_("Words to search for.")
)


class RecentFirst(CursorPagination):
    ordering = ("-last_activity_at", "-id")
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100


class BoardListAPI(generics.ListAPIView):
    """The community's boards."""

    serializer_class = io.BoardSerializer
    pagination_class = None
    filter_backends = []

    def get_queryset(self):
        return selectors.boards()

    @extend_schema(tags=TAGS, summary=_("List the community boards"))
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class BoardPostsAPI(ReadsBodyMixin, generics.ListAPIView):
    """A board's visible posts, most recently active first; and posting on it."""

    serializer_class = io.PostSummarySerializer
    pagination_class = RecentFirst
    filter_backends = []

    def get_queryset(self):
        board = selectors.board_get(slug=self.kwargs["slug"])
        return selectors.board_posts(reader=self.request.user, board=board)

    @extend_schema(tags=TAGS, summary=_("List a board's posts"))
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        tags=TAGS,
        summary=_("Post on a board"),
        description=_(
            "Personal data is masked before the post is stored; a sensitive word, a mute or the hourly limit "
            "refuses it and nothing is stored. Send form data to attach images."
        ),
        request={"multipart/form-data": io.CommunityPostInput, "application/json": io.CommunityPostInput},
        responses={201: io.PostDetailSerializer, **ERRORS},
    )
    def post(self, request: Request, slug: str) -> Response:
        board = selectors.board_get(slug=slug)
        data = io.CommunityPostInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        post = services.post_create(
            actor=request.user,
            board=board,
            title=values["title"],
            body=values["body"],
            images=values.get("images", []),
        )
        return Response(io.PostDetailSerializer(post).data, status=status.HTTP_201_CREATED)


class PostSearchAPI(generics.ListAPIView):
    """Search the visible posts of every board (title matches first, then the newest)."""

    serializer_class = io.PostSummarySerializer
    pagination_class = None
    filter_backends = []
    max_results = 50

    def get_queryset(self):
        return selectors.search_posts(self.request.user, self.request.query_params.get("q", ""))[
            : self.max_results
        ]

    @extend_schema(tags=TAGS, summary=_("Search the community's posts"), parameters=[QUERY])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


def _thread_answer(request: Request, pk: int, *, code: int = status.HTTP_200_OK) -> Response:
    post = selectors.post_get_for_reader(reader=request.user, pk=pk)
    thread = selectors.thread_read(reader=request.user, post=post)
    return Response(io.ThreadSerializer(thread).data, status=code)


class PostDetailAPI(APIView):
    """One visible post with its visible replies and the user's like and follow."""

    @extend_schema(tags=TAGS, summary=_("Read a thread"), responses={200: io.ThreadSerializer, **ERRORS})
    def get(self, request: Request, pk: int) -> Response:
        return _thread_answer(request, pk)


class ReplyListAPI(ReadsBodyMixin, APIView):
    """A thread's visible replies; and replying in it."""

    @extend_schema(
        tags=TAGS,
        summary=_("List a thread's replies"),
        responses={200: io.CommunityReplySerializer(many=True)},
    )
    def get(self, request: Request, pk: int) -> Response:
        post = selectors.post_get_for_reader(reader=request.user, pk=pk)
        return Response(
            io.CommunityReplySerializer(
                selectors.thread_read(reader=request.user, post=post).replies, many=True
            ).data
        )

    @extend_schema(
        tags=TAGS,
        summary=_("Reply in a thread"),
        description=_("Screened as a post is; the thread's followers get an in-app notice."),
        request={"multipart/form-data": io.CommunityReplyInput, "application/json": io.CommunityReplyInput},
        responses={201: io.CommunityReplySerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        post = selectors.post_get_for_reader(reader=request.user, pk=pk)
        data = io.CommunityReplyInput(data=request.data)
        data.is_valid(raise_exception=True)
        reply = services.reply_create(
            actor=request.user,
            post=post,
            body=data.validated_data["body"],
            images=data.validated_data.get("images", []),
        )
        return Response(io.CommunityReplySerializer(reply).data, status=status.HTTP_201_CREATED)


def _toggle_view(name: str, on, off, summary_on, summary_off):
    class ToggleAPI(ReadsBodyMixin, APIView):
        @extend_schema(
            tags=TAGS, summary=summary_on, request=None, responses={200: io.StateSerializer, **ERRORS}
        )
        def post(self, request: Request, pk: int) -> Response:
            post = selectors.post_get_for_reader(reader=request.user, pk=pk)
            on(actor=request.user, post=post)
            return Response({name: True})

        @extend_schema(
            tags=TAGS, summary=summary_off, request=None, responses={200: io.StateSerializer, **ERRORS}
        )
        def delete(self, request: Request, pk: int) -> Response:
            post = selectors.post_get_for_reader(reader=request.user, pk=pk)
            off(actor=request.user, post=post)
            return Response({name: False})

    ToggleAPI.__name__ = ToggleAPI.__qualname__ = f"Post{name.capitalize()}API"
    return ToggleAPI


PostLikeAPI = _toggle_view(
    "liked", services.post_like, services.post_unlike, _("Like a post"), _("Take a like back")
)


class ReplyLikeAPI(ReadsBodyMixin, APIView):
    """Like a visible reply, or take the like back."""

    @extend_schema(
        tags=TAGS, summary=_("Like a reply"), request=None, responses={200: io.StateSerializer, **ERRORS}
    )
    def post(self, request: Request, pk: int) -> Response:
        reply = selectors.reply_get_for_reader(reader=request.user, pk=pk)
        services.reply_like(actor=request.user, reply=reply)
        return Response({"liked": True})

    @extend_schema(
        tags=TAGS,
        summary=_("Take back a like of a reply"),
        request=None,
        responses={200: io.StateSerializer, **ERRORS},
    )
    def delete(self, request: Request, pk: int) -> Response:
        reply = selectors.reply_get_for_reader(reader=request.user, pk=pk)
        services.reply_unlike(actor=request.user, reply=reply)
        return Response({"liked": False})


PostFollowAPI = _toggle_view(
    "following",
    services.post_follow,
    services.post_unfollow,
    _("Follow a thread"),
    _("Stop following a thread"),
)


class ReportCreateAPI(ReadsBodyMixin, APIView):
    """Report a visible post or reply to the moderators."""

    @extend_schema(
        tags=TAGS,
        summary=_("Report a post or a reply"),
        request=io.CommunityReportInput,
        responses={201: io.CommunityReportSerializer, **ERRORS},
    )
    def post(self, request: Request) -> Response:
        data = io.CommunityReportInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        post = reply = None
        if "post" in values:
            post = selectors.post_get_for_reader(reader=request.user, pk=values["post"])
        else:
            reply = selectors.reply_get_for_reader(reader=request.user, pk=values["reply"])
        report = services.report_create(
            actor=request.user, post=post, reply=reply, reason=values["reason"], text=values.get("text", "")
        )
        return Response(io.CommunityReportSerializer(report).data, status=status.HTTP_201_CREATED)
