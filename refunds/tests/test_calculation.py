"""The amount each rule gives, at its boundaries: the published rules' table, and rules with a fee."""

import datetime
from decimal import Decimal

import pytest

from refunds.calculation import RefundFacts, calculation_lines, refund_quote
from refunds.models import Outcome, RefundPolicy, RefundRule

pytestmark = pytest.mark.django_db

BOUGHT = datetime.date(2026, 3, 2)


def facts(*, day: int, taken: int, lessons: int = 30, paid: str = "3000.00", at_fault: bool = False):
    return RefundFacts(
        amount_paid=Decimal(paid),
        purchased_on=BOUGHT,
        today=BOUGHT + datetime.timedelta(days=day),
        lesson_count=lessons,
        lessons_taken=taken,
        institution_at_fault=at_fault,
    )


def published_rules() -> list[RefundRule]:
    policy = RefundPolicy.objects.get(name="学员退费规则（2026 年版）")
    return list(policy.rules.order_by("position"))


@pytest.mark.parametrize(
    ("day", "taken", "lessons", "at_fault", "clause", "amount"),
    [
        # within 7 days and before the first lesson: everything paid
        (0, 0, 30, False, "第二条", "3000.00"),
        (7, 0, 30, False, "第二条", "3000.00"),
        # day 8: the 7-day rule is over; no lesson taken, so the share not taken is still everything
        (8, 0, 30, False, "第三条", "3000.00"),
        # a lesson taken on day 7: no longer before the first lesson
        (7, 1, 30, False, "第三条", "2900.00"),
        # exactly a third of the lessons taken still refunds the rest; one more gives nothing
        (40, 10, 30, False, "第三条", "2000.00"),
        (40, 11, 30, False, "第四条", "0.00"),
        # a third of 10 lessons is 3.33: 3 taken refunds 70 %, 4 taken nothing
        (40, 3, 10, False, "第三条", "2100.00"),
        (40, 4, 10, False, "第四条", "0.00"),
        # the institution at fault: the lessons not taken, however late and however many were taken
        (200, 20, 30, True, "第一条", "1000.00"),
        (3, 0, 30, True, "第一条", "3000.00"),
        (200, 30, 30, True, "第一条", "0.00"),
        # more lessons recorded than the course has count as all of them
        (40, 31, 30, True, "第一条", "0.00"),
    ],
)
def test_the_published_rules_give_the_right_amount(day, taken, lessons, at_fault, clause, amount):
    quote = refund_quote(
        rules=published_rules(), facts=facts(day=day, taken=taken, lessons=lessons, at_fault=at_fault)
    )

    assert quote.rule.clause == clause
    assert quote.amount == Decimal(amount)
    assert quote.steps[-1] == {"step": "total", "amount": amount}


def test_pro_rata_rounds_to_the_fen():
    quote = refund_quote(rules=published_rules(), facts=facts(day=20, taken=1, lessons=3, paid="100.00"))

    assert quote.amount == Decimal("66.67")  # 100 × 2 ÷ 3 = 66.666…


@pytest.fixture
def rules_with_a_fee():
    policy = RefundPolicy.objects.create(name="含手续费", effective_at="2026-01-01T00:00:00Z")
    RefundRule.objects.create(
        policy=policy,
        position=1,
        clause="1",
        label="7 日内全额",
        within_days=7,
        before_first_lesson=True,
        outcome=Outcome.FULL,
    )
    RefundRule.objects.create(
        policy=policy,
        position=2,
        clause="2",
        label="三分之一内按比例，扣 10%",
        taken_up_to_numerator=1,
        taken_up_to_denominator=3,
        outcome=Outcome.PRO_RATA,
        percent=90,
    )
    return list(policy.rules.order_by("position"))


@pytest.mark.parametrize(
    ("day", "taken", "clause", "amount"),
    [
        (7, 0, "1", "3000.00"),
        (8, 0, "2", "2700.00"),  # the day after the cooling-off week costs the fee
        (8, 10, "2", "1800.00"),  # 3000 × 20 ÷ 30 = 2000, 90 % of it
        (8, 11, None, "0.00"),  # no rule applies
    ],
)
def test_rules_are_data_a_fee_and_no_rule_at_all(rules_with_a_fee, day, taken, clause, amount):
    quote = refund_quote(rules=rules_with_a_fee, facts=facts(day=day, taken=taken))

    assert (quote.rule.clause if quote.rule else None) == clause
    assert quote.amount == Decimal(amount)


def test_the_calculation_reads_step_by_step_in_the_readers_language(settings):
    quote = refund_quote(rules=published_rules(), facts=facts(day=40, taken=10))

    from django.utils import translation

    with translation.override("en"):
        lines = calculation_lines(quote.steps)
    assert lines == [
        "You paid 3000.00 yuan; the day of purchase was 2026-03-02.",
        "Today is day 40 after the day of purchase.",
        "Lessons taken: 10 of the course's 30.",
        "第一条 The institution at fault (a cancelled class, an instructor changed without agreement): the "
        "lessons not taken are refunded: does not apply, because it applies only when the institution is at "
        "fault.",
        "第二条 Within 7 days of purchase and before the first lesson: the full amount: does not apply, "
        "because more than 7 days have passed since the day of purchase.",
        "第三条 Up to a third of the lessons taken: the share of the lessons not taken: applies.",
        "Refund the lessons not yet taken: 3000.00 × (30 − 10) ÷ 30 = 2000.00 yuan.",
        "Amount the rules give: 2000.00 yuan.",
    ]
    with translation.override("zh-hans"):
        assert calculation_lines(quote.steps)[-1] == "按退费规则应退金额：2000.00 元。"
