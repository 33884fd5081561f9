"""A person's erasure blanks the reason they gave for a refund and keeps the figures and the decision."""

import pytest

from accounts.models import User
from accounts.roles import Role
from accounts.tests.factories import StaffFactory
from privacy.services import erasure_carry_out, erasure_request_create
from refunds.models import RefundRequest
from refunds.personal_data import ERASED_REASON

from .factories import RefundRequestFactory

pytestmark = pytest.mark.django_db


def test_erasure_blanks_the_reason_and_keeps_the_figures():
    refund = RefundRequestFactory(reason="工作调动到外地，无法继续上课。")
    other = RefundRequestFactory(reason="课程时间冲突。")
    before = RefundRequest.objects.values("reference", "amount", "state", "enrolment_id").get(pk=refund.pk)
    officer = User.objects.get(pk=StaffFactory(roles=[Role.LEGAL]).pk)

    erasure_carry_out(request=erasure_request_create(user=refund.learner, reason="不再使用"), actor=officer)

    after = RefundRequest.objects.get(pk=refund.pk)
    assert after.reason == ERASED_REASON
    assert (
        RefundRequest.objects.values("reference", "amount", "state", "enrolment_id").get(pk=refund.pk)
        == before
    )
    assert RefundRequest.objects.get(pk=other.pk).reason == "课程时间冲突。"  # someone else's stays
