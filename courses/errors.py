"""Refusals of the courses' evaluations and update suggestions: each a ``core.errors.DomainError`` with a
stable code and a text."""

from django.utils.translation import gettext_lazy as _

from core.errors import DomainError, ErrorKind


class CourseError(DomainError):
    code = "course_error"
    default_message = _("This action cannot be performed on the course.")


class CourseRuleViolation(CourseError):
    code = "rule_violation"
    default_message = _("The request breaks a rule.")


class CoursePermissionDenied(CourseError):
    kind = ErrorKind.NOT_ALLOWED
    code = "permission_denied"
    default_message = _("You are not allowed to do this.")


class NotEligibleToEvaluate(CourseError):
    """The learner may not evaluate this enrolment (yet): the message says why."""

    kind = ErrorKind.CONFLICT
    code = "not_eligible_to_evaluate"
    default_message = _("This enrolment cannot be evaluated.")


class AlreadyEvaluated(NotEligibleToEvaluate):
    code = "already_evaluated"
    default_message = _("You have already evaluated this course for this enrolment.")


class EvaluationInvalid(CourseRuleViolation):
    code = "evaluation_invalid"
    default_message = _("The evaluation is not valid.")


class SuggestionMoveNotAllowed(CourseError):
    kind = ErrorKind.CONFLICT
    code = "transition_not_allowed"
    default_message = _("The suggestion is not in a state that allows this.")


class AlreadySupported(CourseError):
    kind = ErrorKind.CONFLICT
    code = "already_supported"
    default_message = _("You already support this suggestion.")


class SuggestionInvalidEvidence(CourseRuleViolation):
    """A file sent with a suggestion is of a type, size or number the rules refuse."""

    code = "invalid_evidence"
    default_message = _("The file cannot be accepted as evidence.")

    def __init__(self, message=None, *, code: str | None = None):
        super().__init__(message, code=code, field="attachments")


class NotAwaitingModeration(CourseError):
    kind = ErrorKind.CONFLICT
    code = "not_awaiting_moderation"
    default_message = _("This answer is not awaiting moderation.")
