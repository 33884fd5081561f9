"""The help centre: sections, articles with their draft and their published versions, and helpful votes.

An article is one subject in two languages. Editors change its draft (the ``draft_*`` fields); publishing
copies the draft into a new ``ArticleVersion`` row, which the article then points to. Version rows are only
ever added (the database refuses to change or delete one), so every earlier published text stays in the
history. Reads and votes are counted on the article itself by ``F()`` increments, never a row per read.
"""

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.db.models.functions import Concat
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from core.models import LocalizedName
from core.search import SearchVector

TITLE_MAX_LENGTH = 200
BODY_MAX_LENGTH = 50_000
REASON_TEXT_MAX_LENGTH = 500


def reader_wants_english() -> bool:
    return (translation.get_language() or "").startswith("en")


class Section(LocalizedName):
    """A shelf of the help centre: user guide, FAQ, rights knowledge, course-selection advice."""

    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    description = models.CharField(_("description (Chinese)"), max_length=300, blank=True)
    description_en = models.CharField(_("description (English)"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("help section")
        verbose_name_plural = _("help sections")
        ordering = ["position", "id"]

    @property
    def localized_description(self) -> str:
        if self.description_en and reader_wants_english():
            return self.description_en
        return self.description


class Article(models.Model):
    """One help subject; what readers see is its published version, what editors change is its draft."""

    section = models.ForeignKey(
        Section, verbose_name=_("section"), on_delete=models.PROTECT, related_name="articles"
    )
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    draft_title = models.CharField(_("title (Chinese)"), max_length=TITLE_MAX_LENGTH)
    draft_body = models.TextField(_("text (Chinese)"), max_length=BODY_MAX_LENGTH)
    draft_title_en = models.CharField(_("title (English)"), max_length=TITLE_MAX_LENGTH, blank=True)
    draft_body_en = models.TextField(_("text (English)"), max_length=BODY_MAX_LENGTH, blank=True)
    draft_updated_at = models.DateTimeField(_("draft changed at"), default=timezone.now)
    draft_updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("draft changed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    published_version = models.OneToOneField(
        "ArticleVersion",
        verbose_name=_("published version"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="published_of",
        help_text=_("Empty while the article is not published: readers do not see it."),
    )
    categories = models.ManyToManyField(
        "complaints.Category",
        verbose_name=_("complaint categories"),
        blank=True,
        related_name="help_articles",
        help_text=_("The filing forms show the article while the learner picks one of these categories."),
    )
    related = models.ManyToManyField(
        "self",
        verbose_name=_("related articles"),
        symmetrical=False,
        blank=True,
        help_text=_("Articles the page suggests reading next."),
    )
    read_count = models.PositiveBigIntegerField(_("reads"), default=0)
    helpful_count = models.PositiveIntegerField(_("helpful votes"), default=0)
    unhelpful_count = models.PositiveIntegerField(_("not helpful votes"), default=0)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("help article")
        verbose_name_plural = _("help articles")
        ordering = ["section__position", "position", "id"]
        permissions = [("publish_article", _("Can publish help articles"))]
        indexes = [models.Index(fields=["-read_count"], name="helpcentre_article_reads")]

    def __str__(self) -> str:
        return self.draft_title

    @property
    def is_published(self) -> bool:
        return self.published_version_id is not None

    @property
    def has_unpublished_changes(self) -> bool:
        version = self.published_version
        if version is None:
            return True
        return (version.title, version.body, version.title_en, version.body_en) != (
            self.draft_title,
            self.draft_body,
            self.draft_title_en,
            self.draft_body_en,
        )


def _both_languages(chinese: str, english: str):
    return Concat(models.F(chinese), models.Value(" "), models.F(english), output_field=models.TextField())


class ArticleVersion(models.Model):
    """One published text of an article, in both languages. Rows are only ever added."""

    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title (Chinese)"), max_length=TITLE_MAX_LENGTH)
    body = models.TextField(_("text (Chinese)"))
    title_en = models.CharField(_("title (English)"), max_length=TITLE_MAX_LENGTH, blank=True)
    body_en = models.TextField(_("text (English)"), blank=True)
    published_at = models.DateTimeField(_("published at"), default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("published by"), on_delete=models.PROTECT, related_name="+"
    )
    search_vector = models.GeneratedField(
        expression=SearchVector(_both_languages("title", "title_en"), _both_languages("body", "body_en")),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    class Meta:
        verbose_name = _("published article version")
        verbose_name_plural = _("published article versions")
        ordering = ["article_id", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="helpcentre_version_number_unique"),
        ]
        indexes = [GinIndex(fields=["search_vector"], name="helpcentre_version_search")]

    def __str__(self) -> str:
        return f"{self.title} v{self.number}"

    @property
    def localized_title(self) -> str:
        return self.title_en if self.title_en and reader_wants_english() else self.title

    @property
    def localized_body(self) -> str:
        return self.body_en if self.body_en and reader_wants_english() else self.body


class HelpfulVote(models.Model):
    """One reader's answer to "was this helpful?": a signed-in learner by account, a visitor by session."""

    class Reason(models.TextChoices):
        SOLVED = "solved", _("It answered my question")
        CLEAR = "clear", _("It was clear and easy to follow")
        UNCLEAR = "unclear", _("It was hard to understand")
        INCOMPLETE = "incomplete", _("Something was missing")
        OUTDATED = "outdated", _("It is out of date or wrong")
        NOT_MY_QUESTION = "not_my_question", _("It was not about my question")
        OTHER = "other", _("Another reason")

    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="votes"
    )
    version = models.ForeignKey(
        ArticleVersion, verbose_name=_("version read"), on_delete=models.PROTECT, related_name="+"
    )
    voter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("voter"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    session_key = models.CharField(_("visitor session"), max_length=64, blank=True)
    is_helpful = models.BooleanField(_("helpful"))
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices, blank=True)
    reason_text = models.CharField(_("comment"), max_length=REASON_TEXT_MAX_LENGTH, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("helpful vote")
        verbose_name_plural = _("helpful votes")
        constraints = [
            models.UniqueConstraint(
                fields=["article", "voter"], condition=Q(voter__isnull=False), name="helpcentre_one_vote_each"
            ),
            models.UniqueConstraint(
                fields=["article", "session_key"],
                condition=Q(voter__isnull=True),
                name="helpcentre_one_vote_per_visit",
            ),
            models.CheckConstraint(
                condition=Q(voter__isnull=False) | ~Q(session_key=""), name="helpcentre_vote_has_a_voter"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.article_id}: {'+' if self.is_helpful else '-'}"
