"""A refund request's decision clock on the shared SLA engine: due in 3 working days, escalated once."""

import datetime

import pytest
import time_machine

from accounts.roles import Role
from accounts.tests.factories import StaffFactory
from notifications.models import Notification
from refunds.models import EventKind, RefundEvent
from sla.models import Clock, Escalation, Target
from sla.services import sla_sweep

from .factories import RefundRequestFactory, enrolment_bought

pytestmark = pytest.mark.django_db

# A Monday at 09:00 in Shanghai: three working days later is Thursday at 09:00.
MONDAY = datetime.datetime(2026, 6, 8, 1, 0, tzinfo=datetime.UTC)


def test_an_undecided_request_is_escalated_to_the_supervisor_once():
    supervisor = StaffFactory(roles=[Role.SUPERVISOR])
    enrolment = enrolment_bought(days_ago=2)
    department = enrolment.course.department
    department.supervisor = supervisor
    department.save()
    with time_machine.travel(MONDAY, tick=False):
        refund = RefundRequestFactory(enrolment=enrolment)
    decision = Clock.objects.get(refund_request=refund, target=Target.ACKNOWLEDGE)
    assert decision.due_at == MONDAY + datetime.timedelta(days=3)

    sla_sweep(now=MONDAY + datetime.timedelta(days=3, minutes=1))
    sla_sweep(now=MONDAY + datetime.timedelta(days=3, minutes=2))

    assert (
        Escalation.objects.filter(subject_id=refund.pk, target=Target.ACKNOWLEDGE).count() == 2
    )  # warn, breach
    breach = Notification.objects.filter(recipient=supervisor, kind="refund_sla_breach")
    assert breach.count() == breach.values("channel").distinct().count()
    assert RefundEvent.objects.filter(request=refund, kind=EventKind.ESCALATION, is_public=False).count() == 2
