"""Domain errors of the complaint workflow.

Every refusal is a ``ComplaintError`` (a ``core.errors.DomainError``) with a stable ``code``, a translatable
message, its kind, and optionally the ``field`` it concerns, so pages can show it next to a form field and the
API can return it as JSON.
"""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from core.errors import DomainError, ErrorKind


class ComplaintError(DomainError):
    """A request the complaint workflow refuses; nothing was changed."""

    code = "complaint_error"
    default_message: str | Promise = _("This action cannot be performed on the complaint.")


class TransitionNotAllowed(ComplaintError):
    """The complaint's state does not allow this move."""

    kind = ErrorKind.CONFLICT
    code = "transition_not_allowed"
    default_message = _("The complaint is not in a state that allows this action.")


class ComplaintPermissionDenied(ComplaintError):
    """The actor may not perform this action on this complaint."""

    kind = ErrorKind.NOT_ALLOWED
    code = "permission_denied"
    default_message = _("You are not allowed to perform this action on the complaint.")


class RuleViolation(ComplaintError):
    """A business rule refuses the request (appeal window, thresholds, conflict of interest, bad input)."""

    code = "rule_violation"
    default_message = _("The request breaks a complaint-handling rule.")


class ConflictOfInterest(RuleViolation):
    """The person the complaint is about may not handle, own or review it: a refusal of the person."""

    kind = ErrorKind.NOT_ALLOWED
    code = "conflict_of_interest"
    default_message = _("A complaint about a staff member cannot be handled or reviewed by that person.")


class InvalidEvidence(RuleViolation):
    """An uploaded file is of a type, size or number the rules refuse."""

    code = "invalid_evidence"
    default_message = _("The file cannot be accepted as evidence.")

    def __init__(self, message: str | Promise | None = None, *, code: str | None = None):
        super().__init__(message, code=code, field="attachments")
