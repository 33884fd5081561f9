"""What the database itself guarantees: an append-only timeline, one rules row, the seeded reference data."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.loader import MigrationLoader

from accounts.models import Department
from complaints.models import Category, ComplaintEvent, ComplaintRules, EventKind
from complaints.states import State

from .factories import ComplaintFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def event():
    complaint = ComplaintFactory()
    return ComplaintEvent.objects.create(
        complaint=complaint, kind=EventKind.INTERNAL_NOTE, actor=complaint.complainant, body="原文"
    )


def test_a_timeline_event_cannot_be_edited(event):
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        ComplaintEvent.objects.filter(pk=event.pk).update(body="改写")
    event.refresh_from_db()
    assert event.body == "原文"


def test_a_timeline_event_cannot_be_deleted_even_in_raw_sql(event):
    with (
        pytest.raises(IntegrityError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM complaints_complaintevent WHERE id = %s", [event.pk])
    assert ComplaintEvent.objects.filter(pk=event.pk).exists()


def test_the_rules_have_one_row_with_the_designed_defaults():
    rules = ComplaintRules.load()
    assert (
        rules.group_threshold,
        str(rules.refund_approval_threshold),
        str(rules.refund_ceiling),
        rules.appeal_window_days,
        rules.duplicate_window_days,
        rules.auto_close_days,
    ) == (10, "10000.00", "50000.00", 15, 14, 7)
    assert ComplaintRules.load().pk == rules.pk
    with pytest.raises(IntegrityError), transaction.atomic():
        ComplaintRules.objects.create(id=2)


def test_the_seven_departments_are_seeded_with_the_demo_codes():
    expected = {
        "customer_service": "客户服务部",
        "academic_affairs": "教务处",
        "teaching_supervision": "教学督导部",
        "finance": "财务部",
        "legal": "法务部",
        "technical_operations": "技术运维部",
        "leadership": "领导小组",
    }
    seeded = dict(Department.objects.filter(code__in=expected).values_list("code", "name"))
    assert seeded == expected


def test_the_eleven_categories_are_seeded_in_both_languages():
    codes = {
        "teaching",
        "instructor_conduct",
        "service",
        "fees_refunds",
        "platform",
        "facilities",
        "safety",
        "student_management",
        "privacy",
        "counselling",
        "other",
    }
    seeded = Category.objects.filter(code__in=codes)
    assert seeded.count() == 11
    assert all(category.name and category.name_en and category.is_active for category in seeded)


def test_a_merged_complaint_must_name_its_target():
    complaint = ComplaintFactory(merged=True)
    complaint.merged_into = None
    with pytest.raises(IntegrityError), transaction.atomic():
        complaint.save()


def test_a_finished_complaint_must_have_its_closing_time():
    complaint = ComplaintFactory(withdrawn=True)
    complaint.closed_at = None
    with pytest.raises(IntegrityError), transaction.atomic():
        complaint.save()
    complaint.refresh_from_db()
    assert complaint.state == State.WITHDRAWN


def _triggers_on_complaint_events() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = 'complaints_complaintevent'::regclass"
            " AND NOT tgisinternal"
        )
        return {row[0] for row in cursor.fetchall()}


def test_the_move_to_the_shared_append_only_operation_can_be_reversed():
    loader = MigrationLoader(connection)
    migration = loader.get_migration("complaints", "0011_complaint_event_append_only_operation")
    after = loader.project_state(("complaints", "0011_complaint_event_append_only_operation"))
    before = loader.project_state(("complaints", "0010_complaint_rules_refund_ceiling"))
    assert _triggers_on_complaint_events() == {"complaints_complaintevent_append_only"}

    with transaction.atomic():  # rolled back below: the test database keeps the current trigger
        with connection.schema_editor(atomic=False) as editor:
            migration.unapply(after, editor)
        assert _triggers_on_complaint_events() == {"complaints_event_append_only"}
        with connection.schema_editor(atomic=False) as editor:
            migration.apply(before, editor)
        assert _triggers_on_complaint_events() == {"complaints_complaintevent_append_only"}
        transaction.set_rollback(True)
