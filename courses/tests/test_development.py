"""Training and assessment (培训与考核): records per instructor, periodic requirements with their due dates,
and the managers' page of who is overdue."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.roles import Role
from accounts.tests.factories import StaffFactory
from core.errors import NotAllowed
from courses.models import DevelopmentKind, DevelopmentRecord, DevelopmentRequirement
from courses.selectors import development_due, months_after
from courses.services import DevelopmentRecordInvalid, development_record_add
from courses.tests.factories import InstructorFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 6, 1)


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(datetime.datetime(2026, 6, 1, 2, 0, tzinfo=datetime.UTC), tick=False)


@pytest.fixture
def manager(db):
    return StaffFactory(roles=[Role.MANAGER])


@pytest.fixture
def ethics(db):
    return DevelopmentRequirement.objects.get(name="师德师风培训")


@pytest.fixture
def assessment(db):
    return DevelopmentRequirement.objects.get(name="教学能力考核")


def _record(instructor, requirement, *, held_on, result=None, actor):
    return development_record_add(
        instructor=instructor,
        actor=actor,
        requirement=requirement,
        kind=requirement.kind,
        title=str(requirement),
        held_on=held_on,
        hours=None,
        result=result or ("attended" if requirement.kind == DevelopmentKind.TRAINING else "passed"),
        score=None,
        notes="",
    )


@pytest.mark.parametrize(
    "day, months, expected",
    [
        (datetime.date(2026, 1, 31), 1, datetime.date(2026, 2, 28)),
        (datetime.date(2024, 1, 31), 1, datetime.date(2024, 2, 29)),
        (datetime.date(2025, 6, 1), 12, datetime.date(2026, 6, 1)),
        (datetime.date(2025, 11, 30), 3, datetime.date(2026, 2, 28)),
    ],
)
def test_months_after_keeps_the_day_or_the_months_last(day, months, expected):
    assert months_after(day, months) == expected


def test_who_is_due_overdue_or_never_met(manager, ethics, assessment):
    _never, overdue, soon, fine = (InstructorFactory(name=n) for n in ("甲", "乙", "丙", "丁"))
    for instructor in (overdue, soon, fine):
        _record(instructor, assessment, held_on=TODAY - datetime.timedelta(days=10), actor=manager)
    _record(overdue, ethics, held_on=datetime.date(2025, 5, 20), actor=manager)  # due 2026-05-20
    _record(soon, ethics, held_on=datetime.date(2025, 6, 20), actor=manager)  # due 2026-06-20
    _record(fine, ethics, held_on=datetime.date(2026, 3, 1), actor=manager)
    _record(fine, ethics, held_on=datetime.date(2025, 1, 1), actor=manager)  # an older one does not count

    due = {(item.instructor.name, item.requirement.name): item for item in development_due(today=TODAY)}

    assert set(due) == {
        ("甲", "师德师风培训"),
        ("甲", "教学能力考核"),
        ("乙", "师德师风培训"),
        ("丙", "师德师风培训"),
    }
    assert due[("乙", "师德师风培训")].is_overdue(TODAY) and due[("甲", "教学能力考核")].is_overdue(TODAY)
    assert not due[("丙", "师德师风培训")].is_overdue(TODAY)
    assert due[("丙", "师德师风培训")].days_left(TODAY) == 19


def test_a_failed_assessment_does_not_meet_the_requirement(manager, assessment, ethics):
    instructor = InstructorFactory()
    _record(instructor, ethics, held_on=TODAY, actor=manager)
    _record(instructor, assessment, held_on=TODAY, result="failed", actor=manager)

    assert [(item.requirement, item.last_done) for item in development_due(today=TODAY)] == [
        (assessment, None)
    ]


def test_the_list_costs_two_queries_whatever_the_number_of_instructors(manager, ethics):
    for _ in range(3):
        InstructorFactory()
    with CaptureQueriesContext(connection) as three:
        development_due(today=TODAY)
    for _ in range(9):
        _record(InstructorFactory(), ethics, held_on=TODAY, actor=manager)
    with CaptureQueriesContext(connection) as twelve:
        development_due(today=TODAY)

    assert len(three.captured_queries) == len(twelve.captured_queries) == 2


@pytest.mark.parametrize(
    "change, field",
    [
        ({"result": "passed"}, "result"),  # a training is attended
        ({"kind": "assessment", "result": "passed"}, "requirement"),  # the ethics requirement is a training
        ({"held_on": TODAY + datetime.timedelta(days=1)}, "held_on"),
    ],
)
def test_a_record_that_does_not_fit_is_refused_at_its_field(manager, ethics, change, field):
    instructor = InstructorFactory()
    arguments = {
        "requirement": ethics,
        "kind": "training",
        "title": "师德",
        "held_on": TODAY,
        "hours": None,
        "result": "attended",
        "score": None,
        "notes": "",
        **change,
    }
    with pytest.raises(DevelopmentRecordInvalid) as refused:
        development_record_add(instructor=instructor, actor=manager, **arguments)
    assert refused.value.field == field
    assert not DevelopmentRecord.objects.exists()


def test_only_those_allowed_record(ethics):
    with pytest.raises(NotAllowed):
        _record(InstructorFactory(), ethics, held_on=TODAY, actor=StaffFactory())
    assert not DevelopmentRecord.objects.exists()


def test_the_manager_reads_who_is_overdue_and_records_a_training_in_the_admin(client, manager, ethics):
    instructor = InstructorFactory(name="王老师")
    client.force_login(manager)

    due = client.get(reverse("admin:courses_developmentrecord_due"))
    added = client.post(
        reverse("admin:courses_developmentrecord_add"),
        {
            "instructor": instructor.pk,
            "requirement": ethics.pk,
            "kind": "training",
            "title": "2026年师德师风专题培训",
            "held_on": "2026-05-30",
            "hours": "8",
            "result": "attended",
            "score": "",
            "notes": "",
        },
    )
    refused = client.post(
        reverse("admin:courses_developmentrecord_add"),
        {
            "instructor": instructor.pk,
            "requirement": ethics.pk,
            "kind": "training",
            "title": "x",
            "held_on": "2026-05-30",
            "result": "failed",
        },
    )

    assert due.status_code == 200 and "王老师" in due.content.decode()
    assert added.status_code == 302
    record = DevelopmentRecord.objects.get()
    assert (record.recorded_by, record.hours) == (manager, 8)
    assert refused.status_code == 200 and "result" in refused.context["adminform"].form.errors
    assert DevelopmentRecord.objects.count() == 1
    assert ("王老师", ethics) not in {
        (i.instructor.name, i.requirement) for i in development_due(today=TODAY)
    }


def test_staff_without_the_right_cannot_read_the_due_page(client):
    client.force_login(StaffFactory())
    assert client.get(reverse("admin:courses_developmentrecord_due")).status_code == 403
