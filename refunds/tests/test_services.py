"""Requesting, deciding and paying back refunds: who may, the leadership threshold, refusals that name a
rule, one open request per enrolment; every refusal changes nothing and queues nothing."""

import datetime
from decimal import Decimal

import pytest
from django.apps import apps
from django.utils import timezone

from accounts.roles import Role
from accounts.tests.factories import GuardianshipFactory, LearnerFactory, ParentFactory, StaffFactory
from complaints.models import ComplaintRules
from notifications.models import Notification
from refunds.errors import (
    RefundAgreementRequired,
    RefundMoveNotAllowed,
    RefundOpenRequestExists,
    RefundPermissionDenied,
    RefundRuleViolation,
)
from refunds.models import RefundEvent, RefundRequest, RefundRule, State
from refunds.services import (
    refund_approve,
    refund_leadership_approve,
    refund_record_payment,
    refund_refuse,
    refund_request_file,
    refund_withdraw,
)
from sla.models import Clock, Target

from .factories import RefundRequestFactory, accept_agreement, enrolment_bought

pytestmark = pytest.mark.django_db


def row_counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def snapshot(refund: RefundRequest) -> dict:
    return {
        field.attname: getattr(RefundRequest.objects.get(pk=refund.pk), field.attname)
        for field in RefundRequest._meta.concrete_fields
    }


@pytest.fixture
def agent():
    return StaffFactory(roles=[Role.AGENT])


@pytest.fixture
def leader():
    return StaffFactory(roles=[Role.LEADERSHIP])


def test_the_learner_requests_a_refund_with_the_amount_the_rules_give():
    enrolment = enrolment_bought(days_ago=30, lessons=30, taken=6, paid="3000.00")
    accept_agreement(enrolment.learner)

    refund = refund_request_file(actor=enrolment.learner, enrolment=enrolment, reason="工作调动")

    assert refund.reference.startswith(f"TF-{timezone.localdate().year}-")
    assert (refund.state, refund.amount, refund.rule.clause) == (
        State.SUBMITTED,
        Decimal("2400.00"),
        "第三条",
    )
    assert refund.calculation["facts"]["lessons_taken"] == 6
    assert refund.events.get().to_state == State.SUBMITTED
    decision = Clock.objects.get(refund_request=refund, target=Target.ACKNOWLEDGE)
    assert decision.duration == datetime.timedelta(days=3)  # 3 working days
    assert Notification.objects.filter(recipient=enrolment.learner, kind="refund_received").exists()


def test_a_guardian_requests_for_their_ward_and_both_are_told():
    guardianship = GuardianshipFactory()
    enrolment = enrolment_bought(learner=guardianship.learner)
    accept_agreement(guardianship.guardian)

    refund = refund_request_file(actor=guardianship.guardian, enrolment=enrolment, reason="孩子转学")

    assert (refund.learner, refund.filed_by) == (guardianship.learner, guardianship.guardian)
    told = set(Notification.objects.filter(kind="refund_received").values_list("recipient", flat=True))
    assert told == {guardianship.learner.pk, guardianship.guardian.pk}


@pytest.mark.parametrize("who", ["another learner", "another parent", "agent"])
def test_only_the_learner_or_their_guardian_requests(who):
    enrolment = enrolment_bought()
    actor = {
        "another learner": LearnerFactory,
        "another parent": ParentFactory,
        "agent": lambda: StaffFactory(roles=[Role.AGENT]),
    }[who]()
    accept_agreement(actor)
    before = row_counts()

    with pytest.raises(RefundPermissionDenied):
        refund_request_file(actor=actor, enrolment=enrolment, reason="想退")

    assert row_counts() == before


def test_the_user_agreement_comes_first():
    enrolment = enrolment_bought()
    before = row_counts()

    with pytest.raises(RefundAgreementRequired):
        refund_request_file(actor=enrolment.learner, enrolment=enrolment, reason="想退")

    assert row_counts() == before


@pytest.mark.parametrize(
    ("reason", "code"), [("", "required"), ("   ", "required"), ("长" * 2001, "too_long")]
)
def test_a_reason_is_required_and_bounded(reason, code):
    enrolment = enrolment_bought()
    accept_agreement(enrolment.learner)
    before = row_counts()

    with pytest.raises(RefundRuleViolation) as refused:
        refund_request_file(actor=enrolment.learner, enrolment=enrolment, reason=reason)

    assert (refused.value.field, refused.value.code) == ("reason", code)
    assert row_counts() == before


def test_one_open_request_per_enrolment_then_another_once_it_ended():
    first = RefundRequestFactory()
    before = row_counts()

    with pytest.raises(RefundOpenRequestExists) as refused:
        refund_request_file(actor=first.learner, enrolment=first.enrolment, reason="再申请一次")

    assert refused.value.field == "enrolment"
    assert row_counts() == before
    refund_withdraw(request=first, actor=first.learner)
    second = refund_request_file(actor=first.learner, enrolment=first.enrolment, reason="再申请一次")
    assert second.state == State.SUBMITTED


@pytest.mark.parametrize(
    ("paid", "state", "leaders_told"),
    [("10000.00", State.APPROVED, 0), ("10000.01", State.PENDING_APPROVAL, 1)],
)
def test_a_refund_above_the_threshold_waits_for_the_leadership_group(
    agent, leader, paid, state, leaders_told
):
    refund = RefundRequestFactory(enrolment=enrolment_bought(days_ago=2, paid=paid))
    assert refund.amount == Decimal(paid)

    refund = refund_approve(request=refund, actor=agent)

    assert refund.state == state
    assert refund.needs_approval is (state == State.PENDING_APPROVAL)
    assert refund.approved_amount == Decimal(paid)
    assert Notification.objects.filter(recipient=leader, kind="refund_approval_requested").count() == (
        leaders_told * Notification.objects.filter(recipient=leader).values("channel").distinct().count()
    )
    learner_notice = "refund_referred" if leaders_told else "refund_approved"
    assert Notification.objects.filter(recipient=refund.learner, kind=learner_notice).exists()


def test_the_threshold_is_the_complaint_rules_one(agent):
    rules = ComplaintRules.load()
    rules.refund_approval_threshold = Decimal("500.00")
    rules.save()
    refund = RefundRequestFactory(enrolment=enrolment_bought(days_ago=2, paid="500.01"))

    assert refund_approve(request=refund, actor=agent).state == State.PENDING_APPROVAL


def test_only_the_leadership_group_approves_a_large_refund(agent, leader):
    refund = refund_approve(
        request=RefundRequestFactory(enrolment=enrolment_bought(days_ago=2, paid="12800.00")), actor=agent
    )
    before = row_counts()

    with pytest.raises(RefundPermissionDenied):
        refund_leadership_approve(request=refund, actor=agent)
    with pytest.raises(RefundPermissionDenied):
        refund_refuse(request=refund, actor=agent, rule=refund.rule, reason="不同意")
    assert row_counts() == before

    refund = refund_leadership_approve(request=refund, actor=leader, note="同意")
    assert (refund.state, refund.approval_by) == (State.APPROVED, leader)
    assert Clock.objects.get(refund_request=refund, target=Target.FIRST_RESPONSE).met_at == refund.approval_at


def test_a_refusal_without_a_rule_is_refused_and_changes_nothing(agent):
    refund = RefundRequestFactory(enrolment=enrolment_bought(days_ago=60, taken=20))
    before_rows, before_request = row_counts(), snapshot(refund)

    with pytest.raises(RefundRuleViolation) as refused:
        refund_refuse(request=refund, actor=agent, rule=None, reason="超过三分之一课时")

    assert refused.value.field == "rule"
    assert row_counts() == before_rows
    assert snapshot(refund) == before_request


def test_a_refusal_names_a_rule_of_the_requests_policy_and_a_reason(agent):
    refund = RefundRequestFactory(enrolment=enrolment_bought(days_ago=60, taken=20))
    from refunds.models import RefundPolicy

    other = RefundRule.objects.create(
        policy=RefundPolicy.objects.create(name="旧规则", effective_at="2020-01-01T00:00:00Z"),
        position=1,
        clause="旧",
        label="旧规则",
        outcome="none",
    )
    before = row_counts()
    with pytest.raises(RefundRuleViolation) as refused:
        refund_refuse(request=refund, actor=agent, rule=other, reason="理由")
    assert refused.value.field == "rule"
    with pytest.raises(RefundRuleViolation) as refused:
        refund_refuse(request=refund, actor=agent, rule=refund.rule, reason=" ")
    assert refused.value.field == "reason"
    assert row_counts() == before

    refund = refund_refuse(request=refund, actor=agent, rule=refund.rule, reason="已上课时超过三分之一。")

    assert (refund.state, refund.refusal_rule.clause) == (State.REFUSED, "第四条")
    assert refund.closed_at is not None
    assert Notification.objects.filter(recipient=refund.learner, kind="refund_refused").exists()
    assert not Clock.objects.filter(refund_request=refund, met_at=None, cancelled_at=None).exists()


def test_nothing_to_approve_when_the_rules_give_nothing(agent):
    refund = RefundRequestFactory(enrolment=enrolment_bought(days_ago=60, taken=20))
    before = row_counts()

    with pytest.raises(RefundRuleViolation) as refused:
        refund_approve(request=refund, actor=agent)

    assert refused.value.code == "nothing_to_refund"
    assert row_counts() == before


def test_staff_who_find_the_institution_at_fault_approve_the_lessons_not_taken(agent):
    refund = RefundRequestFactory(enrolment=enrolment_bought(days_ago=60, taken=20, paid="3000.00"))

    refund = refund_approve(request=refund, actor=agent, institution_at_fault=True)

    assert (refund.state, refund.approved_amount, refund.fault_found) == (
        State.APPROVED,
        Decimal("1000.00"),
        True,
    )
    assert refund.amount == Decimal("0.00")  # what the learner was shown when filing stays on record


def test_the_payment_records_amount_and_date(agent):
    refund = refund_approve(request=RefundRequestFactory(enrolment=enrolment_bought(days_ago=2)), actor=agent)
    before = row_counts()

    for values, field in (
        ({"amount": "0", "paid_on": timezone.localdate()}, "amount"),
        ({"amount": "3000.01", "paid_on": timezone.localdate()}, "amount"),
        ({"amount": "NaN", "paid_on": timezone.localdate()}, "amount"),
        ({"amount": "3000.00", "paid_on": timezone.localdate() + datetime.timedelta(days=1)}, "paid_on"),
        ({"amount": "3000.00", "paid_on": timezone.localdate() - datetime.timedelta(days=1)}, "paid_on"),
    ):
        with pytest.raises(RefundRuleViolation) as refused:
            refund_record_payment(request=refund, actor=agent, **values)
        assert refused.value.field == field, values
    assert row_counts() == before

    refund = refund_record_payment(
        request=refund, actor=agent, amount="3000.00", paid_on=timezone.localdate(), payment_reference="WX-1"
    )

    assert (refund.state, refund.paid_amount, refund.paid_on) == (
        State.PAID,
        Decimal("3000.00"),
        timezone.localdate(),
    )
    assert (
        Clock.objects.get(refund_request=refund, target=Target.RESOLUTION).met_at == refund.paid_recorded_at
    )
    assert Notification.objects.filter(recipient=refund.learner, kind="refund_paid").exists()


@pytest.mark.parametrize("role", [Role.MANAGER, Role.LEGAL])
def test_managers_and_outside_staff_do_not_decide(role):
    refund = RefundRequestFactory()
    staff = StaffFactory(roles=[role])
    before = row_counts()

    with pytest.raises(RefundPermissionDenied):
        refund_approve(request=refund, actor=staff)

    assert row_counts() == before


def test_a_decided_request_cannot_be_decided_again(agent):
    refund = refund_approve(request=RefundRequestFactory(enrolment=enrolment_bought(days_ago=2)), actor=agent)
    before = row_counts()

    with pytest.raises(RefundMoveNotAllowed):
        refund_refuse(request=refund, actor=agent, rule=refund.rule, reason="改主意")
    with pytest.raises(RefundMoveNotAllowed):
        refund_withdraw(request=refund, actor=refund.learner)

    assert row_counts() == before


def test_the_timeline_cannot_be_changed():
    from django.db import IntegrityError, transaction

    event = RefundRequestFactory().events.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        RefundEvent.objects.filter(pk=event.pk).update(body="改写")
