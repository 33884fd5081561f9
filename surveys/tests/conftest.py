import pytest

from accounts.roles import Role
from accounts.tests.factories import LearnerFactory, StaffFactory
from courses.tests.factories import (
    CourseFactory,
    EnrolmentFactory,
    InstructorFactory,
    SchoolClassFactory,
    TermFactory,
)
from surveys.services import survey_open

from .factories import QuestionFactory, QuestionnaireFactory, SurveyFactory


@pytest.fixture
def manager():
    return StaffFactory(roles=[Role.MANAGER])


@pytest.fixture
def world(manager):
    """A co-taught course and a second course in one term; five learners in class A, one of them also in the
    second course; a learner of another term; a draft survey of the co-taught course."""
    term = TermFactory()
    teachers = [InstructorFactory(user=StaffFactory(roles=[Role.INSTRUCTOR])) for _ in range(2)]
    course = CourseFactory()
    course.instructors.set(teachers)
    other_course = CourseFactory()
    klass = SchoolClassFactory()
    learners = [LearnerFactory() for _ in range(5)]
    for learner in learners:
        EnrolmentFactory(learner=learner, course=course, term=term, school_class=klass)
    EnrolmentFactory(learner=learners[0], course=other_course, term=term, school_class=klass)
    outsider = LearnerFactory()
    EnrolmentFactory(learner=outsider, course=course, term=TermFactory())
    questionnaire = QuestionnaireFactory()
    likert = QuestionFactory(questionnaire=questionnaire, text="课程内容清楚")
    per_teacher = QuestionFactory(questionnaire=questionnaire, text="老师讲解清楚", per_instructor=True)
    single = QuestionFactory(questionnaire=questionnaire, single=True)
    text = QuestionFactory(questionnaire=questionnaire, free_text=True)
    survey = SurveyFactory(questionnaire=questionnaire, term=term, courses=[course])
    return {
        "term": term,
        "teachers": teachers,
        "course": course,
        "other_course": other_course,
        "class": klass,
        "learners": learners,
        "outsider": outsider,
        "survey": survey,
        "questions": {"likert": likert, "per_teacher": per_teacher, "single": single, "text": text},
        "manager": manager,
    }


@pytest.fixture
def opened(world):
    world["survey"] = survey_open(survey=world["survey"], actor=world["manager"])
    return world


def full_answers(world, *, score=4, text="讲得很好"):
    q = world["questions"]
    a, b = world["teachers"]
    return {
        f"q{q['likert'].pk}": score,
        f"q{q['per_teacher'].pk}_i{a.pk}": score,
        f"q{q['per_teacher'].pk}_i{b.pk}": 5,
        f"q{q['single'].pk}": 0,
        f"q{q['text'].pk}": text,
    }
