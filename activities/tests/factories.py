"""Factories for activities; written directly, as a fixture would (no events, no notices)."""

import datetime

import factory
from django.utils import timezone

from accounts.roles import Role
from accounts.tests.factories import LearnerFactory, StaffFactory
from activities.models import Activity, Kind, Registration, RegistrationStatus, State

DAY = datetime.timedelta(days=1)


class ActivityFactory(factory.django.DjangoModelFactory):
    """A published on-site activity a week ahead, open for registration now."""

    class Meta:
        model = Activity

    class Params:
        online = factory.Trait(kind=Kind.ONLINE, place="", link="https://meeting.example.edu.cn/j/1")
        draft = factory.Trait(state=State.DRAFT)

    title = factory.Sequence(lambda n: f"权益知识讲座 {n}")
    description = "讲解学员在培训消费中的权利，以及投诉与退费的途径。"
    kind = Kind.ON_SITE
    place = "教学楼 A 座 201"
    link = ""
    starts_at = factory.LazyFunction(lambda: timezone.now() + 7 * DAY)
    ends_at = factory.LazyAttribute(lambda a: a.starts_at + datetime.timedelta(hours=2))
    capacity = 10
    registration_opens_at = factory.LazyFunction(lambda: timezone.now() - DAY)
    registration_closes_at = factory.LazyAttribute(lambda a: a.starts_at - datetime.timedelta(hours=1))
    state = State.PUBLISHED
    organiser = factory.SubFactory(StaffFactory, roles=[Role.AGENT])


class RegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Registration

    activity = factory.SubFactory(ActivityFactory)
    person = factory.SubFactory(LearnerFactory)
    status = RegistrationStatus.REGISTERED
