"""Schemathesis over the API's own schema, as a learner and as staff: no answer is a 5xx, and every answer
the schema documents has the documented shape and content type.

The run is bounded and derandomised (a fixed number of examples per operation, the same ones on every run),
so it takes the same few seconds each time and a failure repeats. Requests go through the WSGI application
in the test's own transaction; the complaint named in each path is a real one the person may reach, so the
examples exercise the handlers rather than stopping at a 404.
"""

import secrets

import pytest
import schemathesis
from django.conf import settings
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from accounts.roles import Role
from accounts.tests.factories import DepartmentFactory, LearnerFactory, StaffFactory
from complaints.tests.factories import CategoryFactory, ComplaintFactory

pytestmark = pytest.mark.django_db

EXAMPLES_PER_OPERATION = 12


def api_schema():
    generated = SchemaGenerator().get_schema(request=None, public=True)
    loaded = schemathesis.openapi.from_dict(generated)
    loaded.app = get_wsgi_application()
    return loaded


schema = api_schema()
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]
RUN = hypothesis_settings(
    max_examples=EXAMPLES_PER_OPERATION,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)


def signed_in_headers(user) -> dict[str, str]:
    """The session and CSRF cookies a browser would send, and the CSRF header DRF's session auth asks for."""
    client = Client()
    client.force_login(user)
    csrf = secrets.token_hex(16)  # a 32-character secret, as Django's CSRF cookie holds
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    return {"Cookie": f"{cookie}; {settings.CSRF_COOKIE_NAME}={csrf}", "X-CSRFToken": csrf}


@pytest.fixture(autouse=True)
def connection_kept_across_requests():
    """Keep the test's connection open between requests, as Django's test client does: a real WSGI handler
    closes it at every request's start and end, which would end the test's transaction."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def department():
    return DepartmentFactory()


@pytest.fixture
def learner_case(department):
    learner = LearnerFactory()
    complaint = ComplaintFactory(
        complainant=learner, category=CategoryFactory(default_department=department), responded=True
    )
    return signed_in_headers(learner), complaint


@pytest.fixture
def staff_case(department):
    agent = StaffFactory(department=department, roles=[Role.AGENT, Role.SUPERVISOR])
    complaint = ComplaintFactory(category=CategoryFactory(default_department=department), investigating=True)
    return signed_in_headers(agent), complaint


def call(case, headers, complaint):
    if "reference" in (case.path_parameters or {}):
        case.path_parameters["reference"] = complaint.reference
    case.call_and_validate(headers=headers, checks=CHECKS)


@schema.parametrize()
@RUN
def test_the_api_as_a_learner(case, learner_case):
    call(case, *learner_case)


@schema.parametrize()
@RUN
def test_the_api_as_staff(case, staff_case):
    call(case, *staff_case)
