"""Who reads the points ledger (see privacy.policy): each learner their own awards and rewards; managers and
the leadership group everyone's, in the admin and the API alike."""

from django.db.models import Q

from accounts.models import User
from accounts.roles import Role
from privacy import policy

from .models import Award, Reward

LEDGER_ROLES = frozenset({str(Role.MANAGER), str(Role.LEADERSHIP)})
RULE_EDITORS = LEDGER_ROLES


def may_read_ledger(user: User) -> bool:
    """Say whether the user reads every learner's points (the staff screens of the ledger)."""
    return bool(
        user.is_authenticated and user.is_active and (user.is_superuser or user.role_names & LEDGER_ROLES)
    )


def may_edit_reward_rules(user: User) -> bool:
    return bool(
        user.is_authenticated and user.is_active and (user.is_superuser or user.role_names & RULE_EDITORS)
    )


@policy.rule(Award, policy.VIEW)
def awards_visible_by_relation(user: User) -> Q:
    return policy.EVERYTHING if may_read_ledger(user) else Q(learner=user)


@policy.rule(Reward, policy.VIEW)
def rewards_visible_by_relation(user: User) -> Q:
    return policy.EVERYTHING if may_read_ledger(user) else Q(learner=user)
