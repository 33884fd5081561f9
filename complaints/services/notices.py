"""Which notices complaint handling writes to the outbox, and to whom. Contexts carry the reference only."""

from enum import StrEnum

from django.db.models import QuerySet

from accounts.models import User
from accounts.roles import Role
from complaints.models import Complaint
from notifications.services import notification_enqueue


class NoticeKind(StrEnum):
    RECEIVED = "complaint_received"
    ACKNOWLEDGED = "complaint_acknowledged"
    PUBLIC_REPLY = "complaint_public_reply"
    INFORMATION_REQUESTED = "complaint_information_requested"
    COMPLAINANT_REPLIED = "complaint_complainant_replied"
    COMPLAINANT_MESSAGE = "complaint_complainant_message"
    RESPONDED = "complaint_responded"
    CLOSED = "complaint_closed"
    REJECTED = "complaint_rejected"
    MERGED = "complaint_merged"
    WITHDRAWN = "complaint_withdrawn"
    LEGAL_FLAG = "complaint_legal_flag"
    SAFETY_FLAG = "complaint_safety_flag"
    APPROVAL_REQUESTED = "complaint_approval_requested"
    RESOLUTION_RETURNED = "complaint_resolution_returned"
    APPEALED = "complaint_appealed"
    REMEDY_CARRIED_OUT = "complaint_remedy_carried_out"


def _context(complaint: Complaint, **extra) -> dict:
    return {"reference": complaint.reference, **extra}


def notify_user(user: User | None, complaint: Complaint, notice: NoticeKind, **extra) -> None:
    if user is not None and user.is_active:
        notification_enqueue(recipient=user, kind=notice, context=_context(complaint, **extra))


def notify_complainant(complaint: Complaint, notice: NoticeKind) -> None:
    notify_user(complaint.complainant, complaint, notice)


def notify_parties(complaint: Complaint, notice: NoticeKind) -> None:
    """Tell the complainant and every affected learner: each learner of a group gets their own notice."""
    recipients = User.objects.filter(is_active=True).filter(
        pk__in={complaint.complainant_id, *complaint.affected_learners.values_list("learner_id", flat=True)}
    )
    for recipient in recipients.order_by("pk"):
        notify_user(recipient, complaint, notice)


def role_members(role: Role) -> QuerySet[User]:
    return User.objects.filter(is_active=True, groups__name=str(role)).order_by("pk")


def notify_role(
    role: Role, complaint: Complaint, notice: NoticeKind, *, exclude: set[int] | None = None
) -> None:
    for member in role_members(role).exclude(pk__in=exclude or set()):
        notify_user(member, complaint, notice)
