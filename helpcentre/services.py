"""Every change the help centre makes: drafts, publishing, reads and helpful votes.

Each write runs in one transaction and refuses with a ``HelpCentreError`` that changes nothing.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.validators import validate_no_bidi_controls

from .errors import AlreadyVoted, HelpCentreNotAllowed, NothingToPublish, VoteRefused
from .models import REASON_TEXT_MAX_LENGTH, Article, ArticleVersion, HelpfulVote
from .permissions import may_edit_articles, may_publish_articles


def article_draft_save(*, article: Article, actor: User) -> Article:
    """Save the article's draft and settings as an editor changed them; readers still see the published
    version. Requires an editor; raises ``HelpCentreNotAllowed`` otherwise."""
    if not may_edit_articles(actor):
        raise HelpCentreNotAllowed
    with transaction.atomic():
        article.draft_updated_at = timezone.now()
        article.draft_updated_by = actor
        article.full_clean(exclude=["categories", "related", "published_version"])
        article.save()
    return article


@transaction.atomic
def article_publish(*, article: Article, actor: User) -> ArticleVersion:
    """Publish the article's draft as its next version; the earlier versions stay in its history.

    Requires ``helpcentre.publish_article``; raises ``NothingToPublish`` when the draft equals the published
    version. The article row is locked so that two editors publishing at once get consecutive numbers."""
    if not may_publish_articles(actor):
        raise HelpCentreNotAllowed(code="may_not_publish")
    locked = (
        Article.objects.select_for_update(of=("self",)).select_related("published_version").get(pk=article.pk)
    )
    if not locked.has_unpublished_changes:
        raise NothingToPublish
    last = locked.versions.aggregate(last=Max("number"))["last"] or 0
    version = ArticleVersion.objects.create(
        article=locked,
        number=last + 1,
        title=locked.draft_title,
        body=locked.draft_body,
        title_en=locked.draft_title_en,
        body_en=locked.draft_body_en,
        published_by=actor,
    )
    Article.objects.filter(pk=locked.pk).update(published_version=version)
    article.published_version = version
    return version


@transaction.atomic
def article_unpublish(*, article: Article, actor: User) -> Article:
    """Take the article off the help centre; its versions stay in the history; it can be published again."""
    if not may_publish_articles(actor):
        raise HelpCentreNotAllowed(code="may_not_publish")
    Article.objects.filter(pk=article.pk).update(published_version=None)
    article.published_version = None
    return article


def article_read_record(*, article: Article) -> None:
    """Count one read of the article: one UPDATE of its counter, never a row per read."""
    Article.objects.filter(pk=article.pk).update(read_count=F("read_count") + 1)


def _check_reason(*, is_helpful: bool, reason: str, reason_text: str) -> None:
    if reason and reason not in HelpfulVote.Reason.values:
        raise VoteRefused(_("Choose one of the reasons offered."), code="unknown_reason", field="reason")
    if not is_helpful and not reason:
        raise VoteRefused(
            _("Tell us what was missing or wrong, so that we can improve the article."),
            code="reason_required",
            field="reason",
        )
    if len(reason_text) > REASON_TEXT_MAX_LENGTH:
        raise VoteRefused(
            _("Keep the comment to %(limit)d characters.") % {"limit": REASON_TEXT_MAX_LENGTH},
            code="comment_too_long",
            field="reason_text",
        )
    try:
        validate_no_bidi_controls(reason_text)
    except ValidationError as error:
        raise VoteRefused(" ".join(error.messages), code="invalid_character", field="reason_text") from None
    if "\x00" in reason_text:
        raise VoteRefused(code="invalid_character", field="reason_text")


def article_vote(
    *,
    article: Article,
    voter: User | None,
    session_key: str = "",
    is_helpful: bool,
    reason: str = "",
    reason_text: str = "",
) -> HelpfulVote:
    """Record whether the published article helped: once per account, or per session for a visitor.

    Requires a published article (the selector found it); raises ``VoteRefused`` for a reason not offered,
    a missing reason on a "no", or a comment too long, and ``AlreadyVoted`` for a second answer. Counts the
    answer on the article in the same transaction."""
    reason_text = reason_text.strip()
    _check_reason(is_helpful=is_helpful, reason=reason, reason_text=reason_text)
    signed_in = voter is not None and voter.is_authenticated
    if not signed_in and not session_key:
        raise VoteRefused(code="no_session")
    if article.published_version_id is None:
        raise VoteRefused(code="not_published")
    try:
        with transaction.atomic():
            vote = HelpfulVote.objects.create(
                article=article,
                version_id=article.published_version_id,
                voter=voter if signed_in else None,
                session_key="" if signed_in else session_key,
                is_helpful=is_helpful,
                reason=reason,
                reason_text=reason_text,
            )
            counter = "helpful_count" if is_helpful else "unhelpful_count"
            Article.objects.filter(pk=article.pk).update(**{counter: F(counter) + 1})
    except IntegrityError:
        raise AlreadyVoted from None
    return vote
