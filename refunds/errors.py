"""Refusals of refund requests: each a ``core.errors.DomainError`` with a stable code and a text."""

from django.utils.translation import gettext_lazy as _

from core.errors import DomainError, ErrorKind


class RefundError(DomainError):
    code = "refund_error"
    default_message = _("This action cannot be performed on the refund request.")


class RefundMoveNotAllowed(RefundError):
    kind = ErrorKind.CONFLICT
    code = "transition_not_allowed"
    default_message = _("The refund request is not in a state that allows this action.")


class RefundPermissionDenied(RefundError):
    kind = ErrorKind.NOT_ALLOWED
    code = "permission_denied"
    default_message = _("You are not allowed to perform this action on the refund request.")


class RefundAgreementRequired(RefundError):
    """The person filing has not accepted the current user agreement."""

    kind = ErrorKind.NOT_ALLOWED
    code = "agreement_acceptance_required"
    default_message = _("Accept the current user agreement before requesting a refund.")


class RefundRuleViolation(RefundError):
    code = "rule_violation"
    default_message = _("The request breaks a rule.")


class RefundOpenRequestExists(RefundError):
    kind = ErrorKind.CONFLICT
    code = "open_request_exists"
    default_message = _("This enrolment already has a refund request in progress.")
