"""Ratings of people and things (a counsellor, a course, an instructor) and the summaries others may see.

A rating is a score from 1 to 5 with an optional comment, given once per source (the appointment or the
evaluation it comes from) and subject. Others never see single ratings: they see a subject's summary, which
the refresh task folds forward in batches (``ratings.services.ratings_refresh``) and which is shown only once
it counts ``RATINGS_PUBLISH_MIN`` ratings; comments are shown once a moderator published them, without the
rater's name, and the rated person may answer each in public.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

COMMENT_MAX_LENGTH = 2000
REPLY_MAX_LENGTH = 2000
REASON_MAX_LENGTH = 500
# The unique constraint that keeps one rating per source and subject (the service names it in its refusal).
ONCE_PER_SOURCE = "rating_once_per_source"
SCORES = (1, 2, 3, 4, 5)


class CommentState(models.TextChoices):
    NONE = "none", _("no comment")
    PENDING = "pending", _("awaiting moderation")
    PUBLISHED = "published", _("published")
    REJECTED = "rejected", _("not published")


class Rating(models.Model):
    subject_type = models.ForeignKey(
        ContentType, verbose_name=_("kind of subject"), on_delete=models.PROTECT, related_name="+"
    )
    subject_id = models.PositiveBigIntegerField(_("subject ID"))
    subject = GenericForeignKey("subject_type", "subject_id")
    source_type = models.ForeignKey(
        ContentType, verbose_name=_("kind of source"), on_delete=models.PROTECT, related_name="+"
    )
    source_id = models.PositiveBigIntegerField(_("source ID"))
    source = GenericForeignKey("source_type", "source_id")
    rater = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("rated by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="ratings_given",
    )
    score = models.PositiveSmallIntegerField(
        _("score"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(_("comment"), max_length=COMMENT_MAX_LENGTH, blank=True)
    comment_state = models.CharField(
        _("comment moderation"), max_length=10, choices=CommentState.choices, default=CommentState.NONE
    )
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("moderated by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    moderated_at = models.DateTimeField(_("moderated at"), null=True, blank=True)
    moderation_reason = models.CharField(_("reason not published"), max_length=REASON_MAX_LENGTH, blank=True)
    reply = models.TextField(_("public reply"), max_length=REPLY_MAX_LENGTH, blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("replied by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    # Folded into the subject's published summary (by the refresh task, in batches).
    summarised = models.BooleanField(_("counted in the summary"), default=False)
    created_at = models.DateTimeField(_("rated at"), default=timezone.now)

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        ordering = ["-created_at", "-id"]
        permissions = [("moderate_rating", _("Can moderate rating comments"))]
        constraints = [
            models.UniqueConstraint(
                fields=["subject_type", "subject_id", "source_type", "source_id"],
                name=ONCE_PER_SOURCE,
            ),
            models.CheckConstraint(condition=Q(score__gte=1, score__lte=5), name="rating_score_1_to_5"),
            models.CheckConstraint(
                condition=Q(comment="", comment_state=CommentState.NONE)
                | (~Q(comment="") & ~Q(comment_state=CommentState.NONE)),
                name="rating_comment_state_matches",
            ),
            models.CheckConstraint(
                condition=Q(reply="") | Q(comment_state=CommentState.PUBLISHED),
                name="rating_reply_to_published_comment",
            ),
            models.CheckConstraint(
                condition=~Q(comment_state=CommentState.REJECTED) | ~Q(moderation_reason=""),
                name="rating_rejection_has_reason",
            ),
        ]
        indexes = [
            models.Index(
                fields=["subject_type", "subject_id"],
                name="rating_waiting_idx",
                condition=Q(summarised=False),
            ),
            models.Index(
                fields=["subject_type", "subject_id", "-created_at"],
                name="rating_published_idx",
                condition=Q(comment_state=CommentState.PUBLISHED),
            ),
            models.Index(
                fields=["created_at"],
                name="rating_moderation_idx",
                condition=Q(comment_state=CommentState.PENDING),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.score}/5"


class RatingSummary(models.Model):
    """What others may know of a subject's ratings: how many, and how many of each score."""

    subject_type = models.ForeignKey(
        ContentType, verbose_name=_("kind of subject"), on_delete=models.PROTECT, related_name="+"
    )
    subject_id = models.PositiveBigIntegerField(_("subject ID"))
    count = models.PositiveIntegerField(_("ratings"), default=0)
    total = models.PositiveBigIntegerField(_("sum of the scores"), default=0)
    score_1 = models.PositiveIntegerField(_("1 star"), default=0)
    score_2 = models.PositiveIntegerField(_("2 stars"), default=0)
    score_3 = models.PositiveIntegerField(_("3 stars"), default=0)
    score_4 = models.PositiveIntegerField(_("4 stars"), default=0)
    score_5 = models.PositiveIntegerField(_("5 stars"), default=0)
    refreshed_at = models.DateTimeField(_("refreshed at"), default=timezone.now)

    class Meta:
        verbose_name = _("rating summary")
        verbose_name_plural = _("rating summaries")
        constraints = [
            models.UniqueConstraint(fields=["subject_type", "subject_id"], name="rating_summary_per_subject"),
            models.CheckConstraint(
                condition=Q(
                    count=models.F("score_1")
                    + models.F("score_2")
                    + models.F("score_3")
                    + models.F("score_4")
                    + models.F("score_5")
                ),
                name="rating_summary_counts_add_up",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject_type_id}:{self.subject_id} ({self.count})"
