"""Read queries about accounts shared by pages and the API."""

from django.db.models import QuerySet

from core.navigation import NAVIGATION, NavItem

from .models import User
from .roles import STAFF_ROLES, Role


def navigation_for_user(*, user) -> list[NavItem]:
    """Return the navigation entries the user's roles may see; none for anonymous visitors."""
    if not user.is_authenticated:
        return []
    roles = user.role_names
    return [item for item in NAVIGATION if item.roles is None or roles & item.roles or user.is_superuser]


def learners_of_guardian(*, guardian: User) -> QuerySet[User]:
    return User.objects.filter(guardianships__guardian=guardian).order_by("display_name")


def users_with_role(*roles: Role) -> QuerySet[User]:
    """Return the accounts holding any of the roles, each once."""
    holders = User.objects.filter(groups__name__in=[str(role) for role in roles]).values("pk")
    return User.objects.filter(pk__in=holders)


def learner_accounts() -> QuerySet[User]:
    return users_with_role(Role.LEARNER)


def staff_accounts() -> QuerySet[User]:
    return users_with_role(*STAFF_ROLES)
