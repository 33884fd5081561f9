"""The registry of qualified holders: the kinds of row whose people must hold a valid qualification.

A domain registers one ``QualifiedHolder`` per model from its ``AppConfig.ready`` (a counsellor, an
instructor). The module then accepts qualifications for that model's rows, decides who is qualified today, and
tells the domain once when a holder stops being qualified, so it can act on what the holder was booked for.
Nothing here imports a domain.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.db import models


@dataclass(frozen=True)
class QualifiedHolder:
    """A kind of row whose person must be qualified.

    ``person_field`` names the holder's foreign key to the person's account: that person submits their own
    qualifications, is reminded before one lapses, and may never vet their own. ``on_lapse(holder_ids)`` is
    called once, in the transaction that records it, for holders who were qualified and no longer are (a
    certificate expired or was suspended); it must only write rows and queue notices.
    """

    model: type[models.Model]
    person_field: str
    on_lapse: Callable[[Sequence[int]], None] | None = None

    @property
    def label(self) -> str:
        return self.model._meta.label_lower


_HOLDERS: dict[str, QualifiedHolder] = {}


def qualified_holder_register(holder: QualifiedHolder) -> QualifiedHolder:
    _HOLDERS[holder.label] = holder
    return holder


def qualified_holder_get(model: type[models.Model]) -> QualifiedHolder | None:
    return _HOLDERS.get(model._meta.label_lower)


def qualified_holder_for_label(label: str) -> QualifiedHolder | None:
    return _HOLDERS.get(label)


def qualified_holders() -> tuple[QualifiedHolder, ...]:
    return tuple(_HOLDERS.values())
