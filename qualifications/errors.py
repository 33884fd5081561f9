"""Refusals of the qualifications module: each a ``core.errors.DomainError`` with a stable code and a text."""

from django.utils.translation import gettext_lazy as _

from core.errors import Conflict, NotAllowed, NotFound, RuleViolation


class QualificationInvalid(RuleViolation):
    code = "qualification_invalid"
    default_message = _("The qualification is not valid.")


class QualificationNotAllowed(NotAllowed):
    code = "qualification_not_allowed"
    default_message = _("You are not allowed to do this with the qualification.")


class QualificationStateConflict(Conflict):
    code = "qualification_state_conflict"
    default_message = _("The qualification is not in a state that allows this.")


class NotAHolder(NotFound):
    code = "not_a_holder"
    default_message = _("This kind of record holds no qualifications.")
