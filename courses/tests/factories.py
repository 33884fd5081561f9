import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from accounts.tests.factories import DepartmentFactory, LearnerFactory
from courses.models import Course, Enrolment, Instructor, SchoolClass, Term, UpdateSuggestion
from courses.suggestions.models import Kind


class InstructorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Instructor

    name = factory.Sequence(lambda n: f"老师{n}")
    department = factory.SubFactory(DepartmentFactory)


class CourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Course
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"C-{n:03d}")
    title = factory.Sequence(lambda n: f"课程{n}")
    department = factory.SubFactory(DepartmentFactory)
    price = Decimal("2000.00")


class EnrolmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrolment

    learner = factory.SubFactory(LearnerFactory)
    course = factory.SubFactory(CourseFactory)
    start_date = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=30))
    valid_until = factory.LazyAttribute(lambda enrolment: enrolment.start_date + datetime.timedelta(days=365))
    amount_paid = factory.LazyAttribute(lambda enrolment: enrolment.course.price)


class TermFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Term
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"{2000 + n}年秋季学期")
    starts_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=30))
    ends_on = factory.LazyAttribute(lambda term: term.starts_on + datetime.timedelta(days=140))


class SchoolClassFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SchoolClass
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"班级{n}")
    department = factory.SubFactory(DepartmentFactory)


class CompletedEnrolmentFactory(EnrolmentFactory):
    """An enrolment whose learner has taken every lesson of the course."""

    lessons_taken = factory.LazyAttribute(lambda enrolment: enrolment.course.lesson_count)


class UpdateSuggestionFactory(factory.django.DjangoModelFactory):
    """A suggestion proposed through the service, by a learner of the course (made for it if not given)."""

    class Meta:
        model = UpdateSuggestion

    course = factory.SubFactory(CourseFactory)
    kind = Kind.OUTDATED
    text = "第三章的软件截图还是旧版本。"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        from courses.suggestions.services import suggestion_propose

        course = kwargs.pop("course")
        proposer = kwargs.pop("proposer", None) or EnrolmentFactory(course=course).learner
        return suggestion_propose(course=course, actor=proposer, **kwargs)
