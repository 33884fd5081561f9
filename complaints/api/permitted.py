"""Which actions a reader may take on a complaint now: a hint for clients, so they offer only those.

Each name is the last segment of the action's URL (``POST /api/v1/complaints/{reference}/<name>/``). The
hint reads the same table of moves and the same guards the services use, but the services decide: a client
that posts an action not listed gets the service's refusal.
"""

from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from complaints.models import Appeal, Approval, Complaint, ComplaintRules
from complaints.selectors import ReaderFacts
from complaints.services import (
    MAX_ATTACHMENTS_PER_COMPLAINT,
    complaint_closed_automatically,
    complaint_handler_ids,
)
from complaints.services.appeals import REVIEWER_ROLES, appeal_deadline
from complaints.services.guards import conflicted_user_ids, is_department_supervisor, is_party
from complaints.states import State
from complaints.workflow import Transition, transition_allowed
from privacy import policy

# Every action name, in the order a client would show them.
ACTION_NAMES = (
    "acknowledge",
    "start-investigation",
    "assign",
    "delegate",
    "reply",
    "notes",
    "request-information",
    "complainant-reply",
    "message",
    "severity",
    "flags",
    "propose-resolution",
    "respond",
    "approve",
    "return",
    "satisfaction",
    "rating",
    "appeal",
    "review-appeal",
    "reject",
    "merge",
    "withdraw",
    "evidence",
    "affected-learners",
    "improvement-actions",
)


def _party_actions(user: User, complaint: Complaint) -> set[str]:
    def allowed(transition: Transition) -> bool:
        return transition_allowed(state=complaint.state, transition=transition)

    names = set()
    if allowed(Transition.COMPLAINANT_REPLY):
        names.add("complainant-reply")
    if complaint.is_open and complaint.state != State.SUBMITTED:
        names.add("message")
    if allowed(Transition.CONFIRM_SATISFACTION):
        names.add("satisfaction")
    if complaint.satisfaction_rating is None and complaint_closed_automatically(complaint=complaint):
        names.add("rating")
    if allowed(Transition.WITHDRAW):
        names.add("withdraw")
    if allowed(Transition.APPEAL) and not Appeal.objects.filter(complaint=complaint).exists():
        deadline = appeal_deadline(complaint=complaint, rules=ComplaintRules.load())
        if deadline is None or timezone.now() <= deadline:
            names.add("appeal")
    return names


def _staff_actions(user: User, complaint: Complaint) -> set[str]:
    def allowed(transition: Transition) -> bool:
        return transition_allowed(state=complaint.state, transition=transition)

    roles = user.role_names
    directs = Role.LEADERSHIP in roles or is_department_supervisor(user, complaint)
    names = {"notes", "flags", "improvement-actions"}
    for transition, name in (
        (Transition.ACKNOWLEDGE, "acknowledge"),
        (Transition.START_INVESTIGATION, "start-investigation"),
        (Transition.REQUEST_INFORMATION, "request-information"),
        (Transition.RESPOND, "propose-resolution"),
        (Transition.RESPOND, "respond"),
        (Transition.REJECT, "reject"),
        (Transition.MERGE, "merge"),
    ):
        if allowed(transition):
            names.add(name)
    if complaint.is_open:
        names |= {"severity", "affected-learners"}
        if directs:
            names.add("assign")
        if complaint.state != State.SUBMITTED:
            names.add("reply")
    if directs or complaint.owner_id == user.pk:
        names.add("delegate")
    if allowed(Transition.APPROVE) and Role.LEADERSHIP in roles:
        requester = (
            Approval.objects.filter(complaint=complaint, decision=Approval.Decision.PENDING)
            .values_list("requested_by_id", flat=True)
            .first()
        )
        if requester is not None and requester != user.pk:
            names |= {"approve", "return"}
    if (
        allowed(Transition.REVISE_ON_APPEAL)
        and roles & REVIEWER_ROLES
        and user.pk not in complaint_handler_ids(complaint)
    ):
        names.add("review-appeal")
    return names


def complaint_actions_for_user(
    *, user: User, complaint: Complaint, facts: ReaderFacts | None = None
) -> list[str]:
    """Return the names of the actions the user may take on the complaint now, in ``ACTION_NAMES`` order.

    ``facts``, when the complaint was read with them for this user, save asking the database again.
    """
    names: set[str] = set()
    acts_as_party = facts.is_party if facts is not None else is_party(user, complaint)
    if acts_as_party:
        names |= _party_actions(user, complaint)
    policy_allows = facts.may_change if facts is not None else policy.can(user, policy.CHANGE, complaint)
    may_change = user.pk not in conflicted_user_ids(complaint) and policy_allows
    if may_change:
        names |= _staff_actions(user, complaint)
    attachments = facts.attachments if facts is not None else complaint.attachments.count()
    if (acts_as_party or may_change) and complaint.is_open and attachments < MAX_ATTACHMENTS_PER_COMPLAINT:
        names.add("evidence")
    return [name for name in ACTION_NAMES if name in names]
