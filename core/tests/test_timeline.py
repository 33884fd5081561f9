"""The abstract timeline event and its append-only guarantee, on a domain of the tests' own (the parcel)."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.loader import MigrationLoader

from core.operations import AppendOnly
from core.tests.testapp.models import Parcel, ParcelEvent

pytestmark = pytest.mark.django_db


def trigger_names(table: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal", [table]
        )
        return {row[0] for row in cursor.fetchall()}


@pytest.fixture
def event():
    parcel = Parcel.objects.create()
    return ParcelEvent.objects.create(parcel=parcel, kind="packed", body="原文", data={"weight": 2})


def test_a_subclass_gets_the_timeline_fields_and_order(event):
    later = ParcelEvent.objects.create(parcel=event.parcel, kind="sent", is_public=True)

    assert list(event.parcel.events.all()) == [event, later]
    assert (event.is_public, event.actor, event.from_state, event.data) == (False, None, "", {"weight": 2})


def test_the_database_refuses_to_change_an_event(event):
    with pytest.raises(IntegrityError, match="append-only: UPDATE refused"), transaction.atomic():
        ParcelEvent.objects.filter(pk=event.pk).update(body="改写")
    event.refresh_from_db()
    assert event.body == "原文"


def test_the_database_refuses_to_delete_an_event_even_in_raw_sql(event):
    with (
        pytest.raises(IntegrityError, match="append-only: DELETE refused"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM core_testapp_parcelevent WHERE id = %s", [event.pk])
    assert ParcelEvent.objects.filter(pk=event.pk).exists()


def test_only_the_event_table_is_append_only(event):
    Parcel.objects.filter(pk=event.parcel_id).update(note="已改")
    ParcelEvent.objects.create(parcel=event.parcel, kind="sent")

    assert Parcel.objects.get().note == "已改"
    assert ParcelEvent.objects.count() == 2


def test_the_operation_is_reversible():
    operation = AppendOnly(model_name="parcelevent")
    state = MigrationLoader(connection).project_state(("core_testapp", "0001_initial"))
    table = ParcelEvent._meta.db_table

    with transaction.atomic():  # rolled back below: the test database keeps its trigger
        with connection.schema_editor(atomic=False) as editor:
            operation.database_backwards("core_testapp", editor, state, state)
        assert trigger_names(table) == set()
        parcel = Parcel.objects.create()
        event = ParcelEvent.objects.create(parcel=parcel, kind="packed")
        ParcelEvent.objects.filter(pk=event.pk).update(body="改写")
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending checks while the trigger is made

        with connection.schema_editor(atomic=False) as editor:
            operation.database_forwards("core_testapp", editor, state, state)

        assert trigger_names(table) == {f"{table}_append_only"}
        with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
            ParcelEvent.objects.filter(pk=event.pk).update(body="再改")
        transaction.set_rollback(True)


def test_the_operation_leaves_the_model_state_alone_and_deconstructs():
    operation = AppendOnly(model_name="parcelevent")
    state = MigrationLoader(connection).project_state(("core_testapp", "0001_initial"))
    before = state.clone()

    operation.state_forwards("core_testapp", state)

    assert state.models == before.models
    name, args, kwargs = operation.deconstruct()
    assert (name, args, kwargs) == ("AppendOnly", [], {"model_name": "parcelevent"})
    assert operation.migration_name_fragment == "parcelevent_append_only"


def test_the_complaint_timeline_is_append_only_through_the_operation():
    # the hand-written trigger of complaints' migration 0002 gave way to the shared operation's
    assert trigger_names("complaints_complaintevent") == {"complaints_complaintevent_append_only"}
