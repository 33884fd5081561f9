"""What each reader may see of the community: one rule (``visible_posts``, with ``visible_replies`` built on
it) that the pages, the API and the search all call, so a hidden message is gone from all of them at once.
The moderators' queue (``moderation_queue``) is the one place that still shows a hidden message, to them."""

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import overload

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Value
from django.http import Http404

from accounts.models import User
from core.search import read_in_parts, search_condition, title_first

from .models import Appeal, Board, Follow, Image, Like, ModerationAction, Post, Reply, ReplyLike, Report
from .permissions import may_moderate_community

SEARCH_TEXT_FIELDS = ("title", "body")
# The order within each part of a search's results; an index on it (hidden posts left out) serves both.
SEARCH_NEWEST = ("-created_at", "-id")
# A search counts its matches up to this many (ten pages of the search page).
SEARCH_COUNT_CAP = 200


def boards() -> QuerySet[Board]:
    return Board.objects.order_by("position", "id")


def board_get(*, slug: str) -> Board:
    board = Board.objects.filter(slug=slug).first()
    if board is None:
        raise Http404
    return board


def visible_posts(reader: User) -> QuerySet[Post]:
    """The posts this reader sees: every post no moderator hid, to every signed-in reader; nothing to anyone
    else. Moderators see hidden posts only in the moderation queue, never in these lists."""
    if not (reader.is_authenticated and reader.is_active):
        return Post.objects.none()
    return Post.objects.filter(is_hidden=False)


def visible_replies(reader: User) -> QuerySet[Reply]:
    """The replies this reader sees: those no moderator hid, in threads the reader sees."""
    return Reply.objects.filter(is_hidden=False, post__in=visible_posts(reader))


def with_list_figures(posts: QuerySet[Post]) -> QuerySet[Post]:
    """Posts with what a list shows: board, author, and their like and (visible) reply counts."""
    return posts.select_related("board", "author").annotate(
        like_count=Count("likes", distinct=True),
        reply_count=Count("replies", filter=Q(replies__is_hidden=False), distinct=True),
    )


def board_posts(*, reader: User, board: Board) -> QuerySet[Post]:
    """A board's visible threads, most recently active first, with their like and reply counts."""
    return with_list_figures(visible_posts(reader).filter(board=board)).order_by("-last_activity_at", "-id")


class PostSearch(Sequence):
    """The visible posts that match a query, for a paginator or a slice: the title matches first, then the
    rest, each newest first; a hidden post is never found. The pages, the API and the help centre's search
    all read posts through this.

    Only the rows asked for are read, with their like and reply counts: each part walks the newest-first
    index until the page is full, and the counts are taken for the page's posts alone, never for every
    post a frequent term (退费) finds. ``search_title_hit`` on each post says which part it came from."""

    def __init__(self, reader: User, q: str) -> None:
        posts = visible_posts(reader)
        condition = search_condition(q or "", text_fields=SEARCH_TEXT_FIELDS)
        if condition is None:
            self.found = posts.none()
            self.parts: tuple[QuerySet, ...] = ()
        else:
            self.found = posts.filter(condition.matches)
            in_title, rest = title_first(posts, condition, newest=SEARCH_NEWEST)
            self.parts = (
                in_title.values_list("pk", Value(True)),
                rest.values_list("pk", Value(False)),
            )
        self._count: int | None = None
        self.is_capped = False

    def count(self) -> int:
        """How many posts match, counted up to ``SEARCH_COUNT_CAP`` and one more: counting every post a
        frequent term finds reads all of them, for a page number nobody goes to. Past the cap the search
        says so (``is_capped``) and pages stop there; a narrower query finds the rest."""
        if self._count is None:
            counted = self.found.order_by().values("pk")[: SEARCH_COUNT_CAP + 1].count()
            self.is_capped = counted > SEARCH_COUNT_CAP
            self._count = min(counted, SEARCH_COUNT_CAP)
        return self._count

    def __len__(self) -> int:
        return self.count()

    def __iter__(self) -> Iterator[Post]:
        return iter(self[0 : self.count()])

    @overload
    def __getitem__(self, index: int) -> Post: ...

    @overload
    def __getitem__(self, index: slice) -> list[Post]: ...

    def __getitem__(self, index):
        if isinstance(index, int):
            found = self[index : index + 1]
            if not found:
                raise IndexError(index)
            return found[0]
        start, stop = index.start or 0, index.stop
        if stop is None or index.step is not None or start < 0 or stop < start:
            raise ValueError("A post search is read in pages: [start:stop].")
        if not self.parts or stop == start:
            return []
        rows = read_in_parts(self.parts, offset=start, limit=stop - start)
        by_pk = with_list_figures(Post.objects.filter(pk__in=[pk for pk, _hit in rows])).in_bulk()
        page = []
        for pk, title_hit in rows:
            post = by_pk[pk]
            post.search_title_hit = title_hit
            page.append(post)
        return page


def search_posts(reader: User, q: str) -> PostSearch:
    """The visible posts that match ``q``, title matches first, then the newest (see ``PostSearch``)."""
    return PostSearch(reader, q)


def post_get_for_reader(*, reader: User, pk: int, board: Board | None = None) -> Post:
    """One visible post (in ``board`` when given); 404 when it is missing, hidden or elsewhere."""
    posts = visible_posts(reader).select_related("board", "author")
    if board is not None:
        posts = posts.filter(board=board)
    post = posts.filter(pk=pk).first()
    if post is None:
        raise Http404
    return post


def reply_get_for_reader(*, reader: User, pk: int) -> Reply:
    reply = visible_replies(reader).select_related("post", "post__board", "author").filter(pk=pk).first()
    if reply is None:
        raise Http404
    return reply


def own_post_get(*, reader: User, pk: int) -> Post:
    """One of the reader's own posts, hidden or not (for turning it into a complaint); 404 otherwise."""
    post = (
        Post.objects.select_related("board").filter(pk=pk, author=reader).first()
        if reader.is_authenticated
        else None
    )
    if post is None:
        raise Http404
    return post


@dataclass(frozen=True)
class HiddenMessage:
    """One of the reader's own messages a moderator hid, with the decision that hid it."""

    post: Post | None
    reply: Reply | None
    action: ModerationAction | None


def _hiding_actions(**target) -> QuerySet[ModerationAction]:
    return ModerationAction.objects.filter(kind=ModerationAction.Kind.HIDE, **target).order_by(
        "-created_at", "-id"
    )


def own_hidden_post(*, reader: User, pk: int, board: Board) -> HiddenMessage:
    """The reader's own post, hidden by a moderator, with the decision (its reason shown to them); 404 for any
    other post."""
    post = (
        Post.objects.select_related("board").filter(pk=pk, board=board, author=reader, is_hidden=True).first()
        if reader.is_authenticated
        else None
    )
    if post is None:
        raise Http404
    return HiddenMessage(post=post, reply=None, action=_hiding_actions(post=post).first())


@dataclass(frozen=True)
class Thread:
    """A thread as one reader sees it: the post, its visible replies (each with its like count and the
    reader's like), its images, and the reader's like and follow."""

    post: Post
    replies: list[Reply]
    images: list[Image]
    like_count: int
    liked: bool
    following: bool
    may_moderate: bool
    own_hidden_replies: list[HiddenMessage]

    def image(self, pk: int) -> Image:
        for image in self.images:
            if image.pk == pk:
                return image
        for reply in self.replies:
            for image in reply.images.all():
                if image.pk == pk:
                    return image
        raise Http404


def thread_read(*, reader: User, post: Post) -> Thread:
    """The thread of a visible post, in a fixed number of queries whatever its length."""
    replies = (
        visible_replies(reader)
        .filter(post=post)
        .select_related("author")
        .annotate(
            like_count=Count("likes"),
            liked=Exists(ReplyLike.objects.filter(reply=OuterRef("pk"), user=reader.pk)),
        )
        .prefetch_related(Prefetch("images", queryset=Image.objects.order_by("uploaded_at", "id")))
        .order_by("-is_official", "created_at", "id")
    )
    mine = (
        Post.objects.filter(pk=post.pk)
        .annotate(
            like_total=Count("likes", distinct=True),
            liked=Exists(Like.objects.filter(post=OuterRef("pk"), user=reader)),
            following=Exists(Follow.objects.filter(post=OuterRef("pk"), user=reader)),
        )
        .values("like_total", "liked", "following")
        .get()
    )
    return Thread(
        post=post,
        replies=list(replies),
        images=list(Image.objects.filter(post=post).order_by("uploaded_at", "id")),
        like_count=mine["like_total"],
        liked=mine["liked"],
        following=mine["following"],
        may_moderate=may_moderate_community(reader),
        own_hidden_replies=_own_hidden_replies(reader, post),
    )


def _own_hidden_replies(reader: User, post: Post) -> list[HiddenMessage]:
    """The reader's own replies in the thread that a moderator hid, each with the decision: two queries."""
    replies = list(
        Reply.objects.filter(post=post, author=reader, is_hidden=True).order_by("created_at", "id")
    )
    if not replies:
        return []
    latest: dict[int, ModerationAction] = {}
    for action in _hiding_actions(reply__in=replies):
        latest.setdefault(action.reply_id, action)
    return [HiddenMessage(post=None, reply=reply, action=latest.get(reply.pk)) for reply in replies]


def moderation_for_author(*, reader: User) -> QuerySet[ModerationAction]:
    """The decisions about the reader's own messages, newest first, with the message and any appeal."""
    return (
        ModerationAction.objects.filter(subject=reader)
        .select_related("post", "post__board", "reply", "reply__post", "reply__post__board", "appeal")
        .order_by("-created_at", "-id")
    )


def moderation_action_for_author(*, reader: User, pk: int) -> ModerationAction:
    action = moderation_for_author(reader=reader).filter(pk=pk).first()
    if action is None:
        raise Http404
    return action


def moderation_queue() -> QuerySet[Report]:
    """The open reports, oldest first, with the message each names (hidden or not): the moderators' queue."""
    return (
        Report.objects.filter(state=Report.State.OPEN)
        .select_related(
            "reporter", "post", "post__author", "post__board", "reply", "reply__author", "reply__post"
        )
        .order_by("created_at", "id")
    )


def appeals_queue() -> QuerySet[Appeal]:
    return Appeal.objects.select_related("action", "action__subject", "action__moderator").order_by(
        "created_at", "id"
    )
