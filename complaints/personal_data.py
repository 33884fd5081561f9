"""What complaints contribute to a person's data export, and what erasure does to them.

The export holds the complaints the person filed or that concern them as the learner, with their public
timeline (internal notes are staff working papers, not the person's data about themselves). Erasure blanks
the title and description of those complaints while keeping category, severity, dates, states and clocks,
so the statistics survive; the timeline itself is append-only and stays, attached to the anonymous account.
"""

from django.db.models import Q

from accounts.models import User
from privacy.export import section
from privacy.services import ANONYMISERS

from .models import Complaint, ComplaintEvent

ERASED_TEXT = "（已注销用户的投诉内容已删除）"  # stored data: every reader sees the same


def _complaints_of(user: User):
    return Complaint.objects.filter(Q(complainant=user) | Q(learner=user)).select_related("category")


@section("complaints")
def complaints_section(user: User) -> list:
    complaints = list(_complaints_of(user).order_by("created_at"))
    events = (
        ComplaintEvent.objects.filter(complaint__in=complaints, is_public=True)
        .select_related("actor")
        .order_by("created_at", "id")
    )
    timeline: dict[int, list] = {}
    for event in events:
        timeline.setdefault(event.complaint_id, []).append(
            {
                "when": event.created_at.isoformat(),
                "kind": event.kind,
                "state": event.to_state,
                "by": "you"
                if event.actor_id == user.pk
                else (event.actor.display_name if event.actor else ""),
                "text": event.body,
            }
        )
    return [
        {
            "reference": complaint.reference,
            "category": complaint.category.code,
            "title": complaint.title,
            "description": complaint.description,
            "state": complaint.state,
            "filed_at": complaint.created_at.isoformat(),
            "satisfaction_rating": complaint.satisfaction_rating,
            "timeline": timeline.get(complaint.pk, []),
        }
        for complaint in complaints
    ]


def anonymise_complaints(user: User) -> None:
    """Blank the free text of the person's complaints; everything the statistics count stays."""
    _complaints_of(user).update(title=ERASED_TEXT[:200], description=ERASED_TEXT, satisfaction_comment="")


if anonymise_complaints not in ANONYMISERS:
    ANONYMISERS.append(anonymise_complaints)
