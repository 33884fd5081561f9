"""The workflow helper every domain with states uses: a table of named moves, and the one function that
makes a move (check it against the table on the locked row, move, record it, all in one transaction).

A domain names its states (``TextChoices``) and its moves (``TextChoices``), writes its table once::

    ALLOWED_TRANSITIONS = MoveTable({
        Transition.ACKNOWLEDGE: Move(frozenset({State.SUBMITTED}), State.ACKNOWLEDGED),
    })

and makes every move through ``workflow_move``, passing what it refuses with (its own ``DomainError``), which
further columns the move sets, and how the move is recorded (its timeline event). Nothing here knows a domain.
"""

import datetime
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db import models, transaction
from django.utils import timezone

from .errors import DomainError

ModelT = TypeVar("ModelT", bound=models.Model)
TransitionT = TypeVar("TransitionT", bound=str)


@dataclass(frozen=True)
class Move:
    """One named move: the states it may start from, the state it leads to, and whether the public sees it."""

    sources: frozenset[str]
    target: str
    public: bool = True  # whether the people the record is about see the move on their timeline

    def __post_init__(self) -> None:
        if not self.sources:
            raise ValueError("A move must start from at least one state.")


class MoveTable(Mapping[TransitionT, Move], Generic[TransitionT]):
    """The table of allowed moves of one kind of record: transition name -> ``Move``; read-only."""

    def __init__(self, moves: Mapping[TransitionT, Move]) -> None:
        self._moves = dict(moves)

    def __getitem__(self, transition: TransitionT) -> Move:
        return self._moves[transition]

    def __iter__(self) -> Iterator[TransitionT]:
        return iter(self._moves)

    def __len__(self) -> int:
        return len(self._moves)

    def allows(self, *, state: str, transition: TransitionT) -> bool:
        """Say whether the table allows this move from this state (permissions and rules aside)."""
        return state in self._moves[transition].sources

    def allowed_from(self, *, state: str) -> list[TransitionT]:
        """Return the moves the table allows from a state, in the table's order."""
        return [transition for transition, move in self._moves.items() if state in move.sources]


def workflow_lock(instance: ModelT) -> ModelT:
    """Return the instance's row, freshly read and locked until the surrounding transaction ends."""
    return type(instance)._default_manager.select_for_update().get(pk=instance.pk)


@transaction.atomic
def workflow_move(
    *,
    instance: ModelT,
    table: MoveTable,
    transition: TransitionT,
    refuse: Callable[[ModelT, TransitionT], DomainError],
    record: Callable[[ModelT, str, Move, datetime.datetime], Any],
    changes: Callable[[ModelT, Move, datetime.datetime], dict[str, Any]] | None = None,
    state_field: str = "state",
) -> ModelT:
    """Make one move: lock the row, check the table, move it, and record the move, in one transaction.

    ``refuse(locked, transition)`` builds the error raised, changing nothing, when the row's current state
    does not allow the move. ``changes(locked, move, now)`` returns further columns to set in the same update
    (timestamps, the new owner). ``record(locked, from_state, move, now)`` writes what the move leaves
    behind (the timeline event) after the row is saved. Returns the locked, updated instance; the caller's
    instance is left as it was.
    """
    move = table[transition]
    locked = workflow_lock(instance)
    from_state = getattr(locked, state_field)
    if from_state not in move.sources:
        raise refuse(locked, transition)
    now = timezone.now()
    updated = {state_field: move.target, **(changes(locked, move, now) if changes else {})}
    for field, value in updated.items():
        setattr(locked, field, value)
    locked.save(update_fields=list(updated))
    record(locked, from_state, move, now)
    return locked
