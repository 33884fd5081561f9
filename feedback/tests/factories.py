"""Factories for feedback; items are written directly, as a fixture would (no events, no notices)."""

import factory
from django.db import transaction
from django.utils import timezone

from accounts.tests.factories import LearnerFactory
from core.references import reference_allocate
from feedback.models import REFERENCE_PREFIX, Channel, FeedbackCategory, FeedbackItem


class FeedbackCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FeedbackCategory
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"category-{n}")
    name = factory.Sequence(lambda n: f"反馈类别{n}")


def _reference(_item) -> str:
    with transaction.atomic():
        return reference_allocate(prefix=REFERENCE_PREFIX, year=timezone.localdate().year)


class FeedbackItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FeedbackItem

    reference = factory.LazyAttribute(_reference)
    channel = Channel.ONLINE
    category = factory.LazyFunction(lambda: FeedbackCategory.objects.get(code="course_content"))
    text = factory.Sequence(lambda n: f"建议{n}：课程资料可以更新得更及时。")
    learner = factory.SubFactory(LearnerFactory)
