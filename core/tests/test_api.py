"""The API's one exception handler: each kind of domain refusal gets its status; DRF's errors keep theirs."""

import pytest
from django.http import Http404
from rest_framework.exceptions import PermissionDenied, ValidationError

from core.api import api_exception_handler
from core.errors import Conflict, DomainError, ErrorKind, NotAllowed, NotFound, RuleViolation, Unavailable


class ParcelError(DomainError):
    """A domain of the test's own: the handler knows it only through its base and kind."""

    code = "parcel_error"


class ParcelLost(ParcelError):
    kind = ErrorKind.NOT_FOUND
    code = "parcel_lost"


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (DomainError(), 400),
        (RuleViolation("太晚了", code="window_closed"), 400),
        (NotAllowed(), 403),
        (NotFound(), 404),
        (Conflict(), 409),
        (Unavailable(), 503),
        (ParcelError("不行"), 400),
        (ParcelLost(), 404),
    ],
)
def test_domain_errors_without_a_field_answer_code_and_detail_with_their_kinds_status(error, status):
    response = api_exception_handler(error, {})

    assert response.status_code == status
    assert response.data == {"code": error.code, "detail": str(error.message)}


def test_every_kind_has_a_status():
    errors = [type(f"{kind.name}Error", (DomainError,), {"kind": kind})() for kind in ErrorKind]

    statuses = {api_exception_handler(error, {}).status_code for error in errors}

    assert len(statuses) == len(ErrorKind)


def test_a_domain_error_about_a_field_also_answers_under_that_field():
    error = RuleViolation("请填写原因。", code="required", field="reason")

    response = api_exception_handler(error, {})

    assert response.status_code == 400
    assert response.data == {"code": "required", "detail": "请填写原因。", "reason": ["请填写原因。"]}


def test_http404_stays_404_with_a_code():
    response = api_exception_handler(Http404(), {})

    assert response.status_code == 404
    assert response.data["code"] == "not_found"


def test_drf_errors_keep_their_shape():
    invalid = api_exception_handler(ValidationError({"title": ["必填"]}), {})
    denied = api_exception_handler(PermissionDenied(), {})

    assert (invalid.status_code, invalid.data) == (400, {"title": ["必填"]})
    assert denied.status_code == 403
    assert set(denied.data) == {"detail", "code"}
    assert denied.data["code"] == "permission_denied"


def test_other_exceptions_are_left_to_django():
    assert api_exception_handler(RuntimeError("boom"), {}) is None
