"""What others may read of ratings: a subject's published summary and its published comments."""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import DateField, QuerySet
from django.db.models.functions import TruncMonth

from .models import CommentState, Rating, RatingSummary


@dataclass(frozen=True)
class PublishedSummary:
    count: int
    mean: Decimal
    # How many ratings gave 1, 2, 3, 4 and 5.
    distribution: tuple[int, int, int, int, int]

    @property
    def shares(self) -> tuple[int, ...]:
        """Each score's share of the ratings in whole per cent (for the bars)."""
        return tuple(round(100 * n / self.count) for n in self.distribution)

    @property
    def rows(self) -> list[tuple[int, int, int]]:
        """(score, count, per cent), 5 first, as the page lists them."""
        return [(score, self.distribution[score - 1], self.shares[score - 1]) for score in (5, 4, 3, 2, 1)]


def _published(row: RatingSummary) -> PublishedSummary:
    mean = (Decimal(row.total) / Decimal(row.count)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return PublishedSummary(
        count=row.count,
        mean=mean,
        distribution=(row.score_1, row.score_2, row.score_3, row.score_4, row.score_5),
    )


def summaries_published(model: type[models.Model], ids: Iterable[int]) -> dict[int, PublishedSummary]:
    """The published summaries of these rows of ``model``, in one query; below the minimum a subject has
    none."""
    ids = list(ids)
    if not ids:
        return {}
    rows = RatingSummary.objects.filter(
        subject_type=ContentType.objects.get_for_model(model),
        subject_id__in=ids,
        count__gte=settings.RATINGS_PUBLISH_MIN,
    )
    return {row.subject_id: _published(row) for row in rows}


def summary_published(subject: models.Model) -> PublishedSummary | None:
    """The subject's published summary, or None while it counts fewer than the minimum."""
    return summaries_published(type(subject), [subject.pk]).get(subject.pk)


# What a published comment shows: no rater, no source, and no time finer than the month it was published in
# (the moment a comment was written could be matched to one session or one lesson, and so to its rater).
PUBLISHED_COMMENT_FIELDS = ("id", "score", "comment", "reply", "replied_at", "published_in")


def comments_published(subject: models.Model) -> QuerySet:
    """The subject's published comments, most recently published first, with the replies, as dicts of
    ``PUBLISHED_COMMENT_FIELDS``: rows, not models, so no page or serializer can reach the rater through
    them."""
    return (
        Rating.objects.filter(
            subject_type=ContentType.objects.get_for_model(subject),
            subject_id=subject.pk,
            comment_state=CommentState.PUBLISHED,
        )
        .annotate(published_in=TruncMonth("moderated_at", output_field=DateField()))
        .order_by("-moderated_at", "-id")
        .values(*PUBLISHED_COMMENT_FIELDS)
    )


def ratings_awaiting_moderation() -> QuerySet[Rating]:
    """The comments that wait for a moderator, oldest first."""
    return Rating.objects.filter(comment_state=CommentState.PENDING).order_by("created_at", "id")
