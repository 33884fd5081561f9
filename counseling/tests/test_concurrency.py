"""Races for one counsellor's time, with real threads on real PostgreSQL connections: the exclusion
constraint lets exactly one booking hold the time, and every other one is told clearly."""

import datetime
import threading
import time

import pytest
import time_machine
from django.db import connection, transaction

from counseling.errors import SlotTaken
from counseling.models import Appointment, State
from counseling.services import appointment_hold

from .conftest import NOW, at
from .factories import ClientFactory, CounsellorFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(240)]

CLIENTS = 100
# PostgreSQL allows 100 connections in all: this many threads hold one at a time, the rest wait their turn.
OPEN_CONNECTIONS = 40


def test_a_hundred_concurrent_bookings_of_one_slot_give_one_appointment_and_99_clear_refusals():
    with time_machine.travel(NOW, tick=True):
        counsellor = CounsellorFactory()
        clients = [ClientFactory() for _number in range(CLIENTS)]
        start = threading.Barrier(CLIENTS)
        connections = threading.BoundedSemaphore(OPEN_CONNECTIONS)
        outcomes: list[str] = []
        lock = threading.Lock()

        def book(client):
            start.wait()
            with connections:
                try:
                    appointment_hold(counsellor=counsellor, starts_at=at(1, 10), actor=client)
                    outcome = "held"
                except SlotTaken as refusal:
                    outcome = f"{refusal.code} {refusal.field}"
                except Exception as error:
                    outcome = repr(error)
                finally:
                    connection.close()
            with lock:
                outcomes.append(outcome)

        threads = [threading.Thread(target=book, args=(client,)) for client in clients]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    assert sorted(set(outcomes)) == ["held", "slot_taken starts_at"]
    assert outcomes.count("held") == 1 and outcomes.count("slot_taken starts_at") == CLIENTS - 1
    assert Appointment.objects.filter(counsellor=counsellor).count() == 1
    assert Appointment.objects.get().state == State.HELD


def test_overlapping_different_slots_booked_at_once_are_refused_by_the_constraint():
    """Two windows of working hours that overlap offer 09:00 and 09:30; while the first booking is still
    uncommitted, the second passes every check in Python and only the exclusion constraint stops it."""
    with time_machine.travel(NOW, tick=True):
        counsellor = CounsellorFactory(
            hours=[(1, datetime.time(9), datetime.time(12)), (1, datetime.time(9, 30), datetime.time(12))]
        )
        first_client, second_client = ClientFactory(), ClientFactory()
        first_inserted = threading.Event()
        outcome: dict[str, object] = {}

        def first():
            try:
                with transaction.atomic():
                    appointment_hold(counsellor=counsellor, starts_at=at(1, 9), actor=first_client)
                    first_inserted.set()
                    time.sleep(1.0)  # the second booking is now waiting on the constraint
            finally:
                connection.close()

        def second():
            first_inserted.wait()
            try:
                appointment_hold(counsellor=counsellor, starts_at=at(1, 9, 30), actor=second_client)
                outcome["second"] = "held"
            except SlotTaken as refusal:
                outcome["second"] = refusal.code
            finally:
                connection.close()

        threads = [threading.Thread(target=first), threading.Thread(target=second)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    assert outcome == {"second": "slot_taken"}
    assert list(Appointment.objects.values_list("client_id", "starts_at")) == [(first_client.pk, at(1, 9))]
