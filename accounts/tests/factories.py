"""Factories for people; `roles=[...]` (or a role-named factory) puts the user in those roles' groups."""

import factory

from accounts.models import Department, Guardianship, User
from accounts.roles import Role
from accounts.services import user_add_role


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"dept-{n}")
    name = factory.Sequence(lambda n: f"部门{n}")
    name_en = factory.Sequence(lambda n: f"Department {n}")


def grant_roles(user: User, create: bool, roles) -> None:
    if create:
        for role in roles or []:
            user_add_role(user=user, role=role)


def with_default_roles(*defaults: Role) -> factory.PostGeneration:
    return factory.PostGeneration(
        lambda user, create, extracted, **kwargs: grant_roles(user, create, extracted or defaults)
    )


def accept_current_policy(user: User, create: bool, extracted) -> None:
    """Users made by factories have accepted the current privacy policy, as every signed-up user has."""
    if not create or extracted is False:
        return
    from privacy.selectors import policy_version_current
    from privacy.services import policy_accept

    current = policy_version_current()
    if current is not None:
        policy_accept(user=user, policy_version=current)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.edu.cn")
    display_name = factory.Sequence(lambda n: f"用户{n}")
    mobile = factory.Sequence(lambda n: f"139{n:08d}")
    password = factory.django.Password("a-long-test-password")
    roles = with_default_roles()
    accepted_policy = factory.PostGeneration(accept_current_policy)


class LearnerFactory(UserFactory):
    roles = with_default_roles(Role.LEARNER)


class ParentFactory(UserFactory):
    roles = with_default_roles(Role.PARENT)


class StaffFactory(UserFactory):
    department = factory.SubFactory(DepartmentFactory)
    roles = with_default_roles(Role.AGENT)


class GuardianshipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Guardianship

    guardian = factory.SubFactory(ParentFactory)
    learner = factory.SubFactory(LearnerFactory)
    relationship = Guardianship.Relationship.MOTHER
