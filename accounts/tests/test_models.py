import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts.models import Guardianship, User
from accounts.roles import Role
from accounts.services import guardianship_create, user_add_role
from accounts.tests.factories import DepartmentFactory, LearnerFactory, ParentFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_create_user_keeps_email_lower_case_and_password_hashed():
    user = User.objects.create_user("Mixed.Case@Example.EDU.cn", "s3cret-pass-word", display_name="王同学")
    assert user.email == "mixed.case@example.edu.cn"
    assert user.password != "s3cret-pass-word"
    assert user.check_password("s3cret-pass-word")
    assert user.preferred_language == "zh-hans"
    assert not user.is_staff


def test_email_is_unique_whatever_its_case():
    UserFactory(email="same@example.edu.cn")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(email="SAME@example.edu.cn", display_name="x")
    assert User.objects.filter(email__iexact="same@example.edu.cn").count() == 1


def test_log_in_name_is_found_whatever_its_case():
    user = UserFactory(email="someone@example.edu.cn")
    assert User.objects.get_by_natural_key(" SomeOne@Example.edu.cn ") == user


def test_create_user_requires_an_email():
    with pytest.raises(ValueError, match="e-mail"):
        User.objects.create_user("", "pw", display_name="x")


def test_mobile_number_is_validated_on_full_clean():
    user = UserFactory.build(mobile="12345")
    with pytest.raises(Exception) as error:
        user.full_clean()
    assert "mobile" in error.value.message_dict


def test_roles_come_from_groups():
    user = LearnerFactory()
    assert user.has_role(Role.LEARNER)
    assert not user.has_role(Role.AGENT)
    assert not user.is_staff_member


def test_a_staff_role_opens_the_admin():
    user = UserFactory()
    user_add_role(user=user, role=Role.SUPERVISOR)
    user.refresh_from_db()
    assert user.is_staff
    assert user.has_role(Role.SUPERVISOR)
    assert user.is_staff_member


def test_a_learner_role_does_not_open_the_admin():
    user = UserFactory()
    user_add_role(user=user, role=Role.LEARNER)
    user.refresh_from_db()
    assert not user.is_staff


def test_department_name_follows_the_language():
    from django.utils import translation

    department = DepartmentFactory(name="教务处", name_en="Academic affairs")
    with translation.override("zh-hans"):
        assert str(department) == "教务处"
    with translation.override("en"):
        assert str(department) == "Academic affairs"


def test_guardianship_makes_the_guardian_a_parent_once():
    parent, child = UserFactory(), LearnerFactory()
    first = guardianship_create(guardian=parent, learner=child, relationship=Guardianship.Relationship.MOTHER)
    second = guardianship_create(
        guardian=parent, learner=child, relationship=Guardianship.Relationship.MOTHER
    )
    assert first == second
    assert Guardianship.objects.count() == 1
    assert parent.has_role(Role.PARENT)


def test_nobody_is_their_own_guardian():
    parent = ParentFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Guardianship.objects.create(guardian=parent, learner=parent, relationship="guardian")
    assert Guardianship.objects.count() == 0


def test_a_display_name_with_a_text_direction_control_is_refused_by_the_admins_forms():
    user = UserFactory.build(display_name="\u202e生学李")

    with pytest.raises(ValidationError) as refused:
        user.full_clean(exclude=["password"])

    assert [error.code for error in refused.value.error_dict["display_name"]] == ["bidi_control"]
