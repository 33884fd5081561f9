"""Factories for the points ledger. Awards written by the factory skip the service: no balance, no reward,
no notice; tests of behaviour award through ``points_award``."""

from decimal import Decimal

import factory
from django.contrib.contenttypes.models import ContentType

from accounts.tests.factories import DepartmentFactory, LearnerFactory
from incentives.models import Award, RewardKind, RewardRule
from incentives.reasons import AwardReason


class RewardRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RewardRule

    kind = RewardKind.COUPON
    every_points = 30
    value = Decimal("50.00")
    description = "感谢券：下次报名立减 50 元"
    description_en = "Thank-you coupon: 50 CNY off your next enrolment"
    valid_days = 180

    class Params:
        discount = factory.Trait(
            kind=RewardKind.DISCOUNT,
            value=Decimal("10.00"),
            description="学习优惠：课程九折",
            description_en="Learning discount: 10% off a course",
        )


class AwardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Award
        exclude = ["earned_for"]

    learner = factory.SubFactory(LearnerFactory)
    points = 10
    reason = AwardReason.SURVEY_ANSWERED
    earned_for = factory.SubFactory(DepartmentFactory)
    source_type = factory.LazyAttribute(lambda o: ContentType.objects.get_for_model(o.earned_for))
    source_id = factory.LazyAttribute(lambda o: o.earned_for.pk)
