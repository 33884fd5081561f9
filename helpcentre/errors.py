"""Refusals of the help centre: each a ``core.errors.DomainError`` with a stable code and a text."""

from django.utils.translation import gettext_lazy as _

from core.errors import DomainError, ErrorKind


class HelpCentreError(DomainError):
    code = "helpcentre_error"
    default_message = _("This action cannot be performed on the help article.")


class HelpCentreNotAllowed(HelpCentreError):
    kind = ErrorKind.NOT_ALLOWED
    code = "permission_denied"
    default_message = _("Only help centre editors may do this.")


class AlreadyVoted(HelpCentreError):
    kind = ErrorKind.CONFLICT
    code = "already_voted"
    default_message = _("You have already told us whether this article helped. Thank you!")


class VoteRefused(HelpCentreError):
    code = "invalid_vote"
    default_message = _("The answer cannot be accepted.")


class NothingToPublish(HelpCentreError):
    kind = ErrorKind.CONFLICT
    code = "nothing_to_publish"
    default_message = _("The draft is the same as the published version: there is nothing new to publish.")
