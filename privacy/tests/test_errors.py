"""Privacy refusals are domain errors: the API's one handler answers them with their kind's status."""

import pytest

from core.api import api_exception_handler
from core.errors import DomainError
from privacy.services import PrivacyConflict, PrivacyError, PrivacyPermissionDenied


def test_a_privacy_error_answers_400_with_code_and_detail():
    response = api_exception_handler(PrivacyError("export_pending", "已有导出请求在处理中。"), {})

    assert response.status_code == 400
    assert response.data == {"code": "export_pending", "detail": "已有导出请求在处理中。"}


@pytest.mark.parametrize(("error_class", "status"), [(PrivacyPermissionDenied, 403), (PrivacyConflict, 409)])
def test_privacy_refusals_of_the_person_or_of_the_state_have_their_own_status(error_class, status):
    error = error_class("already_handled", "已处理。")

    response = api_exception_handler(error, {})

    assert isinstance(error, PrivacyError)
    assert isinstance(error, DomainError)
    assert response.status_code == status
    assert response.data == {"code": "already_handled", "detail": "已处理。"}
