"""Refusals of the online customer service: each a ``core.errors.DomainError`` with a stable code and a
text."""

from django.utils.translation import gettext_lazy as _

from core.errors import DomainError, ErrorKind


class ChatError(DomainError):
    code = "livechat_error"
    default_message = _("This action cannot be performed on the chat.")


class ChatNotAllowed(ChatError):
    kind = ErrorKind.NOT_ALLOWED
    code = "permission_denied"
    default_message = _("Only the customer-service staff on duty may do this.")


class ChatNotFound(ChatError):
    kind = ErrorKind.NOT_FOUND
    code = "not_found"
    default_message = _("No such chat.")


class ChatClosed(ChatError):
    kind = ErrorKind.CONFLICT
    code = "chat_closed"
    default_message = _("The chat has ended: open a new one to write again.")


class MessageEmpty(ChatError):
    code = "empty_message"
    default_message = _("Write a message before sending it.")


class MessageTooLong(ChatError):
    code = "message_too_long"
    default_message = _("A message may hold at most 2,000 characters.")


class ChatAlreadyConverted(ChatError):
    kind = ErrorKind.CONFLICT
    code = "already_converted"
    default_message = _("The chat has already been turned into a complaint or a feedback item.")
