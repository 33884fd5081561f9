import pytest

from accounts.roles import Role
from accounts.tests.factories import DepartmentFactory, LearnerFactory, StaffFactory, UserFactory
from courses.tests.factories import CourseFactory, InstructorFactory
from feedback.models import FeedbackCategory
from feedback.services import Subject
from surveys.tests.conftest import manager, opened, world  # noqa: F401  (a term survey, for its channel)


@pytest.fixture
def department():
    return DepartmentFactory()


@pytest.fixture
def supervisor(department):
    person = StaffFactory(roles=[Role.SUPERVISOR], department=department)
    department.supervisor = person
    department.save(update_fields=["supervisor"])
    return person


@pytest.fixture
def agent(department):
    return StaffFactory(department=department)


@pytest.fixture
def leader():
    return UserFactory(roles=[Role.LEADERSHIP])


@pytest.fixture
def learner():
    return LearnerFactory()


@pytest.fixture
def course(department):
    course = CourseFactory(department=department)
    course.instructors.add(InstructorFactory(department=department))
    return course


@pytest.fixture
def subject(course):
    return Subject(category=FeedbackCategory.objects.get(code="course_content"), course=course)
