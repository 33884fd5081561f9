"""The complainant's say after a complaint closed by itself: a rating of how it was handled, given once."""

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from complaints.errors import RuleViolation, TransitionNotAllowed
from complaints.models import Complaint, EventKind
from complaints.states import State
from complaints.workflow import Transition, complaint_lock

from .guards import event_add, require_party, require_rating


def complaint_closed_automatically(*, complaint: Complaint) -> bool:
    """Say whether the complaint is closed and its last closing was the automatic one, after the waiting
    period, rather than the complainant's confirmation or an appeal's decision."""
    if complaint.state != State.CLOSED:
        return False
    closing = (
        complaint.events.filter(to_state=State.CLOSED).order_by("-created_at", "-id").values("data").first()
    )
    return closing is not None and closing["data"].get("transition") == Transition.AUTO_CLOSE


@transaction.atomic
def complaint_rate_after_auto_close(
    *, complaint: Complaint, rating: int, actor: User, comment: str = ""
) -> Complaint:
    """Record the complainant's rating (1 to 5) and comment of a complaint that closed automatically.

    A complaint closes by itself when the complainant does not answer the response in time; they may still
    say how satisfied they are, once. Requires a party to the complaint. Raises ComplaintPermissionDenied,
    TransitionNotAllowed (not closed automatically) or RuleViolation (rating out of range, already rated),
    changing nothing. Causes the rating on the complaint and a public "satisfaction" event; the complaint
    stays closed.
    """
    require_rating(rating)
    complaint = complaint_lock(complaint=complaint)
    require_party(actor, complaint)
    if not complaint_closed_automatically(complaint=complaint):
        raise TransitionNotAllowed(
            _("Only a complaint that closed by itself after the waiting period is rated this way.")
        )
    if complaint.satisfaction_rating is not None:
        raise RuleViolation(_("This complaint has already been rated."), code="already_rated", field="rating")
    complaint.satisfaction_rating = rating
    complaint.satisfaction_comment = (comment or "").strip()
    complaint.save(update_fields=["satisfaction_rating", "satisfaction_comment"])
    event_add(
        complaint=complaint,
        kind=EventKind.SATISFACTION,
        actor=actor,
        body=complaint.satisfaction_comment,
        is_public=True,
        data={"rating": rating, "after": str(Transition.AUTO_CLOSE)},
    )
    return complaint
