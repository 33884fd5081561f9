"""A post in the rights board can become a complaint: the filing form opens with its title and text
(``complaints.drafts``); the author still reviews and sends it."""

from django.http import Http404
from django.utils.translation import gettext

from accounts.models import User
from complaints.drafts import ComplaintDraft, complaint_draft_source_register

from .selectors import own_post_get

SOURCE = "community"
CATEGORY = "other"


def community_complaint_draft(user: User, key: str) -> ComplaintDraft:
    """The complaint drafted from the user's own post in a board that offers one; 404 for any other post."""
    try:
        post = own_post_get(reader=user, pk=int(key))
    except ValueError:
        raise Http404 from None
    if not post.board.offers_complaint:
        raise Http404
    lines = [
        post.body,
        "",
        gettext("(First posted in the community board “%(board)s”, post %(number)s.)")
        % {"board": post.board.name, "number": post.pk},
    ]
    return ComplaintDraft(category_code=CATEGORY, title=post.title, description="\n".join(lines))


def register() -> None:
    complaint_draft_source_register(SOURCE, community_complaint_draft)
