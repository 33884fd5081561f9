"""Domain errors: the one base every app's refusals subclass, and the kinds of refusal there are.

A service that refuses a request raises a ``DomainError`` subclass and changes nothing. The error carries a
stable ``code`` for programs, a translatable ``message`` for people, optionally the input ``field`` it
concerns (so a page can show it next to that field), and its ``kind``, which tells every interface what sort
of refusal it is; the API's exception handler (``core.api``) turns the kind into an HTTP status. Apps define
their own subclasses (``complaints.errors``, ``privacy.services``…) with their own codes and texts; this
module knows no domain.
"""

import enum

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class ErrorKind(enum.Enum):
    """What sort of refusal an error is; each interface decides how to show it."""

    RULE = "rule"  # a business rule or the input refuses it
    NOT_ALLOWED = "not_allowed"  # this actor may not do it
    NOT_FOUND = "not_found"  # the thing asked for does not exist (or is not the actor's to see)
    CONFLICT = "conflict"  # the record's current state does not allow it; it may once the state changes
    UNAVAILABLE = "unavailable"  # a service it depends on cannot do it now; trying later may succeed


class DomainError(Exception):
    """A request a domain refuses; nothing was changed."""

    kind: ErrorKind = ErrorKind.RULE
    code = "domain_error"
    default_message: str | Promise = _("This action cannot be performed.")

    def __init__(
        self, message: str | Promise | None = None, *, code: str | None = None, field: str | None = None
    ):
        self.message = message if message is not None else self.default_message
        if code is not None:
            self.code = code
        self.field = field
        super().__init__(str(self.message))

    def as_dict(self) -> dict[str, str | None]:
        return {"code": self.code, "message": str(self.message), "field": self.field}


class RuleViolation(DomainError):
    """A business rule or the input refuses the request."""

    code = "rule_violation"
    default_message = _("The request breaks a rule.")


class NotAllowed(DomainError):
    """The actor may not do this."""

    kind = ErrorKind.NOT_ALLOWED
    code = "permission_denied"
    default_message = _("You are not allowed to do this.")


class NotFound(DomainError):
    """What the request names does not exist, or is not one the actor may see."""

    kind = ErrorKind.NOT_FOUND
    code = "not_found"
    default_message = _("No such record.")


class Conflict(DomainError):
    """The record's current state does not allow the request."""

    kind = ErrorKind.CONFLICT
    code = "conflict"
    default_message = _("The record is not in a state that allows this.")


class Unavailable(DomainError):
    """A service the request depends on cannot carry it out now; trying again later may succeed."""

    kind = ErrorKind.UNAVAILABLE
    code = "unavailable"
    default_message = _("This cannot be done right now; try again later.")
