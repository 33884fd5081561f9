"""Instructor vetting (师资审核): a verified, valid teaching certificate before a course is assigned, a
lapse flagged on the courses taught, reminders before it lapses; in the services and the admin."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from accounts.roles import Role
from accounts.tests.factories import StaffFactory
from courses.models import Course, Instructor
from courses.services import InstructorNotQualified, course_instructors_set
from courses.tests.factories import CourseFactory, InstructorFactory
from notifications.models import Notification
from qualifications.models import QualificationKind
from qualifications.services import qualification_reminders_send
from qualifications.tests.conftest import TODAY, submit, verified

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(datetime.datetime(2026, 6, 1, 10, 0, tzinfo=datetime.UTC), tick=False)


@pytest.fixture
def teaching_certificate(db):
    return QualificationKind.objects.get(
        holder_type=ContentType.objects.get_for_model(Instructor), code="teaching_certificate"
    )


@pytest.fixture
def manager(db):
    return StaffFactory(roles=[Role.MANAGER])  # the managers' role vets qualifications and edits courses


@pytest.fixture
def course_editor(db):
    from django.contrib.auth.models import Permission

    editor = StaffFactory()
    editor.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="courses",
            codename__in=["change_course", "view_course", "view_instructor"],
        )
    )
    return type(editor).objects.get(pk=editor.pk)


def _teacher(*, account=True) -> Instructor:
    return InstructorFactory(user=StaffFactory(roles=[Role.INSTRUCTOR]) if account else None)


def test_the_seeded_kinds_require_a_teaching_certificate_only(teaching_certificate):
    kinds = QualificationKind.objects.filter(holder_type=teaching_certificate.holder_type)
    assert {(k.code, k.required) for k in kinds} == {
        ("teaching_certificate", True),
        ("professional_certificate", False),
        ("degree", False),
        ("work_history", False),
    }


def test_a_qualified_instructor_is_assigned(teaching_certificate, manager, course_editor):
    teacher = _teacher()
    verified(teacher, teaching_certificate, reviewer=manager)
    course = CourseFactory()

    course_instructors_set(course=course, instructors=[teacher], actor=course_editor)

    assert list(course.instructors.all()) == [teacher]


def test_an_unvetted_instructor_is_refused_and_nothing_changes(teaching_certificate, course_editor):
    teacher = _teacher()
    submit(teacher, teaching_certificate, actor=teacher.user)  # submitted, not yet verified
    course = CourseFactory()

    with pytest.raises(InstructorNotQualified) as refused:
        course_instructors_set(course=course, instructors=[teacher], actor=course_editor)

    assert refused.value.field == "instructors" and teacher.name in str(refused.value.message)
    assert not course.instructors.exists()


def test_a_lapsed_instructor_stays_on_their_course_flagged_but_cannot_be_assigned_anew(
    teaching_certificate, manager, course_editor, time_machine, client
):
    teacher = _teacher()
    verified(teacher, teaching_certificate, reviewer=manager, valid_until=TODAY + datetime.timedelta(days=5))
    taught, other = CourseFactory(), CourseFactory()
    course_instructors_set(course=taught, instructors=[teacher], actor=course_editor)
    time_machine.move_to(datetime.datetime(2026, 6, 7, 10, 0, tzinfo=datetime.UTC), tick=False)

    with pytest.raises(InstructorNotQualified):
        course_instructors_set(course=other, instructors=[teacher], actor=course_editor)
    course_instructors_set(course=taught, instructors=[teacher], actor=course_editor)  # kept where teaching

    assert list(taught.instructors.all()) == [teacher] and not other.instructors.exists()
    flags = dict(
        Course.objects.annotate(**_flag()).filter(pk__in=[taught.pk, other.pk]).values_list("pk", "flag")
    )
    assert flags == {taught.pk: False, other.pk: True}


def _flag():
    from django.db.models import Exists, OuterRef

    from qualifications.selectors import qualified_flag

    unqualified = Instructor.objects.filter(courses=OuterRef("pk")).exclude(qualified_flag(Instructor))
    return {"flag": ~Exists(unqualified)}


def test_the_admin_refuses_an_unqualified_instructor_at_the_field_and_flags_the_lists(
    client, teaching_certificate, manager, course_editor
):
    teacher, qualified_teacher = _teacher(), _teacher()
    verified(qualified_teacher, teaching_certificate, reviewer=manager)
    course = CourseFactory()
    course.instructors.add(teacher)  # taught before vetting began
    client.force_login(course_editor)

    refused = client.post(
        reverse("admin:courses_course_change", args=[course.pk]),
        {
            "code": course.code,
            "title": course.title,
            "description": "",
            "department": course.department_id,
            "instructors": [teacher.pk, _teacher().pk],
            "price": "2000.00",
            "is_active": "on",
        },
    )
    courses = client.get(reverse("admin:courses_course_changelist"))
    instructors = client.get(reverse("admin:courses_instructor_changelist"))

    assert refused.status_code == 200
    assert [e.code for e in refused.context["adminform"].form.errors.as_data()["instructors"]] == [
        "instructor_not_qualified"
    ]
    assert list(course.instructors.all()) == [teacher]
    assert courses.content.decode().count("badge-overdue") == 1  # the course taught by an unvetted teacher
    assert instructors.content.decode().count("badge-overdue") == 2  # the two without a certificate
    assert instructors.content.decode().count("badge-verified") == 1


def test_the_instructor_and_the_reviewers_are_reminded_once_per_threshold(teaching_certificate, manager):
    teacher = _teacher()
    verified(teacher, teaching_certificate, reviewer=manager, valid_until=TODAY + datetime.timedelta(days=90))

    assert qualification_reminders_send(today=TODAY) == 1
    assert qualification_reminders_send(today=TODAY) == 0
    assert qualification_reminders_send(today=TODAY + datetime.timedelta(days=30)) == 1
    assert qualification_reminders_send(today=TODAY + datetime.timedelta(days=60)) == 1

    told = Notification.objects.filter(recipient=teacher.user, kind="qualification_lapsing", channel="in_app")
    assert told.count() == 3
    assert (
        Notification.objects.filter(
            recipient=manager, kind="qualification_lapsing_reviewers", channel="in_app"
        ).count()
        == 3
    )
