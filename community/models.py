"""The learner community: boards, posts and replies, likes and follows, and what keeps it civil (sensitive
words, reports, moderation actions and their appeals).

A post or reply that a moderator hides stays in its table with ``is_hidden`` set: ``selectors.visible_posts``
and ``selectors.visible_replies`` leave it out of every list, page, API answer and search, and its author
still reads it, with the reason, on their own moderation page.
"""

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.evidence import evidence_storage
from core.models import LocalizedName
from core.search import SearchVector

TITLE_MAX_LENGTH = 120
BODY_MAX_LENGTH = 10_000
REASON_MAX_LENGTH = 1000
REPORT_TEXT_MAX_LENGTH = 1000
APPEAL_TEXT_MAX_LENGTH = 2000
WORD_MAX_LENGTH = 50

# The boards the data migration seeds; the rights board offers its posts' authors a complaint.
RIGHTS_BOARD = "rights"


class Board(LocalizedName):
    """A board of the community (learning experiences, course reviews, rights discussion)."""

    slug = models.SlugField(_("slug"), max_length=40, unique=True)
    description = models.CharField(_("description (Chinese)"), max_length=300, blank=True)
    description_en = models.CharField(_("description (English)"), max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    offers_complaint = models.BooleanField(
        _("offers a complaint"),
        default=False,
        help_text=_("Whether the author of a post here may turn it into a complaint."),
    )

    class Meta:
        verbose_name = _("board")
        verbose_name_plural = _("boards")
        ordering = ["position", "id"]


class Post(models.Model):
    """A thread's first message: a title and a text on a board, by a learner."""

    board = models.ForeignKey(Board, verbose_name=_("board"), on_delete=models.PROTECT, related_name="posts")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="community_posts",
    )
    title = models.CharField(_("title"), max_length=TITLE_MAX_LENGTH)
    body = models.TextField(_("text"), max_length=BODY_MAX_LENGTH)
    created_at = models.DateTimeField(_("posted at"), default=timezone.now)
    last_activity_at = models.DateTimeField(_("last activity"), default=timezone.now)
    is_hidden = models.BooleanField(_("hidden by a moderator"), default=False)
    search_vector = models.GeneratedField(
        expression=SearchVector("title", "body"), output_field=SearchVectorField(), db_persist=True
    )

    class Meta:
        verbose_name = _("community post")
        verbose_name_plural = _("community posts")
        ordering = ["-last_activity_at", "-id"]
        permissions = [("moderate_community", _("Can moderate the learner community"))]
        indexes = [
            GinIndex(fields=["search_vector"], name="community_post_search"),
            # A search reads its matches newest first along this until its page is full.
            models.Index(
                fields=["-created_at", "-id"], name="community_post_recent", condition=Q(is_hidden=False)
            ),
            models.Index(
                fields=["board", "-last_activity_at", "-id"],
                name="community_post_board_recent",
                condition=Q(is_hidden=False),
            ),
            models.Index(fields=["author", "created_at"], name="community_post_author_time"),
        ]

    def __str__(self) -> str:
        return self.title


class Reply(models.Model):
    """An answer in a thread; staff who moderate the community may mark it the official answer."""

    post = models.ForeignKey(Post, verbose_name=_("post"), on_delete=models.PROTECT, related_name="replies")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="community_replies",
    )
    body = models.TextField(_("text"), max_length=BODY_MAX_LENGTH)
    created_at = models.DateTimeField(_("posted at"), default=timezone.now)
    is_hidden = models.BooleanField(_("hidden by a moderator"), default=False)
    is_official = models.BooleanField(_("official answer"), default=False)
    official_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("marked official by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("community reply")
        verbose_name_plural = _("community replies")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["post", "created_at", "id"], name="community_reply_thread"),
            models.Index(fields=["author", "created_at"], name="community_reply_author_time"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_official=False) | Q(official_by__isnull=False),
                name="community_reply_official_has_marker",
            ),
        ]

    def __str__(self) -> str:
        return self.body[:40]


def _one_target() -> Q:
    return Q(post__isnull=False, reply__isnull=True) | Q(post__isnull=True, reply__isnull=False)


class Image(models.Model):
    """A picture sent with a post or a reply, checked by its content and stored privately."""

    post = models.ForeignKey(
        Post, verbose_name=_("post"), on_delete=models.PROTECT, null=True, blank=True, related_name="images"
    )
    reply = models.ForeignKey(
        Reply, verbose_name=_("reply"), on_delete=models.PROTECT, null=True, blank=True, related_name="images"
    )
    file = models.FileField(_("file"), storage=evidence_storage, max_length=255)
    original_name = models.CharField(_("original file name"), max_length=255)
    content_type = models.CharField(_("detected content type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        verbose_name = _("image")
        verbose_name_plural = _("images")
        ordering = ["uploaded_at", "id"]
        constraints = [
            models.CheckConstraint(condition=_one_target(), name="community_image_one_target"),
            models.CheckConstraint(condition=Q(size__gt=0), name="community_image_not_empty"),
            models.CheckConstraint(
                condition=Q(content_type__in=["image/jpeg", "image/png"]), name="community_image_is_picture"
            ),
        ]

    def __str__(self) -> str:
        return self.original_name


class Like(models.Model):
    """One person's like of a post: at most one each."""

    post = models.ForeignKey(Post, verbose_name=_("post"), on_delete=models.CASCADE, related_name="likes")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(_("liked at"), default=timezone.now)

    class Meta:
        verbose_name = _("like")
        verbose_name_plural = _("likes")
        constraints = [models.UniqueConstraint(fields=["post", "user"], name="community_like_once")]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.post_id}"


class ReplyLike(models.Model):
    """One person's like of a reply (the answer that helped them): at most one each."""

    reply = models.ForeignKey(Reply, verbose_name=_("reply"), on_delete=models.CASCADE, related_name="likes")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(_("liked at"), default=timezone.now)

    class Meta:
        verbose_name = _("reply like")
        verbose_name_plural = _("reply likes")
        constraints = [models.UniqueConstraint(fields=["reply", "user"], name="community_reply_like_once")]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.reply_id}"


class Follow(models.Model):
    """A person following a thread: they get an in-app notice when a reply lands in it."""

    post = models.ForeignKey(Post, verbose_name=_("post"), on_delete=models.CASCADE, related_name="follows")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(_("followed at"), default=timezone.now)

    class Meta:
        verbose_name = _("follow")
        verbose_name_plural = _("follows")
        constraints = [models.UniqueConstraint(fields=["post", "user"], name="community_follow_once")]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.post_id}"


class SensitiveWord(models.Model):
    """A word that may not be posted; moderators keep the list in the admin."""

    word = models.CharField(_("word"), max_length=WORD_MAX_LENGTH, unique=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("added at"), default=timezone.now)

    class Meta:
        verbose_name = _("sensitive word")
        verbose_name_plural = _("sensitive words")
        ordering = ["word"]
        constraints = [
            models.CheckConstraint(condition=~Q(word=""), name="community_sensitive_word_not_empty"),
        ]

    def __str__(self) -> str:
        return self.word


class Report(models.Model):
    """A user's report of a post or reply; open reports are the moderators' queue."""

    class Reason(models.TextChoices):
        ABUSE = "abuse", _("Insults or harassment")
        SPAM = "spam", _("Advertising or spam")
        PERSONAL_DATA = "personal_data", _("Someone's personal data")
        FALSE = "false", _("False or misleading information")
        ILLEGAL = "illegal", _("Illegal content")
        OTHER = "other", _("Something else")

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        ACTED = "acted", _("Acted on")
        DISMISSED = "dismissed", _("Dismissed")

    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        on_delete=models.PROTECT,
        related_name="community_reports",
    )
    post = models.ForeignKey(
        Post, verbose_name=_("post"), on_delete=models.PROTECT, null=True, blank=True, related_name="reports"
    )
    reply = models.ForeignKey(
        Reply,
        verbose_name=_("reply"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reports",
    )
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    text = models.TextField(_("details"), max_length=REPORT_TEXT_MAX_LENGTH, blank=True)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.OPEN)
    created_at = models.DateTimeField(_("reported at"), default=timezone.now)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handled by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("moderation queue")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=_one_target(), name="community_report_one_target"),
            models.UniqueConstraint(
                fields=["reporter", "post"],
                condition=Q(state="open", post__isnull=False),
                name="community_report_open_once_per_post",
            ),
            models.UniqueConstraint(
                fields=["reporter", "reply"],
                condition=Q(state="open", reply__isnull=False),
                name="community_report_open_once_per_reply",
            ),
        ]
        indexes = [
            models.Index(
                fields=["created_at", "id"], condition=Q(state="open"), name="community_report_queue"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} #{self.pk}"

    @property
    def target(self) -> Post | Reply:
        return self.post if self.post_id is not None else self.reply


class ModerationAction(models.Model):
    """What a moderator did about a post or reply (hide, restore, warn, mute), with the reason its author
    reads; a mute keeps its author from posting until ``muted_until``."""

    class Kind(models.TextChoices):
        HIDE = "hide", _("Hidden")
        RESTORE = "restore", _("Restored")
        WARN = "warn", _("Warning")
        MUTE = "mute", _("Muted")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author concerned"),
        on_delete=models.PROTECT,
        related_name="community_moderation_actions",
    )
    post = models.ForeignKey(
        Post, verbose_name=_("post"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reply = models.ForeignKey(
        Reply, verbose_name=_("reply"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    report = models.ForeignKey(
        Report, verbose_name=_("report"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.TextField(_("reason"), max_length=REASON_MAX_LENGTH)
    muted_until = models.DateTimeField(_("muted until"), null=True, blank=True)
    is_revoked = models.BooleanField(_("revoked on appeal"), default=False)
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("moderator"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("moderation action")
        verbose_name_plural = _("moderation actions")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=_one_target(), name="community_action_one_target"),
            models.CheckConstraint(
                condition=Q(kind="mute", muted_until__isnull=False) | (~Q(kind="mute") & Q(muted_until=None)),
                name="community_action_mute_has_end",
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="community_action_has_reason"),
        ]
        indexes = [
            models.Index(fields=["subject", "-created_at"], name="community_action_subject"),
            models.Index(
                fields=["subject", "muted_until"],
                condition=Q(kind="mute", is_revoked=False),
                name="community_action_mutes",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def target(self) -> Post | Reply:
        return self.post if self.post_id is not None else self.reply

    @property
    def is_appealable(self) -> bool:
        return self.kind in {self.Kind.HIDE, self.Kind.WARN, self.Kind.MUTE} and not self.is_revoked


class Appeal(models.Model):
    """An author's appeal against a moderation action; a moderator decides it in the admin."""

    class State(models.TextChoices):
        PENDING = "pending", _("Awaiting a decision")
        UPHELD = "upheld", _("Upheld: the action was undone")
        REJECTED = "rejected", _("Rejected: the action stands")

    action = models.OneToOneField(
        ModerationAction, verbose_name=_("moderation action"), on_delete=models.PROTECT, related_name="appeal"
    )
    text = models.TextField(_("why the action should be undone"), max_length=APPEAL_TEXT_MAX_LENGTH)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.PENDING)
    created_at = models.DateTimeField(_("appealed at"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.TextField(_("reason for the decision"), max_length=REASON_MAX_LENGTH, blank=True)

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state="pending") | (Q(decided_by__isnull=False) & ~Q(decision_reason="")),
                name="community_appeal_decided_with_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.action} ({self.get_state_display()})"
