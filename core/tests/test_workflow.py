"""The workflow helper on a domain of the tests' own: the table says which moves exist, the move function
checks the locked row against it, moves it, and records the move, or refuses and changes nothing."""

import pytest
from django.db import models

from core.errors import Conflict, ErrorKind
from core.tests.testapp.models import Parcel, ParcelEvent
from core.workflow import Move, MoveTable, workflow_move

pytestmark = pytest.mark.django_db

State = Parcel.State


class Transition(models.TextChoices):
    SEND = "send", "send"
    DELIVER = "deliver", "deliver"
    RECALL = "recall", "recall"


MOVES = MoveTable(
    {
        Transition.SEND: Move(frozenset({State.PACKED}), State.SENT),
        Transition.DELIVER: Move(frozenset({State.SENT}), State.DELIVERED),
        Transition.RECALL: Move(frozenset({State.PACKED, State.SENT}), State.PACKED, public=False),
    }
)


class ParcelMoveRefused(Conflict):
    code = "parcel_move_refused"


def refuse(parcel: Parcel, transition: Transition) -> ParcelMoveRefused:
    return ParcelMoveRefused(f"{parcel.state} cannot {transition}")


def record(parcel: Parcel, from_state: str, move: Move, now) -> None:
    ParcelEvent.objects.create(
        parcel=parcel,
        kind="state_change",
        is_public=move.public,
        from_state=from_state,
        to_state=move.target,
        created_at=now,
    )


def send_with_timestamp(parcel: Parcel, move: Move, now) -> dict:
    return {"sent_at": now} if move.target == State.SENT else {}


def move(parcel: Parcel, transition: Transition) -> Parcel:
    return workflow_move(
        instance=parcel,
        table=MOVES,
        transition=transition,
        refuse=refuse,
        record=record,
        changes=send_with_timestamp,
    )


def test_the_table_answers_which_moves_a_state_allows():
    assert MOVES.allows(state=State.PACKED, transition=Transition.SEND)
    assert not MOVES.allows(state=State.DELIVERED, transition=Transition.SEND)
    assert MOVES.allowed_from(state=State.SENT) == [Transition.DELIVER, Transition.RECALL]
    assert MOVES.allowed_from(state=State.DELIVERED) == []
    assert set(MOVES) == set(Transition) and len(MOVES) == 3


def test_a_move_needs_a_state_to_start_from():
    with pytest.raises(ValueError, match="at least one state"):
        Move(frozenset(), State.SENT)


def test_an_allowed_move_changes_the_row_sets_its_columns_and_records_the_move():
    parcel = Parcel.objects.create()

    moved = move(parcel, Transition.SEND)

    stored = Parcel.objects.get(pk=parcel.pk)
    assert (stored.state, stored.sent_at) == (State.SENT, moved.sent_at)
    assert stored.sent_at is not None
    assert parcel.state == State.PACKED  # the caller's instance is left as it was
    event = ParcelEvent.objects.get()
    assert (event.from_state, event.to_state, event.is_public, event.created_at) == (
        State.PACKED,
        State.SENT,
        True,
        stored.sent_at,
    )


def test_the_move_checks_the_row_as_stored_not_the_callers_copy():
    parcel = Parcel.objects.create()
    Parcel.objects.filter(pk=parcel.pk).update(state=State.DELIVERED)  # someone else moved it meanwhile

    with pytest.raises(ParcelMoveRefused, match="delivered cannot send") as refused:
        move(parcel, Transition.SEND)

    assert refused.value.kind is ErrorKind.CONFLICT
    assert Parcel.objects.get(pk=parcel.pk).sent_at is None
    assert not ParcelEvent.objects.exists()


def test_a_refused_move_changes_nothing_and_records_nothing():
    parcel = move(Parcel.objects.create(), Transition.SEND)
    parcel = move(parcel, Transition.DELIVER)
    events = ParcelEvent.objects.count()

    for transition in (Transition.SEND, Transition.DELIVER, Transition.RECALL):
        with pytest.raises(ParcelMoveRefused):
            move(parcel, transition)

    assert Parcel.objects.get(pk=parcel.pk).state == State.DELIVERED
    assert ParcelEvent.objects.count() == events


def test_a_move_can_be_internal():
    parcel = move(Parcel.objects.create(), Transition.SEND)

    move(parcel, Transition.RECALL)

    assert list(ParcelEvent.objects.values_list("to_state", "is_public")) == [
        (State.SENT, True),
        (State.PACKED, False),
    ]
