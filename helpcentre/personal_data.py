"""What the help centre contributes to a person's data export: their "was this helpful?" answers. Erasure
blanks the comments they wrote; the counts on the articles stay, as they name no one."""

from accounts.models import User
from privacy.export import section
from privacy.services import ANONYMISERS

from .models import HelpfulVote

ERASED_COMMENT = ""  # an erased person's comment is simply gone; nothing else of the vote names them


@section("help_votes")
def help_votes_section(user: User) -> list:
    votes = HelpfulVote.objects.filter(voter=user).select_related("article", "version").order_by("created_at")
    return [
        {
            "article": vote.article.slug,
            "version": vote.version.number,
            "helpful": vote.is_helpful,
            "reason": vote.reason,
            "comment": vote.reason_text,
            "answered_at": vote.created_at.isoformat(),
        }
        for vote in votes
    ]


def anonymise_help_votes(user: User) -> None:
    """Blank the comments the person wrote with their answers."""
    HelpfulVote.objects.filter(voter=user).update(reason_text=ERASED_COMMENT)


if anonymise_help_votes not in ANONYMISERS:
    ANONYMISERS.append(anonymise_help_votes)
