"""Refusals of the feedback workflow: each a ``core.errors.DomainError`` with a stable code and a text."""

from django.utils.translation import gettext_lazy as _

from core.errors import DomainError, ErrorKind


class FeedbackError(DomainError):
    code = "feedback_error"
    default_message = _("This action cannot be performed on the feedback item.")


class FeedbackMoveNotAllowed(FeedbackError):
    kind = ErrorKind.CONFLICT
    code = "transition_not_allowed"
    default_message = _("The feedback item is not in a state that allows this action.")


class FeedbackPermissionDenied(FeedbackError):
    kind = ErrorKind.NOT_ALLOWED
    code = "permission_denied"
    default_message = _("You are not allowed to perform this action on the feedback item.")


class FeedbackRuleViolation(FeedbackError):
    code = "rule_violation"
    default_message = _("The request breaks a rule.")


class FeedbackInvalidEvidence(FeedbackRuleViolation):
    """A file sent with feedback is of a type, size or number the rules refuse."""

    code = "invalid_evidence"
    default_message = _("The file cannot be accepted as evidence.")

    def __init__(self, message=None, *, code: str | None = None):
        super().__init__(message, code=code, field="attachments")
