import datetime

import factory
from django.utils import timezone

from courses.tests.factories import CourseFactory, TermFactory
from surveys.models import Purpose, Question, Questionnaire, Survey


class QuestionnaireFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Questionnaire

    title = factory.Sequence(lambda n: f"学期评教问卷{n}")


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    questionnaire = factory.SubFactory(QuestionnaireFactory)
    position = factory.Sequence(lambda n: n + 1)
    kind = Question.Kind.LIKERT
    text = factory.Sequence(lambda n: f"问题{n}")

    class Params:
        single = factory.Trait(kind=Question.Kind.SINGLE, choices=["很好", "一般", "较差"])
        multiple = factory.Trait(kind=Question.Kind.MULTIPLE, choices=["讲解", "作业", "答疑"])
        free_text = factory.Trait(kind=Question.Kind.TEXT, is_required=False)


class SurveyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Survey
        skip_postgeneration_save = True

    reference = factory.Sequence(lambda n: f"WJ-2026-{n:06d}")
    title = factory.Sequence(lambda n: f"期末评教{n}")
    questionnaire = factory.SubFactory(QuestionnaireFactory)
    term = factory.SubFactory(TermFactory)
    opens_on = factory.LazyFunction(timezone.localdate)
    closes_on = factory.LazyAttribute(lambda survey: survey.opens_on + datetime.timedelta(days=14))

    class Params:
        # An opinion survey: no term, no course; ``invitees=[...]`` and the invite flags choose its people.
        opinions = factory.Trait(
            purpose=Purpose.OPINIONS, term=None, title=factory.Sequence(lambda n: f"意见征集{n}")
        )

    @factory.post_generation
    def courses(self, create, extracted, **kwargs):
        if not create:
            return
        if extracted is not None:
            self.courses.set(extracted)
        elif self.purpose == Purpose.TERM:
            self.courses.set([CourseFactory()])

    @factory.post_generation
    def invitees(self, create, extracted, **kwargs):
        if create and extracted:
            self.invitees.set(extracted)
