"""Changes to accounts: sign-up, roles, guardianship and language preference."""

from django.contrib.auth.models import Group
from django.db import transaction

from privacy.models import PolicyVersion
from privacy.services import policy_accept

from .models import Department, Guardianship, User
from .roles import STAFF_ROLES, Role


@transaction.atomic
def user_sign_up(
    *,
    email: str,
    display_name: str,
    password: str,
    account_type: Role = Role.LEARNER,
    policy_version: PolicyVersion,
    mobile: str = "",
    preferred_language: str = "",
    ip_address: str | None = None,
    user_agent: str = "",
) -> User:
    """Create a learner's or parent's account, recording their acceptance of the privacy policy.

    Requires an e-mail address not yet in use, a validated password and the policy version the person
    accepted; raises ValueError for any account type other than learner or parent (staff accounts are
    made by administrators).
    """
    if account_type not in (Role.LEARNER, Role.PARENT):
        raise ValueError("Only learner and parent accounts can be created by signing up.")
    extra = {"preferred_language": preferred_language} if preferred_language else {}
    user = User.objects.create_user(email, password, display_name=display_name, mobile=mobile, **extra)
    user_add_role(user=user, role=account_type)
    policy_accept(user=user, policy_version=policy_version, ip_address=ip_address, user_agent=user_agent)
    return user


def user_add_role(*, user: User, role: Role) -> User:
    """Put the user in the role's group; staff roles also open the admin to them."""
    group, _created = Group.objects.get_or_create(name=str(role))
    user.groups.add(group)
    if role in STAFF_ROLES and not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    user.__dict__.pop("role_names", None)
    return user


def user_set_preferred_language(*, user: User, language: str) -> User:
    """Remember the language the user chose, so it follows them to any device they log in on."""
    if user.preferred_language != language:
        user.preferred_language = language
        user.save(update_fields=["preferred_language"])
    return user


def guardianship_create(*, guardian: User, learner: User, relationship: str) -> Guardianship:
    """Let a parent act for a learner; the parent gets the parent role if they lack it."""
    guardianship, _created = Guardianship.objects.get_or_create(
        guardian=guardian, learner=learner, defaults={"relationship": relationship}
    )
    user_add_role(user=guardian, role=Role.PARENT)
    return guardianship


def department_set_supervisor(*, department: Department, supervisor: User) -> Department:
    department.supervisor = supervisor
    department.save(update_fields=["supervisor"])
    user_add_role(user=supervisor, role=Role.SUPERVISOR)
    return department
