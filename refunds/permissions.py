"""Who reaches which refund requests (see privacy.policy); pages, the API and the admin all filter by these.

VIEW
- the learner whose enrolment it is, and their guardians (a guardian acts for their ward);
- the learner-services team and those who lead it: agents, supervisors, managers and the leadership group.

CHANGE (decide, record the payment)
- agents, supervisors and the leadership group; only the leadership group approves a refund above the
  approval threshold.
"""

from django.db.models import Q

from accounts.models import Guardianship, User
from accounts.roles import Role
from privacy import policy

from .models import RefundRequest

READING_ROLES = frozenset({str(Role.AGENT), str(Role.SUPERVISOR), str(Role.MANAGER), str(Role.LEADERSHIP)})
HANDLING_ROLES = frozenset({str(Role.AGENT), str(Role.SUPERVISOR), str(Role.LEADERSHIP)})
REQUESTING_ROLES = frozenset({str(Role.LEARNER), str(Role.PARENT)})


def wards(user: User) -> tuple[int, ...]:
    """The learners the user is the guardian of, read once per request."""
    return policy.remember(
        user,
        "refunds:wards",
        lambda: tuple(Guardianship.objects.filter(guardian=user).values_list("learner_id", flat=True)),
    )


def is_refund_staff(user: User) -> bool:
    return bool(user.is_authenticated and user.role_names & READING_ROLES)


def may_handle_refunds(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active and user.role_names & HANDLING_ROLES)


def may_approve_large_refunds(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active and Role.LEADERSHIP in user.role_names)


def may_request_for(actor: User, learner_id: int) -> bool:
    """Whether the actor requests refunds for this learner: the learner, or a guardian of theirs."""
    if not actor.is_active or not actor.role_names & REQUESTING_ROLES:
        return False
    return actor.pk == learner_id or learner_id in wards(actor)


@policy.rule(RefundRequest, policy.VIEW)
def refund_visible_by_relation(user: User) -> Q:
    if user.role_names & READING_ROLES:
        return policy.EVERYTHING
    return Q(learner=user) | Q(learner__in=wards(user))


@policy.rule(RefundRequest, policy.CHANGE)
def refund_changeable_by_relation(user: User) -> Q:
    return policy.EVERYTHING if user.role_names & HANDLING_ROLES else policy.NOTHING
