"""Every change to ratings: giving one, moderating its comment, the rated person's reply, and folding new
ratings into the published summaries.

Who may rate is the domain's rule (a completed enrolment, an attended session), checked before it calls
``rating_give``; this module keeps what holds for every rating: a score from 1 to 5, one rating per source and
subject, comments published only by a moderator, replies only by the people the subject names.
"""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.validators import validate_no_bidi_controls

from .errors import AlreadyRated, NotRated, RatingInvalid, RatingNotAllowed, RatingStateConflict
from .models import (
    COMMENT_MAX_LENGTH,
    ONCE_PER_SOURCE,
    REASON_MAX_LENGTH,
    REPLY_MAX_LENGTH,
    CommentState,
    Rating,
    RatingSummary,
)
from .permissions import may_moderate_ratings
from .registry import rated_subject_get


def _clean_text(value: str, *, field: str, max_length: int, required: bool = False) -> str:
    if not isinstance(value, str):
        raise RatingInvalid(_("Enter text."), field=field)
    text = value.strip()
    if required and not text:
        raise RatingInvalid(_("This field is required."), field=field)
    if len(text) > max_length:
        raise RatingInvalid(
            _("Ensure this text has at most %(limit)d characters.") % {"limit": max_length}, field=field
        )
    if "\x00" in text:
        raise RatingInvalid(_("The text holds characters that are not allowed."), field=field)
    try:
        validate_no_bidi_controls(text)
    except ValidationError as error:
        raise RatingInvalid(error.messages[0], field=field) from None
    return text


def _clean_score(score) -> int:
    if isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= 5:
        raise RatingInvalid(_("Choose a score from 1 to 5."), field="score")
    return score


def rating_give(
    *, subject: models.Model, source: models.Model, rater: User | None, score: int, comment: str = ""
) -> Rating:
    """Record one rating of ``subject`` that comes from ``source``; a comment waits for moderation.

    Requires a registered subject (else ``NotRated``); refuses a score outside 1-5 or a comment that is too
    long or holds NUL or text-direction controls (``RatingInvalid`` with the field), and a second rating of
    the subject from the same source (``AlreadyRated``), also when two arrive at once. Writes nothing when
    it refuses.
    """
    if rated_subject_get(type(subject)) is None:
        raise NotRated()
    score = _clean_score(score)
    comment = _clean_text(comment, field="comment", max_length=COMMENT_MAX_LENGTH)
    rating = Rating(
        subject_type=ContentType.objects.get_for_model(subject),
        subject_id=subject.pk,
        source_type=ContentType.objects.get_for_model(source),
        source_id=source.pk,
        rater=rater,
        score=score,
        comment=comment,
        comment_state=CommentState.PENDING if comment else CommentState.NONE,
    )
    try:
        with transaction.atomic():
            rating.save()
    except IntegrityError as error:
        # A concurrent giver for the same source waits on the unique index, then fails here.
        if _constraint_name(error) == ONCE_PER_SOURCE:
            raise AlreadyRated() from None
        raise
    return rating


def _constraint_name(error: IntegrityError) -> str | None:
    diagnostics = getattr(error.__cause__, "diag", None)
    return getattr(diagnostics, "constraint_name", None)


def _lock(rating: Rating) -> Rating:
    return Rating.objects.select_for_update().get(pk=rating.pk)


@transaction.atomic
def rating_comment_moderate(*, rating: Rating, actor: User, publish: bool, reason: str = "") -> Rating:
    """Publish a waiting comment, or keep it unpublished with a reason the rater can read.

    Requires ``ratings.moderate_rating``; neither the rater nor a person the subject names as a replier may
    moderate the comment (``RatingNotAllowed``). A rejection needs a reason (``RatingInvalid``); a comment
    that no longer waits is refused (``RatingStateConflict``). Records who moderated and when.
    """
    if not may_moderate_ratings(actor):
        raise RatingNotAllowed()
    if not publish:
        reason = _clean_text(reason, field="reason", max_length=REASON_MAX_LENGTH, required=True)
    rating = _lock(rating)
    if actor.pk == rating.rater_id or _is_replier(rating=rating, user=actor):
        # Nobody decides on a comment they wrote or that is about them.
        raise RatingNotAllowed()
    if rating.comment_state != CommentState.PENDING:
        raise RatingStateConflict(_("This comment is not awaiting moderation."))
    rating.comment_state = CommentState.PUBLISHED if publish else CommentState.REJECTED
    rating.moderation_reason = "" if publish else reason
    rating.moderated_by = actor
    rating.moderated_at = timezone.now()
    rating.save(update_fields=["comment_state", "moderation_reason", "moderated_by", "moderated_at"])
    return rating


def _is_replier(*, rating: Rating, user: User) -> bool:
    subject = rated_subject_get(ContentType.objects.get_for_id(rating.subject_type_id).model_class())
    return subject is not None and user.pk in set(subject.repliers(rating.subject_id))


def rating_may_reply(*, rating: Rating, user: User) -> bool:
    """Whether the user is one the subject names to answer its comments in public."""
    return user.is_active and _is_replier(rating=rating, user=user)


@transaction.atomic
def rating_reply(*, rating: Rating, actor: User, text: str) -> Rating:
    """Answer a published comment in public, as the rated person (one answer per comment).

    Requires a replier the subject names (``RatingNotAllowed``), a published comment not yet answered
    (``RatingStateConflict``) and a text within the limit (``RatingInvalid``). Records who answered and when.
    """
    text = _clean_text(text, field="text", max_length=REPLY_MAX_LENGTH, required=True)
    rating = _lock(rating)
    if not rating_may_reply(rating=rating, user=actor):
        raise RatingNotAllowed()
    if rating.comment_state != CommentState.PUBLISHED:
        raise RatingStateConflict(_("Only a published comment can be answered."))
    if rating.reply:
        raise RatingStateConflict(_("This comment has already been answered."))
    rating.reply, rating.replied_by, rating.replied_at = text, actor, timezone.now()
    rating.save(update_fields=["reply", "replied_by", "replied_at"])
    return rating


_REFRESH_SQL = f"""
WITH due AS (
    SELECT subject_type_id, subject_id FROM {Rating._meta.db_table}
    WHERE NOT summarised GROUP BY subject_type_id, subject_id HAVING count(*) >= %(batch)s
), taken AS (
    UPDATE {Rating._meta.db_table} AS r SET summarised = true FROM due
    WHERE r.subject_type_id = due.subject_type_id AND r.subject_id = due.subject_id AND NOT r.summarised
    RETURNING r.subject_type_id, r.subject_id, r.score
), added AS (
    SELECT subject_type_id, subject_id, count(*) AS n, sum(score) AS total,
           count(*) FILTER (WHERE score = 1) AS s1, count(*) FILTER (WHERE score = 2) AS s2,
           count(*) FILTER (WHERE score = 3) AS s3, count(*) FILTER (WHERE score = 4) AS s4,
           count(*) FILTER (WHERE score = 5) AS s5
    FROM taken GROUP BY subject_type_id, subject_id
)
INSERT INTO {RatingSummary._meta.db_table} AS s
    (subject_type_id, subject_id, count, total, score_1, score_2, score_3, score_4, score_5, refreshed_at)
SELECT subject_type_id, subject_id, n, total, s1, s2, s3, s4, s5, %(now)s FROM added
ON CONFLICT (subject_type_id, subject_id) DO UPDATE SET
    count = s.count + excluded.count, total = s.total + excluded.total,
    score_1 = s.score_1 + excluded.score_1, score_2 = s.score_2 + excluded.score_2,
    score_3 = s.score_3 + excluded.score_3, score_4 = s.score_4 + excluded.score_4,
    score_5 = s.score_5 + excluded.score_5, refreshed_at = excluded.refreshed_at
"""


@transaction.atomic
def ratings_refresh(*, batch: int | None = None) -> int:
    """Fold waiting ratings into the summaries of the subjects that have at least ``batch`` of them.

    A summary moves by several ratings at once, so nobody can tell one rater's score from the change. Safe to
    run twice or concurrently: each rating is folded once (the UPDATE takes only rows not yet summarised),
    and refreshes take turns, so none folds the one or two ratings left beside rows another has just taken.
    Returns how many summaries moved.
    """
    batch = settings.RATINGS_REFRESH_BATCH if batch is None else batch
    with connection.cursor() as cursor:
        # Held to the end of the transaction: the statement below then reads what an earlier refresh wrote.
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext('ratings_refresh'))")
        cursor.execute(_REFRESH_SQL, {"batch": max(batch, 1), "now": timezone.now()})
        return cursor.rowcount
