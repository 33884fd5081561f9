"""Work out the refund a policy gives: the first rule whose conditions hold, and every step of the sum.

Pure arithmetic on the facts of one enrolment, no database: the request form, the API's quote, the filing
service and the staff's decision all call ``refund_quote``. The steps are kept as data (a code and its values,
amounts as strings) on the request, and read out in the reader's language by ``calculation_lines``.
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils import translation
from django.utils.translation import gettext

from .models import Outcome, RefundRule

CENT = Decimal("0.01")


@dataclass(frozen=True)
class RefundFacts:
    """What the rules look at: what was paid and when, the lessons, whether the institution is at fault."""

    amount_paid: Decimal
    purchased_on: datetime.date
    today: datetime.date
    lesson_count: int
    lessons_taken: int
    institution_at_fault: bool = False

    @property
    def days_since_purchase(self) -> int:
        """Whole days after the day of purchase: 0 on that day, 7 a week later."""
        return (self.today - self.purchased_on).days

    @property
    def lessons_counted(self) -> int:
        return max(0, min(self.lessons_taken, self.lesson_count))

    def as_data(self) -> dict:
        """The facts as JSON, kept with a request so that a decision reads what the learner was shown."""
        return {
            "amount_paid": _money(self.amount_paid),
            "purchased_on": self.purchased_on.isoformat(),
            "today": self.today.isoformat(),
            "lesson_count": self.lesson_count,
            "lessons_taken": self.lessons_taken,
            "institution_at_fault": self.institution_at_fault,
        }

    @classmethod
    def from_data(cls, data: dict, **changes) -> "RefundFacts":
        values = {
            "amount_paid": Decimal(data["amount_paid"]),
            "purchased_on": datetime.date.fromisoformat(data["purchased_on"]),
            "today": datetime.date.fromisoformat(data["today"]),
            "lesson_count": data["lesson_count"],
            "lessons_taken": data["lessons_taken"],
            "institution_at_fault": data["institution_at_fault"],
        }
        return cls(**{**values, **changes})


@dataclass(frozen=True)
class RefundQuote:
    amount: Decimal
    rule: RefundRule | None
    facts: RefundFacts
    steps: list[dict] = field(default_factory=list)

    def as_data(self) -> dict:
        """The calculation kept on a request: the facts it read and its steps."""
        return {"facts": self.facts.as_data(), "steps": self.steps}


def _money(value: Decimal) -> str:
    return f"{value.quantize(CENT):.2f}"


def _rule_names(rule: RefundRule) -> dict:
    return {"clause": rule.clause, "label": rule.label, "label_en": rule.label_en or rule.label}


def rule_refusal(rule: RefundRule, facts: RefundFacts) -> str | None:
    """The first condition of the rule that the facts break (a code), or None when the rule applies."""
    if rule.at_fault_only and not facts.institution_at_fault:
        return "not_at_fault"
    if rule.within_days is not None and facts.days_since_purchase > rule.within_days:
        return "too_late"
    if rule.before_first_lesson and facts.lessons_counted > 0:
        return "lessons_started"
    # taken / count <= numerator / denominator, in whole numbers so that a third stays exact.
    if rule.taken_up_to_denominator and (
        facts.lessons_counted * rule.taken_up_to_denominator > rule.taken_up_to_numerator * facts.lesson_count
    ):
        return "too_many_lessons"
    return None


def refund_quote(*, rules: Sequence[RefundRule], facts: RefundFacts) -> RefundQuote:
    """Return the amount the rules give for these facts, the rule that gives it, and the steps."""
    steps: list[dict] = [
        {"step": "paid", "paid": _money(facts.amount_paid), "date": facts.purchased_on.isoformat()},
        {"step": "days", "days": facts.days_since_purchase},
        {"step": "lessons", "taken": facts.lessons_counted, "count": facts.lesson_count},
    ]
    if facts.institution_at_fault:
        steps.append({"step": "at_fault"})
    for rule in rules:
        refusal = rule_refusal(rule, facts)
        if refusal is not None:
            steps.append({"step": "rule_skipped", "why": refusal, **_rule_names(rule), **_limits(rule)})
            continue
        steps.append({"step": "rule_applies", **_rule_names(rule)})
        amount = _outcome(rule, facts, steps)
        steps.append({"step": "total", "amount": _money(amount)})
        return RefundQuote(amount=amount, rule=rule, facts=facts, steps=steps)
    steps.append({"step": "no_rule"})
    steps.append({"step": "total", "amount": _money(Decimal("0"))})
    return RefundQuote(amount=Decimal("0.00"), rule=None, facts=facts, steps=steps)


def _limits(rule: RefundRule) -> dict:
    return {
        "within_days": rule.within_days,
        "numerator": rule.taken_up_to_numerator,
        "denominator": rule.taken_up_to_denominator,
    }


def _outcome(rule: RefundRule, facts: RefundFacts, steps: list[dict]) -> Decimal:
    paid = facts.amount_paid.quantize(CENT)
    if rule.outcome == Outcome.NONE:
        steps.append({"step": "none"})
        return Decimal("0.00")
    if rule.outcome == Outcome.FULL:
        base = paid
        steps.append({"step": "full", "paid": _money(paid)})
    else:
        left = facts.lesson_count - facts.lessons_counted
        base = (paid * left / facts.lesson_count).quantize(CENT, rounding=ROUND_HALF_UP)
        steps.append(
            {
                "step": "pro_rata",
                "paid": _money(paid),
                "count": facts.lesson_count,
                "taken": facts.lessons_counted,
                "base": _money(base),
            }
        )
    if rule.percent == 100:
        return base
    amount = (base * rule.percent / 100).quantize(CENT, rounding=ROUND_HALF_UP)
    steps.append({"step": "percent", "percent": rule.percent, "base": _money(base), "amount": _money(amount)})
    return amount


def _why(step: dict) -> str:
    why = step["why"]
    if why == "not_at_fault":
        return gettext("it applies only when the institution is at fault")
    if why == "too_late":
        return gettext("more than %(days)d days have passed since the day of purchase") % {
            "days": step["within_days"]
        }
    if why == "lessons_started":
        return gettext("a lesson has already been taken")
    return gettext("more than %(numerator)d/%(denominator)d of the lessons have been taken") % {
        "numerator": step["numerator"],
        "denominator": step["denominator"],
    }


def calculation_lines(steps: Sequence[dict]) -> list[str]:
    """Read a calculation's steps out in the current language, one sentence each."""
    english = (translation.get_language() or "").startswith("en")
    lines = []
    for step in steps:
        kind = step["step"]
        name = f"{step.get('clause', '')} {step.get('label_en' if english else 'label', '')}".strip()
        if kind == "paid":
            line = gettext("You paid %(paid)s yuan; the day of purchase was %(date)s.") % step
        elif kind == "days":
            line = gettext("Today is day %(days)d after the day of purchase.") % step
        elif kind == "lessons":
            line = gettext("Lessons taken: %(taken)d of the course's %(count)d.") % step
        elif kind == "at_fault":
            line = gettext("The institution is taken to be at fault.")
        elif kind == "rule_skipped":
            line = gettext("%(rule)s: does not apply, because %(why)s.") % {"rule": name, "why": _why(step)}
        elif kind == "rule_applies":
            line = gettext("%(rule)s: applies.") % {"rule": name}
        elif kind == "full":
            line = gettext("Refund the amount paid: %(paid)s yuan.") % step
        elif kind == "pro_rata":
            line = (
                gettext(
                    "Refund the lessons not yet taken: %(paid)s × (%(count)d − %(taken)d) ÷ %(count)d = "
                    "%(base)s yuan."
                )
                % step
            )
        elif kind == "percent":
            line = gettext("%(percent)d%% of %(base)s yuan = %(amount)s yuan.") % step
        elif kind == "none":
            line = gettext("This rule gives no refund.")
        elif kind == "no_rule":
            line = gettext("No rule applies: no refund.")
        elif kind == "total":
            line = gettext("Amount the rules give: %(amount)s yuan.") % step
        else:
            continue
        lines.append(line)
    return lines
