"""Improvement actions (整改措施): a follow-up with an owner and a due date, closed by its owner."""

import datetime

import pytest
from django.utils import timezone

from accounts.roles import Role
from accounts.tests.factories import LearnerFactory, StaffFactory
from complaints.errors import ComplaintPermissionDenied, ConflictOfInterest, RuleViolation
from complaints.models import ImprovementAction
from complaints.services import improvement_action_add, improvement_action_complete
from notifications.models import Notification

from .factories import ComplaintFactory

pytestmark = pytest.mark.django_db


def add(complaint, actor, owner, days=30, **extra):
    return improvement_action_add(
        complaint=complaint,
        title="修订课程宣传材料",
        owner=owner,
        due_date=timezone.localdate() + datetime.timedelta(days=days),
        actor=actor,
        **extra,
    )


def test_an_action_is_added_to_a_closed_complaint_and_done_by_its_owner(category, dept_agent):
    complaint = ComplaintFactory(category=category, closed=True)
    academic = StaffFactory(roles=[Role.AGENT])

    action = add(complaint, dept_agent, academic)

    assert (action.state, action.owner, action.department) == ("open", academic, academic.department)
    assert action.done_at is None
    done = improvement_action_complete(action=action, actor=academic)
    assert (done.state, done.done_at is not None) == ("done", True)
    events = list(complaint.events.order_by("id").values_list("kind", "is_public", "data__state"))
    assert events == [("improvement_action", False, "open"), ("improvement_action", False, "done")]
    assert not Notification.objects.exists()


def test_an_action_is_done_once(category, dept_agent):
    action = add(ComplaintFactory(category=category, closed=True), dept_agent, dept_agent)
    improvement_action_complete(action=action, actor=dept_agent)
    with pytest.raises(RuleViolation):
        improvement_action_complete(action=action, actor=dept_agent)


def test_a_due_date_in_the_past_is_refused(category, dept_agent):
    complaint = ComplaintFactory(category=category, responded=True)
    with pytest.raises(RuleViolation) as refused:
        add(complaint, dept_agent, dept_agent, days=-1)
    assert refused.value.field == "due_date"
    assert not ImprovementAction.objects.exists()
    assert not complaint.events.exists()


def test_the_owner_is_staff_and_not_the_person_complained_about(category, dept_agent, department):
    accused = StaffFactory(department=department)
    complaint = ComplaintFactory(category=category, closed=True, subject_staff=accused)
    with pytest.raises(RuleViolation):
        add(complaint, dept_agent, LearnerFactory())
    with pytest.raises(ConflictOfInterest):
        add(complaint, dept_agent, accused)
    assert not ImprovementAction.objects.exists()


def test_outsiders_cannot_add_or_complete_actions(category, dept_agent, outsider_agent):
    complaint = ComplaintFactory(category=category, closed=True)
    with pytest.raises(ComplaintPermissionDenied):
        add(complaint, outsider_agent, outsider_agent)
    action = add(complaint, dept_agent, dept_agent)
    with pytest.raises(ComplaintPermissionDenied):
        improvement_action_complete(action=action, actor=outsider_agent)
    action.refresh_from_db()
    assert action.state == "open"
