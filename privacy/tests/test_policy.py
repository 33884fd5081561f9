"""The access policy: relations and explicit grants answer both single objects and lists."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.http import Http404

from accounts.models import User
from accounts.tests.factories import GuardianshipFactory, LearnerFactory, StaffFactory, UserFactory
from privacy import policy

pytestmark = pytest.mark.django_db


def test_a_learner_sees_only_themselves():
    learner, other = LearnerFactory(), LearnerFactory()
    visible = policy.visible_to(user=learner, queryset=User.objects.all())
    assert list(visible) == [learner]
    assert policy.can(learner, policy.VIEW, learner)
    assert not policy.can(learner, policy.VIEW, other)


def test_a_parent_sees_their_children_but_not_other_learners():
    guardianship = GuardianshipFactory()
    stranger = LearnerFactory()
    parent = guardianship.guardian
    assert set(policy.visible_to(user=parent, queryset=User.objects.all())) == {parent, guardianship.learner}
    assert not policy.can(parent, policy.VIEW, stranger)
    # a parent may see a child's record but not change it
    assert not policy.can(parent, policy.CHANGE, guardianship.learner)


def test_staff_reach_a_person_only_through_an_explicit_grant():
    agent, learner = StaffFactory(), LearnerFactory()
    assert not policy.can(agent, policy.VIEW, learner)

    policy.grant(user=agent, action=policy.VIEW, obj=learner)

    assert policy.can(agent, policy.VIEW, learner)
    assert not policy.can(agent, policy.CHANGE, learner)
    assert learner in policy.visible_to(user=agent, queryset=User.objects.all())

    policy.revoke(user=agent, action=policy.VIEW, obj=learner)
    assert not policy.can(agent, policy.VIEW, learner)


def test_a_grant_to_a_group_reaches_its_members():
    agent, learner = StaffFactory(), LearnerFactory()
    team = Group.objects.create(name="case-review-team")
    agent.groups.add(team)
    from guardian.shortcuts import assign_perm

    assign_perm("accounts.view_user", team, learner)
    assert policy.can(agent, policy.VIEW, learner)


def test_the_model_permission_opens_every_record():
    auditor, learner = UserFactory(), LearnerFactory()
    auditor.user_permissions.add(Permission.objects.get(codename="view_user"))
    auditor = User.objects.get(pk=auditor.pk)
    assert policy.can(auditor, policy.VIEW, learner)


def test_inactive_and_anonymous_users_see_nothing():
    from django.contrib.auth.models import AnonymousUser

    learner = LearnerFactory(is_active=False)
    assert not policy.visible_to(user=learner, queryset=User.objects.all()).exists()
    assert not policy.visible_to(user=AnonymousUser(), queryset=User.objects.all()).exists()


def test_get_visible_or_404_hides_what_is_not_yours():
    learner, other = LearnerFactory(), LearnerFactory()
    assert policy.get_visible_or_404(user=learner, queryset=User.objects.all(), pk=learner.pk) == learner
    with pytest.raises(Http404):
        policy.get_visible_or_404(user=learner, queryset=User.objects.all(), pk=other.pk)


def test_a_list_costs_two_queries_whatever_its_length(django_assert_num_queries):
    parent = GuardianshipFactory().guardian
    for _ in range(5):
        GuardianshipFactory(guardian=parent)
    parent = User.objects.get(pk=parent.pk)
    parent.has_perm("accounts.view_user")  # permission caches are per request; warm them as a request would
    ContentType.objects.get_for_model(User)  # content types are cached for the process
    with django_assert_num_queries(2):  # the reader's grants, then the rows
        assert len(list(policy.visible_to(user=parent, queryset=User.objects.all()))) == 7
