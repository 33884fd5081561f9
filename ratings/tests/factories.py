"""Factories for the ratings' test subject: a mentor of the tests' own app, and sessions with them."""

import factory

from accounts.tests.factories import LearnerFactory
from core.tests.testapp.models import Mentor, MentorSession


class MentorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Mentor

    name = factory.Sequence(lambda n: f"导师{n}")
    user = None

    class Params:
        # The mentor has an account of their own, which answers their comments in public.
        with_account = factory.Trait(user=factory.SubFactory("accounts.tests.factories.StaffFactory"))


class MentorSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MentorSession

    mentor = factory.SubFactory(MentorFactory)
    learner = factory.SubFactory(LearnerFactory)
