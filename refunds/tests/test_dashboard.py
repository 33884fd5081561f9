"""The dashboard's refund figures: counts, amounts and time to decide, for the period and the one before."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from accounts.roles import Role
from accounts.tests.factories import StaffFactory
from dashboard.selectors import Period, Scope, refund_figures
from refunds.services import refund_approve, refund_record_payment, refund_refuse

from .factories import RefundRequestFactory, enrolment_bought

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 6, 10, 10, 0, tzinfo=datetime.UTC)


def test_requests_amounts_and_time_to_decide(django_assert_num_queries):
    agent = StaffFactory(roles=[Role.AGENT])
    with time_machine.travel(NOW - datetime.timedelta(days=30), tick=False):
        RefundRequestFactory(enrolment=enrolment_bought(days_ago=2, paid="100.00"))  # the month before
    with time_machine.travel(NOW, tick=False):
        paid = RefundRequestFactory(enrolment=enrolment_bought(days_ago=2, paid="3000.00"))
        refused = RefundRequestFactory(enrolment=enrolment_bought(days_ago=60, taken=20, paid="2000.00"))
    with time_machine.travel(NOW + datetime.timedelta(hours=4), tick=False):
        paid = refund_approve(request=paid, actor=agent)
        refund_record_payment(request=paid, actor=agent, amount="3000.00", paid_on=timezone.localdate())
        refund_refuse(request=refused, actor=agent, rule=refused.rule, reason="超过三分之一")
    scope = Scope(period=Period(datetime.date(2026, 6, 1), datetime.date(2026, 6, 30)))

    with time_machine.travel(NOW + datetime.timedelta(days=1), tick=False), django_assert_num_queries(1):
        figures = refund_figures(scope)

    assert figures["requested"] == {"current": 2, "previous": 1}
    assert figures["requested_cny"] == {"current": Decimal("3000.00"), "previous": Decimal("100.00")}
    assert figures["approved_cny"]["current"] == Decimal("3000.00")
    assert figures["paid_cny"]["current"] == Decimal("3000.00")
    assert figures["refused"] == {"current": 1, "previous": 0}
    assert figures["decide_median_hours"]["current"] == 4.0
    assert figures["decided_in_time"] == {"current": 100.0, "previous": None}
