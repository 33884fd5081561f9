"""The registry of rated subjects: what a domain tells the ratings module about the rows people rate.

A domain registers one ``RatedSubject`` per model from its ``AppConfig.ready`` (a counsellor, a course, an
instructor). The module then accepts ratings of that model's rows and asks the subject who may answer a
published comment in public for it. Nothing here imports a domain.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import models


@dataclass(frozen=True)
class RatedSubject:
    """A kind of row that people rate.

    ``repliers(subject_id)`` returns the ids of the users who may reply in public on the subject's behalf
    (the counsellor themself, the instructor's account).
    """

    model: type[models.Model]
    repliers: Callable[[int], Iterable[int]]

    @property
    def label(self) -> str:
        return self.model._meta.label_lower


_SUBJECTS: dict[str, RatedSubject] = {}


def rated_subject_register(subject: RatedSubject) -> RatedSubject:
    _SUBJECTS[subject.label] = subject
    return subject


def rated_subject_get(model: type[models.Model]) -> RatedSubject | None:
    return _SUBJECTS.get(model._meta.label_lower)


def rated_subjects() -> tuple[RatedSubject, ...]:
    return tuple(_SUBJECTS.values())
