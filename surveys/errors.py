"""Refusals of the survey services: each a ``core.errors.DomainError`` that changes nothing."""

from django.utils.translation import gettext_lazy as _

from core.errors import DomainError, ErrorKind


class SurveyError(DomainError):
    code = "survey_error"
    default_message = _("This cannot be done with the survey.")


class SurveyNotOpen(SurveyError):
    kind = ErrorKind.CONFLICT
    code = "survey_not_open"
    default_message = _("The survey is not open for answers.")


class AlreadyAnswered(SurveyError):
    kind = ErrorKind.CONFLICT
    code = "already_answered"
    default_message = _("You have already answered this survey for this course.")


class AnonymityLocked(SurveyError):
    kind = ErrorKind.CONFLICT
    code = "anonymity_locked"
    default_message = _("Anonymity cannot be switched off once the first answer is in.")


class SurveyNotAllowed(SurveyError):
    kind = ErrorKind.NOT_ALLOWED
    code = "permission_denied"
    default_message = _("You are not allowed to do this with the survey.")
