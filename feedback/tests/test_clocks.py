"""The 24-hour clock of urgent feedback on the shared SLA engine: warned at 75 %, escalated once, told
once."""

import datetime

import pytest
from django.utils import timezone

from feedback import services
from feedback.clocks import SLA_BREACH, SLA_LEADERSHIP_BREACH, SLA_WARNING, feedback_escalations
from feedback.models import EventKind, FeedbackEvent
from notifications.models import Notification
from sla.models import Escalation, Target
from sla.services import sla_sweep

pytestmark = pytest.mark.django_db

Level = Escalation.Level


def _in_app(kind):
    return set(
        Notification.objects.filter(kind=kind, channel="in_app").values_list("recipient_id", flat=True)
    )


def test_an_urgent_item_without_a_plan_escalates_exactly_once(agent, supervisor, leader, learner, subject):
    item = services.feedback_give(actor=learner, subject=subject, text="实训楼电梯异响", is_urgent=True).item
    item = services.feedback_accept(item=item, actor=agent)  # the review is met; the plan is due in 24 hours
    start = item.created_at

    # at 19 hours: past 75 % of the plan's 24 hours
    sla_sweep(now=start + datetime.timedelta(hours=19))
    assert _in_app(SLA_WARNING) == {agent.pk}
    # at 25 hours, twice: one breach to the supervisor, one to the leadership group (urgent), nothing twice
    first = sla_sweep(now=start + datetime.timedelta(hours=25))
    again = sla_sweep(now=start + datetime.timedelta(hours=25, minutes=1))

    plan = feedback_escalations().filter(subject_id=item.pk, target=Target.FIRST_RESPONSE)
    assert sorted(plan.values_list("level", flat=True)) == sorted(
        [Level.WARNING, Level.BREACH, Level.LEADERSHIP]
    )
    assert (first.breaches, again.breaches, again.leadership, again.notices) == (1, 0, 0, 0)
    assert _in_app(SLA_BREACH) == {supervisor.pk}
    assert _in_app(SLA_LEADERSHIP_BREACH) == {leader.pk}
    assert Notification.objects.filter(kind=SLA_BREACH, recipient=supervisor, channel="in_app").count() == 1
    recorded = FeedbackEvent.objects.filter(item=item, kind=EventKind.ESCALATION)
    assert recorded.count() == 3 and not recorded.filter(is_public=True).exists()


def test_a_plan_made_in_time_stops_its_clock_and_nothing_escalates(agent, supervisor, learner, subject):
    item = services.feedback_give(actor=learner, subject=subject, text="急", is_urgent=True).item
    item = services.feedback_accept(item=item, actor=agent)
    services.feedback_plan(
        item=item, actor=agent, plan_owner=agent, actions="立即维修", due_on=timezone.localdate()
    )

    sla_sweep(now=item.created_at + datetime.timedelta(hours=30))

    assert not feedback_escalations().filter(subject_id=item.pk, target=Target.FIRST_RESPONSE).exists()


def test_an_item_without_owner_or_supervisor_reaches_the_leadership_group(learner, leader, subject):
    item = services.feedback_give(
        actor=learner, subject=subject, text="无人认领"
    ).item  # no supervisor fixture
    sla_sweep(now=item.created_at + datetime.timedelta(days=60))

    assert leader.pk in _in_app(SLA_BREACH)
    assert not feedback_escalations().filter(subject_id=item.pk, reached_nobody=True).exists()


def test_feedback_policies_leave_the_complaints_alone(learner, subject):
    from complaints.tests.factories import ComplaintFactory

    complaint = ComplaintFactory()
    from complaints.clocks import complaint_clocks_sync

    clocks = {clock.target: clock for clock in complaint_clocks_sync(complaint=complaint)}
    # A general complaint: acknowledged within one hour (the default table), not feedback's working day.
    assert clocks[Target.ACKNOWLEDGE].due_at - complaint.created_at == datetime.timedelta(hours=1)
