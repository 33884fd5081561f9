"""The API's one exception handler: domain errors of every app become JSON with a stable code.

Shapes (the OpenAPI schema documents them as ``ErrorSerializer``):

- a domain refusal (any ``core.errors.DomainError``): ``{"code": ..., "detail": message}``, plus
  ``{<field>: [message]}`` when the error concerns one input field; its kind gives the status: 400 for a
  broken rule or refused input, 403 for an actor who may not do it, 404 for what does not exist, 409 when the
  record's state does not allow it, 503 when a service it needs cannot do it now;
- DRF's own errors keep DRF's shapes: ``{"field": ["message"]}`` for invalid input, ``{"detail": message}``
  (with ``code`` added) for the rest, 404 for what does not exist or is not the user's.

The handler knows the kinds only, never a domain: apps subclass ``DomainError`` and set its kind.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response
from rest_framework.views import exception_handler, set_rollback

from .errors import DomainError, ErrorKind

STATUS_BY_KIND = {
    ErrorKind.RULE: status.HTTP_400_BAD_REQUEST,
    ErrorKind.NOT_ALLOWED: status.HTTP_403_FORBIDDEN,
    ErrorKind.NOT_FOUND: status.HTTP_404_NOT_FOUND,
    ErrorKind.CONFLICT: status.HTTP_409_CONFLICT,
    ErrorKind.UNAVAILABLE: status.HTTP_503_SERVICE_UNAVAILABLE,
}


class ReadsBodyMixin:
    """Parse the body of every request that may carry one, also where the endpoint takes no input.

    A body the parsers refuse (malformed, or nested too deeply: ``core.parsers``) is then a 400 on every
    endpoint, before the action runs, instead of being ignored by the actions that read nothing.
    """

    def initial(self, request, *args, **kwargs) -> None:
        super().initial(request, *args, **kwargs)
        if request.method not in SAFE_METHODS:
            request.data  # noqa: B018 - reading it parses it, and raises ParseError for a body it refuses


class ErrorSerializer(serializers.Serializer):
    """A refused request: a stable code for programs and a message for people."""

    code = serializers.CharField(help_text=_("A stable identifier of the reason, for programs."))
    detail = serializers.CharField(help_text=_("Why the request was refused, in the user's language."))


def domain_error_status(error: DomainError) -> int:
    """Return the HTTP status that tells a client what kind of refusal this is."""
    return STATUS_BY_KIND[error.kind]


def domain_error_body(error: DomainError) -> dict:
    message = str(error.message)
    body: dict = {"code": error.code, "detail": message}
    if error.field:
        body[error.field] = [message]
    return body


def api_exception_handler(exc: Exception, context: dict) -> Response | None:
    """Turn an exception raised by a view into a JSON response (None lets Django answer with a 500)."""
    if isinstance(exc, DomainError):
        set_rollback()
        return Response(domain_error_body(exc), status=domain_error_status(exc))
    response = exception_handler(exc, context)
    if response is not None and not isinstance(exc, ValidationError) and _is_detail_only(response.data):
        response.data["code"] = getattr(response.data["detail"], "code", None) or "error"
    return response


def _is_detail_only(data) -> bool:
    return isinstance(data, dict) and set(data) == {"detail"}
