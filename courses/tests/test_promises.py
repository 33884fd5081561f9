"""The "as advertised" check: what a course's page promises about its teaching rests on a qualified
instructor who teaches it; one that no longer holds is shown as such, and the learner complains with the form
filled in."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.roles import Role
from accounts.tests.factories import LearnerFactory, StaffFactory
from complaints.models import Complaint
from courses.models import CoursePromise, Instructor
from courses.selectors import course_promises
from courses.services import PromiseInvalid, course_promise_add
from courses.tests.factories import CourseFactory, EnrolmentFactory, InstructorFactory
from qualifications.models import QualificationKind
from qualifications.tests.conftest import TODAY, verified

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(datetime.datetime(2026, 6, 1, 2, 0, tzinfo=datetime.UTC), tick=False)


@pytest.fixture
def editor(db):
    editor = StaffFactory()
    editor.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="courses", codename__in=["change_course"])
    )
    return type(editor).objects.get(pk=editor.pk)


@pytest.fixture
def famous(db):
    """An instructor with a verified teaching certificate that lapses in 10 days, teaching one course."""
    teacher = InstructorFactory(name="张名师", user=StaffFactory(roles=[Role.INSTRUCTOR]))
    kind = QualificationKind.objects.get(
        holder_type=ContentType.objects.get_for_model(Instructor), code="teaching_certificate"
    )
    verified(
        teacher,
        kind,
        reviewer=StaffFactory(roles=[Role.MANAGER]),
        valid_until=TODAY + datetime.timedelta(days=10),
    )
    return teacher


@pytest.fixture
def course(famous):
    course = CourseFactory(title="高级财务会计")
    course.instructors.add(famous)
    return course


def test_a_promise_rests_on_a_qualified_instructor_who_teaches_the_course(course, famous, editor):
    promise = course_promise_add(course=course, instructor=famous, claim=" 名师授课 ", actor=editor)

    assert promise.claim == "名师授课"
    assert [p.holds for p in course_promises([course.pk])[course.pk]] == [True]


@pytest.mark.parametrize(
    "case, field",
    [("not teaching", "instructor"), ("not qualified", "instructor"), ("no words", "claim")],
)
def test_a_promise_that_cannot_hold_is_refused(course, famous, editor, case, field):
    instructor, claim = famous, "名师授课"
    if case == "not teaching":
        instructor = InstructorFactory()
    elif case == "not qualified":
        instructor = InstructorFactory()
        course.instructors.add(instructor)
    else:
        claim = "  "

    with pytest.raises(PromiseInvalid) as refused:
        course_promise_add(course=course, instructor=instructor, claim=claim, actor=editor)

    assert refused.value.field == field
    assert not CoursePromise.objects.exists()


def test_a_promise_stops_holding_when_the_certificate_lapses_or_the_teacher_leaves(
    course, famous, editor, time_machine
):
    course_promise_add(course=course, instructor=famous, claim="名师授课", actor=editor)
    time_machine.move_to(datetime.datetime(2026, 6, 20, 2, 0, tzinfo=datetime.UTC), tick=False)
    assert [p.holds for p in course_promises([course.pk])[course.pk]] == [False]

    time_machine.move_to(datetime.datetime(2026, 6, 2, 2, 0, tzinfo=datetime.UTC), tick=False)
    assert [p.holds for p in course_promises([course.pk])[course.pk]] == [True]
    course.instructors.remove(famous)
    assert [p.holds for p in course_promises([course.pk])[course.pk]] == [False]


def test_the_promises_of_many_courses_cost_one_query(course, famous, editor):
    courses = [course]
    for _ in range(4):
        other = CourseFactory()
        other.instructors.add(famous)
        course_promise_add(course=other, instructor=famous, claim="名师授课", actor=editor)
        courses.append(other)

    with CaptureQueriesContext(connection) as queries:
        promises = course_promises([c.pk for c in courses])

    assert len(queries.captured_queries) == 1
    assert sum(len(rows) for rows in promises.values()) == 4


def test_the_learner_sees_the_promise_and_complains_with_the_form_filled_in(
    course, famous, editor, time_machine
):
    promise = course_promise_add(course=course, instructor=famous, claim="名师授课", actor=editor)
    learner = LearnerFactory()
    EnrolmentFactory(learner=learner, course=course)
    time_machine.move_to(datetime.datetime(2026, 6, 20, 2, 0, tzinfo=datetime.UTC), tick=False)  # lapsed
    client = Client()
    client.force_login(learner)

    courses_page = client.get("/refunds/courses/").content.decode()
    form = client.get(f"/complaints/new/?from=promise&ref={promise.pk}").context["form"]
    filed = client.post(
        "/complaints/new/",
        {
            "category": form.initial["category"],
            "course": form.initial["course"],
            "instructor": form.initial["instructor"],
            "title": form.initial["title"],
            "description": form.initial["description"] + "授课的是助教。",
        },
    )

    assert "名师授课" in courses_page and "badge-overdue" in courses_page
    assert f"?from=promise&amp;ref={promise.pk}" in courses_page
    assert form.fields["category"].queryset.get(pk=form.initial["category"]).code == "not_as_advertised"
    assert (form.initial["course"], form.initial["instructor"]) == (course.pk, famous.pk)
    assert "名师授课" in form.initial["description"]
    assert filed.status_code == 302
    complaint = Complaint.objects.get()
    assert (complaint.category.code, complaint.subject_course, complaint.subject_instructor) == (
        "not_as_advertised",
        course,
        famous,
    )


def test_a_promise_of_a_course_one_is_not_enrolled_in_fills_nothing(course, famous, editor):
    promise = course_promise_add(course=course, instructor=famous, claim="名师授课", actor=editor)
    client = Client()
    client.force_login(LearnerFactory())

    assert client.get(f"/complaints/new/?from=promise&ref={promise.pk}").status_code == 404
    assert client.get("/complaints/new/?from=promise&ref=x").status_code == 404
