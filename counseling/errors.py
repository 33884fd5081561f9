"""Refusals of counselling: each a ``core.errors.DomainError`` with a stable code and a text."""

from django.utils.translation import gettext_lazy as _

from core.errors import DomainError, ErrorKind


class CounsellingError(DomainError):
    code = "counselling_error"
    default_message = _("This counselling request cannot be carried out.")


class CounsellingRuleViolation(CounsellingError):
    code = "rule_violation"
    default_message = _("The request breaks a rule.")


class CounsellingPermissionDenied(CounsellingError):
    kind = ErrorKind.NOT_ALLOWED
    code = "permission_denied"
    default_message = _("You are not allowed to do this.")


class BookingNotAllowed(CounsellingError):
    """The client may not book now (identity, consent, guardian's consent, a no-show restriction)."""

    kind = ErrorKind.NOT_ALLOWED
    code = "booking_not_allowed"
    default_message = _("You cannot book a counselling session yet.")


class AppointmentMoveNotAllowed(CounsellingError):
    kind = ErrorKind.CONFLICT
    code = "transition_not_allowed"
    default_message = _("The appointment is not in a state that allows this.")


class SlotTaken(CounsellingError):
    """Another booking holds the time: the one who lost the race is told so."""

    kind = ErrorKind.CONFLICT
    code = "slot_taken"
    default_message = _("This time has just been booked by someone else. Please choose another time.")

    def __init__(self, message=None, *, code: str | None = None):
        super().__init__(message, code=code, field="starts_at")


class SlotUnavailable(CounsellingRuleViolation):
    """The time asked for is not one of the counsellor's free slots."""

    code = "slot_unavailable"
    default_message = _("The counsellor is not available at this time. Please choose one of the free times.")

    def __init__(self, message=None, *, code: str | None = None):
        super().__init__(message, code=code, field="starts_at")


class TooManyHolds(CounsellingError):
    """The client already holds as many times as one may hold at once, none of them confirmed yet."""

    kind = ErrorKind.CONFLICT
    code = "too_many_holds"
    default_message = _(
        "You already hold %(count)d times that you have not confirmed. Confirm one or let a hold run out "
        "before you choose another time."
    )

    def __init__(self, *, limit: int):
        super().__init__(self.default_message % {"count": limit}, field="starts_at")
