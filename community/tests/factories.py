"""Factories for the community; rows are written directly, as a fixture would (no screening, no notices)."""

import factory

from accounts.tests.factories import LearnerFactory
from community.models import Board, Post, Reply


class PostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Post

    board = factory.LazyFunction(lambda: Board.objects.get(slug="experience"))
    author = factory.SubFactory(LearnerFactory)
    title = factory.Sequence(lambda n: f"学习心得{n}")
    body = factory.Sequence(lambda n: f"每天坚持复习三十分钟，第{n}周效果明显。")

    class Params:
        hidden = factory.Trait(is_hidden=True)


class ReplyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Reply

    post = factory.SubFactory(PostFactory)
    author = factory.SubFactory(LearnerFactory)
    body = factory.Sequence(lambda n: f"谢谢分享，第{n}条回复。")
