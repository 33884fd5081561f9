"""Factories for reviews; they write rows directly (no figures, no notices), as a fixture would."""

import datetime

import factory
from django.utils import timezone

from accounts.roles import Role
from accounts.tests.factories import StaffFactory, with_default_roles
from reviews.models import Review, ReviewDecision, ReviewKind, ReviewSchedule, RightsMeasure


class ManagerFactory(StaffFactory):
    roles = with_default_roles(Role.MANAGER)


class RightsMeasureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RightsMeasure
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"measure-{n}")
    name = factory.Sequence(lambda n: f"权益措施{n}")
    name_en = factory.Sequence(lambda n: f"Rights measure {n}")
    responsible = factory.SubFactory(ManagerFactory)


class ReviewScheduleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReviewSchedule

    kind = ReviewKind.PROCESS
    interval_months = 6
    first_due_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=30))
    remind_days_before = 14

    class Params:
        evaluation = factory.Trait(kind=ReviewKind.MEASURE, measure=factory.SubFactory(RightsMeasureFactory))


class ReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Review

    kind = ReviewKind.PROCESS
    responsible = factory.SubFactory(ManagerFactory)
    created_by = factory.SelfAttribute("responsible")
    held_on = factory.LazyFunction(timezone.localdate)
    period_start = factory.LazyAttribute(lambda o: o.held_on - datetime.timedelta(days=182))
    period_end = factory.LazyAttribute(lambda o: o.held_on - datetime.timedelta(days=1))
    findings = "反馈处理时效整体达标，个别课程反馈回复偏慢。"


class ReviewDecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReviewDecision

    review = factory.SubFactory(ReviewFactory)
    change = "反馈回复时限由 5 个工作日缩短为 3 个工作日。"
    owner = factory.SubFactory(StaffFactory)
    due_date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=30))
    created_by = factory.SelfAttribute("review.responsible")
