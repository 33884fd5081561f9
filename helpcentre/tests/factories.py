"""Factories for help articles: ``ArticleFactory(published=True)`` publishes its draft as version 1."""

import factory
from django.contrib.auth.models import Group

from accounts.tests.factories import StaffFactory
from helpcentre.models import Article, Section
from helpcentre.permissions import EDITORS_GROUP


def editor_make(**kwargs):
    """A member of staff in the help centre editors' group."""
    person = StaffFactory(**kwargs)
    person.groups.add(Group.objects.get(name=EDITORS_GROUP))
    return type(person).objects.get(pk=person.pk)


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article
        skip_postgeneration_save = True

    section = factory.LazyFunction(lambda: Section.objects.get(slug="faq"))
    slug = factory.Sequence(lambda n: f"article-{n}")
    draft_title = factory.Sequence(lambda n: f"帮助文章{n}")
    draft_body = "这是一篇帮助文章的正文。"
    draft_title_en = factory.Sequence(lambda n: f"Help article {n}")
    draft_body_en = "The text of a help article."

    class Params:
        published = factory.Trait(
            publish=factory.PostGeneration(lambda article, create, extracted, **kwargs: _publish(article))
        )

    publish = None


def _publish(article: Article) -> None:
    from helpcentre.services import article_publish

    article_publish(article=article, actor=editor_make())
