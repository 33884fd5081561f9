"""The complaint workflow's refusals through the API's one exception handler: status and shape."""

import pytest
from django.http import Http404
from rest_framework.exceptions import PermissionDenied, ValidationError

from complaints.errors import (
    ComplaintError,
    ComplaintPermissionDenied,
    ConflictOfInterest,
    InvalidEvidence,
    RuleViolation,
    TransitionNotAllowed,
)
from core.api import api_exception_handler


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (RuleViolation("太晚了", code="appeal_window_closed"), 400),
        (ComplaintError("不行"), 400),
        (TransitionNotAllowed(), 409),
        (ComplaintPermissionDenied(), 403),
        # a conflict of interest is a rule violation by type, but a refusal of the person: 403
        (ConflictOfInterest(), 403),
    ],
)
def test_complaint_errors_without_a_field_answer_code_and_detail(error, status):
    response = api_exception_handler(error, {})

    assert response.status_code == status
    assert response.data == {"code": error.code, "detail": str(error.message)}


def test_a_complaint_error_about_a_field_also_answers_under_that_field():
    error = RuleViolation("请填写原因。", code="required", field="reason")

    response = api_exception_handler(error, {})

    assert response.status_code == 400
    assert response.data == {"code": "required", "detail": "请填写原因。", "reason": ["请填写原因。"]}


def test_refused_evidence_answers_under_attachments():
    response = api_exception_handler(InvalidEvidence("不是图片", code="file_type_not_allowed"), {})

    assert response.status_code == 400
    assert response.data["attachments"] == ["不是图片"]


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
