"""Refusals of the ratings module: each a ``core.errors.DomainError`` with a stable code and a text."""

from django.utils.translation import gettext_lazy as _

from core.errors import Conflict, NotAllowed, NotFound, RuleViolation


class RatingInvalid(RuleViolation):
    code = "rating_invalid"
    default_message = _("The rating is not valid.")


class AlreadyRated(Conflict):
    code = "already_rated"
    default_message = _("This has already been rated.")


class RatingNotAllowed(NotAllowed):
    code = "rating_not_allowed"
    default_message = _("You are not allowed to do this with the rating.")


class RatingStateConflict(Conflict):
    code = "rating_state_conflict"
    default_message = _("The rating is not in a state that allows this.")


class NotRated(NotFound):
    code = "not_rated"
    default_message = _("This kind of record cannot be rated.")
