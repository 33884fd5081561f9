"""Refusals of the community: each a ``core.errors.DomainError`` with a stable code and a text."""

from django.utils.translation import gettext_lazy as _

from core.errors import DomainError, ErrorKind


class CommunityError(DomainError):
    code = "community_error"
    default_message = _("This cannot be done in the community.")


class CommunityRuleViolation(CommunityError):
    code = "rule_violation"
    default_message = _("The request breaks a community rule.")


class CommunityNotAllowed(CommunityError):
    kind = ErrorKind.NOT_ALLOWED
    code = "permission_denied"
    default_message = _("You are not allowed to do this in the community.")


class CommunityConflict(CommunityError):
    kind = ErrorKind.CONFLICT
    code = "conflict"
    default_message = _("The post is not in a state that allows this.")


class SensitiveWordFound(CommunityRuleViolation):
    code = "sensitive_word"


class PostingLimitReached(CommunityRuleViolation):
    code = "posting_limit"


class AuthorMuted(CommunityNotAllowed):
    code = "muted"


class InvalidImage(CommunityRuleViolation):
    """An image sent with a post or reply is of a type, size or number the rules refuse."""

    code = "invalid_image"
    default_message = _("The image cannot be accepted.")

    def __init__(self, message=None, *, code: str | None = None):
        super().__init__(message, code=code, field="images")
