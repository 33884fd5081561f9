"""Refusals of the activities: each a ``core.errors.DomainError`` with a stable code and a text."""

from django.utils.translation import gettext_lazy as _

from core.errors import DomainError, ErrorKind


class ActivityError(DomainError):
    code = "activity_error"
    default_message = _("This action cannot be performed on the activity.")


class ActivityMoveNotAllowed(ActivityError):
    kind = ErrorKind.CONFLICT
    code = "transition_not_allowed"
    default_message = _("The activity is not in a state that allows this action.")


class ActivityPermissionDenied(ActivityError):
    kind = ErrorKind.NOT_ALLOWED
    code = "permission_denied"
    default_message = _("You are not allowed to do this.")


class RegistrationClosed(ActivityError):
    kind = ErrorKind.CONFLICT
    code = "registration_closed"
    default_message = _("Registration for this activity is not open.")


class AlreadyRegistered(ActivityError):
    kind = ErrorKind.CONFLICT
    code = "already_registered"
    default_message = _("You have already registered for this activity.")


class NotRegistered(ActivityError):
    kind = ErrorKind.CONFLICT
    code = "not_registered"
    default_message = _("You have no registration for this activity to cancel.")


class CheckInRefused(ActivityError):
    code = "check_in_refused"
    default_message = _("The check-in code is not right.")

    def __init__(self, message=None, *, code: str | None = None):
        super().__init__(message, code=code, field="code")
