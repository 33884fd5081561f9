"""Demo reward rules: a thank-you coupon every 20 points and a learning discount every 100. Safe to run again.

The demo's points themselves are earned in the demos of the apps that award them (reviews thanks the
learners whose opinions it gathered).
"""

from decimal import Decimal

from .models import RewardKind, RewardRule

COUPON_EN = "Thank-you coupon: 50 CNY off your next enrolment"
DISCOUNT_EN = "Learning discount: 10% off a course"
RULES = [
    (RewardKind.COUPON, 20, Decimal("50.00"), "感谢券：下次报名立减 50 元", COUPON_EN, 180),
    (RewardKind.DISCOUNT, 100, Decimal("10.00"), "学习优惠：任选课程九折", DISCOUNT_EN, 365),
]


def demo_seed(*, password: str) -> None:
    for kind, every_points, value, description, description_en, valid_days in RULES:
        RewardRule.objects.get_or_create(
            kind=kind,
            every_points=every_points,
            defaults={
                "value": value,
                "description": description,
                "description_en": description_en,
                "valid_days": valid_days,
            },
        )
