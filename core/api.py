"""The API's one exception handler: domain errors of every app become JSON with a stable code.

Shapes (the OpenAPI schema documents them as ``ErrorSerializer``):

- a complaint-workflow refusal: ``{"code": ..., "detail": message}``, plus ``{<field>: [message]}`` when the
  error concerns one input field; 400 for a broken rule or refused evidence, 403 for an actor who may not do
  it (or is the person the complaint is about), 409 when the complaint's state does not allow it;
- a privacy refusal: 400 ``{"code": ..., "detail": message}``;
- DRF's own errors keep DRF's shapes: ``{"field": ["message"]}`` for invalid input, ``{"detail": message}``
  (with ``code`` added) for the rest, 404 for what does not exist or is not the user's.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response
from rest_framework.views import exception_handler, set_rollback

from complaints.errors import (
    ComplaintError,
    ComplaintPermissionDenied,
    ConflictOfInterest,
    TransitionNotAllowed,
)
from privacy.services import PrivacyError


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


def complaint_error_status(error: ComplaintError) -> int:
    """Return the HTTP status that tells a client what kind of refusal this is."""
    if isinstance(error, ComplaintPermissionDenied | ConflictOfInterest):
        return status.HTTP_403_FORBIDDEN
    if isinstance(error, TransitionNotAllowed):
        return status.HTTP_409_CONFLICT
    return status.HTTP_400_BAD_REQUEST


def complaint_error_body(error: ComplaintError) -> dict:
    message = str(error.message)
    body: dict = {"code": error.code, "detail": message}
    if error.field:
        body[error.field] = [message]
    return body


def api_exception_handler(exc: Exception, context: dict) -> Response | None:
    """Turn an exception raised by a view into a JSON response (None lets Django answer with a 500)."""
    if isinstance(exc, ComplaintError):
        set_rollback()
        return Response(complaint_error_body(exc), status=complaint_error_status(exc))
    if isinstance(exc, PrivacyError):
        set_rollback()
        return Response({"code": exc.code, "detail": str(exc.message)}, status=status.HTTP_400_BAD_REQUEST)
    response = exception_handler(exc, context)
    if response is not None and not isinstance(exc, ValidationError) and _is_detail_only(response.data):
        response.data["code"] = getattr(response.data["detail"], "code", None) or "error"
    return response


def _is_detail_only(data) -> bool:
    return isinstance(data, dict) and set(data) == {"detail"}
