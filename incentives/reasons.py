"""The registry of reasons a learner earns points for, and how many points each is worth.

A reason is a stable name stored on each award (``Award.reason``), so a new domain adds its reasons by
registering them from its ``AppConfig.ready``, without a migration here. ``AwardReason`` names the reasons
the product's own domains use; the domain that awards calls ``points_award`` with one of them.
"""

from dataclasses import dataclass

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class AwardReason(models.TextChoices):
    """The reasons the product's domains award points for (a domain may register more)."""

    FEEDBACK_ACCEPTED = "feedback_accepted", _("Feedback accepted")
    SURVEY_ANSWERED = "survey_answered", _("Survey answered")
    COURSE_EVALUATED = "course_evaluated", _("Course evaluated")


@dataclass(frozen=True)
class AwardReasonSpec:
    """One reason: its stored name, its label for people, and the points one award for it gives."""

    name: str
    label: Promise | str
    points: int


_REASONS: dict[str, AwardReasonSpec] = {}

BUILTIN_POINTS = {
    AwardReason.FEEDBACK_ACCEPTED: 20,
    AwardReason.SURVEY_ANSWERED: 10,
    AwardReason.COURSE_EVALUATED: 5,
}


def award_reason_register(spec: AwardReasonSpec) -> AwardReasonSpec:
    """Register a reason (registering the same name again replaces it). Points must be positive."""
    if spec.points <= 0:
        raise ValueError(f"An award reason gives a positive number of points, not {spec.points}.")
    if not spec.name or len(spec.name) > 60:
        raise ValueError("An award reason's name is one to sixty characters.")
    _REASONS[spec.name] = spec
    return spec


def award_reason_get(name: str) -> AwardReasonSpec | None:
    return _REASONS.get(name)


def award_reason_label(name: str) -> Promise | str:
    """The reason's label for people; an unregistered (retired) reason shows its stored name."""
    spec = _REASONS.get(name)
    return spec.label if spec is not None else name


def register_builtin() -> None:
    for reason in AwardReason:
        award_reason_register(AwardReasonSpec(reason.value, reason.label, BUILTIN_POINTS[reason]))
