"""Who reaches which chats (see privacy.policy); pages, the consoles, the API and the admin filter by these.

VIEW
- the learner who opened it (a chat is the learner's own conversation: a guardian does not read it);
- the customer-service staff and those who lead them: agents, supervisors, managers, the leadership group.

CHANGE (answer, take, end, turn into a complaint or feedback)
- agents and supervisors.
"""

from django.db.models import Q

from accounts.models import User
from accounts.roles import Role
from privacy import policy

from .models import Chat

READING_ROLES = frozenset({str(Role.AGENT), str(Role.SUPERVISOR), str(Role.MANAGER), str(Role.LEADERSHIP)})
ANSWERING_ROLES = frozenset({str(Role.AGENT), str(Role.SUPERVISOR)})
OPENING_ROLES = frozenset({str(Role.LEARNER), str(Role.PARENT)})


def is_chat_staff(user: User) -> bool:
    """Whether the user reads the chats of every learner (the console, the admin's list)."""
    return bool(
        user.is_authenticated and user.is_active and (user.is_superuser or user.role_names & READING_ROLES)
    )


def may_answer_chats(user: User) -> bool:
    """Whether the user answers chats: goes on duty, takes chats, writes to learners."""
    return bool(
        user.is_authenticated and user.is_active and (user.is_superuser or user.role_names & ANSWERING_ROLES)
    )


def may_open_chat(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active and user.role_names & OPENING_ROLES)


@policy.rule(Chat, policy.VIEW)
def chat_visible_by_relation(user: User) -> Q:
    if user.role_names & READING_ROLES:
        return policy.EVERYTHING
    return Q(learner=user)


@policy.rule(Chat, policy.CHANGE)
def chat_changeable_by_relation(user: User) -> Q:
    return policy.EVERYTHING if user.role_names & ANSWERING_ROLES else policy.NOTHING
