"""Who does what with activities.

- Everyone, signed in or not, reads the published, cancelled and finished activities (never the drafts).
- Learners and parents register, cancel, subscribe and check in; each sees only their own registrations.
- The learner-services team (agents, supervisors, managers, the leadership group) prepares activities in the
  admin, moves them, reads who registered and records attendance.
"""

from django.db.models import Q

from accounts.models import User
from accounts.roles import Role
from privacy import policy

from .models import Registration

ACTIVITY_STAFF_ROLES = frozenset(
    {str(Role.AGENT), str(Role.SUPERVISOR), str(Role.MANAGER), str(Role.LEADERSHIP)}
)
REGISTERING_ROLES = frozenset({str(Role.LEARNER), str(Role.PARENT)})


def is_activity_staff(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active and user.role_names & ACTIVITY_STAFF_ROLES)


def may_register(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active and user.role_names & REGISTERING_ROLES)


@policy.rule(Registration, policy.VIEW)
def registration_visible(user: User) -> Q:
    """Registrations: each person their own; the learner-services team every one."""
    return policy.EVERYTHING if user.role_names & ACTIVITY_STAFF_ROLES else Q(person=user)


@policy.rule(Registration, policy.CHANGE)
def registration_changeable(user: User) -> Q:
    return policy.EVERYTHING if user.role_names & ACTIVITY_STAFF_ROLES else policy.NOTHING
