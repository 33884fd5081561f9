"""The registry of clock subjects: what a domain tells the SLA engine about the rows its clocks measure.

A domain registers one ``ClockSubject`` per model from its ``AppConfig.ready`` (complaints do so in
``complaints/clocks.py``). The engine then keeps clocks for that model's rows and sweeps them with the same
code as every other subject's: it asks the subject, for a whole batch at once, who is told at each level of
the ladder, what the notices say, and how the escalations enter the subject's own record. Nothing here
imports a domain.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db import models


@dataclass(frozen=True)
class TargetFacts:
    """Where one target's clock stands, as the subject sees it."""

    met_at: datetime | None = None
    # Paused targets (awaiting the person who filed) stop counting until the subject resumes.
    pauses: bool = False


@dataclass(frozen=True)
class ClockFacts:
    """What the engine needs to keep a subject's clocks: the policy key, the start and each target's state."""

    severity: str
    is_urgent: bool
    started_at: datetime
    targets: Mapping[str, TargetFacts]
    awaiting: bool = False
    finished: bool = False
    # A breach of this subject also reaches the top of the ladder (the leadership group).
    breach_reaches_leadership: bool = False


@dataclass(frozen=True)
class EscalationRow:
    """One escalation the sweep has just written, as handed to the subject."""

    escalation_id: int
    subject_id: int
    target: str
    level: str
    due_at: datetime
    escalated_at: datetime
    # How many people the subject named for it (0: nobody, even through the fallback chain).
    recipients: int


@dataclass(frozen=True)
class ClockSubject:
    """A kind of row that has SLA clocks.

    ``recipients(level, subject_ids)`` returns, for each subject id, the ids of the active people told at that
    level (``"warning"``, ``"breach"``, ``"leadership"``), after the subject's own fallback chain: one query
    for the whole batch. ``notice_context(subject_ids)`` returns the notice context of each subject (its
    reference). ``notice_kinds`` names the notice kind per level. ``record(rows)`` writes the escalations
    into the subject's own history (a staff-only timeline event each), in the sweep's transaction.
    """

    model: type[models.Model]
    notice_kinds: Mapping[str, str]
    recipients: Callable[[str, Sequence[int]], Mapping[int, Sequence[int]]]
    notice_context: Callable[[Sequence[int]], Mapping[int, dict]]
    record: Callable[[Sequence[EscalationRow]], None] = field(default=lambda rows: None)

    @property
    def label(self) -> str:
        return self.model._meta.label_lower


_SUBJECTS: dict[str, ClockSubject] = {}


def clock_subject_register(subject: ClockSubject) -> ClockSubject:
    """Register a subject (once per model; registering the same model again replaces it)."""
    _SUBJECTS[subject.label] = subject
    return subject


def clock_subject_for_model(model: type[models.Model]) -> ClockSubject:
    """Return the registered subject of a model; raises LookupError for a model nobody registered."""
    try:
        return _SUBJECTS[model._meta.label_lower]
    except KeyError:
        raise LookupError(f"{model._meta.label} is not a registered clock subject.") from None


def clock_subject_for_type(content_type_id: int) -> ClockSubject:
    """Return the registered subject behind a content type id; raises LookupError if none is."""
    model = ContentType.objects.get_for_id(content_type_id).model_class()
    if model is None:
        raise LookupError(f"Content type {content_type_id} has no model.")
    return clock_subject_for_model(model)


def clock_subjects() -> list[ClockSubject]:
    return list(_SUBJECTS.values())


def leadership_ids() -> list[int]:
    """The active members of the leadership group: the top of every subject's ladder."""
    from accounts.models import User
    from accounts.roles import Role

    return list(
        User.objects.filter(is_active=True, groups__name=Role.LEADERSHIP)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def recipients_by_chain(
    chains: Mapping[int, Sequence[tuple[int | None, bool | None]]],
) -> dict[int, list[int]]:
    """Name, per subject, the first active person of its fallback chain ((person, is active) pairs, in
    order), else every member of the leadership group (read once, and only if some chain finds nobody)."""
    named: dict[int, list[int]] = {}
    leaders: list[int] | None = None
    for subject_id, chain in chains.items():
        person = next((person for person, active in chain if person is not None and active), None)
        if person is not None:
            named[subject_id] = [person]
            continue
        if leaders is None:
            leaders = leadership_ids()
        named[subject_id] = leaders
    return named
