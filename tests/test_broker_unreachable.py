"""With Redis, the broker, unreachable: a committed change answers at once, and the sweep sends its notices.

The broker and result URLs point at a local port nothing listens on, so every connection is really refused.
"""

import logging
import socket
import time

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.roles import Role
from accounts.tests.factories import DepartmentFactory, StaffFactory
from complaints.states import State
from complaints.tests.factories import CategoryFactory, ComplaintFactory
from config.celery import app
from notifications.models import Notification
from notifications.services import notifications_deliver_due

# What "a moment" means for a request whose commit is followed by queueing its notices.
ANSWER_WITHIN_SECONDS = 2.0


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _forget_connections() -> None:
    # Celery keeps its connection pools and result store per app; drop them so the next task uses the URLs
    # now configured.
    app._pool = None
    app.amqp._producer_pool = None
    app._backend_cache = None
    app._local.__dict__.pop("backend", None)


@pytest.fixture
def broker_unreachable(monkeypatch):
    saved = (app.conf.broker_url, app.conf.result_backend)
    port = closed_port()
    nowhere = f"redis://127.0.0.1:{port}/0"
    # Celery reads these variables before its configuration, so they are changed too.
    monkeypatch.setenv("CELERY_BROKER_URL", nowhere)
    monkeypatch.setenv("CELERY_RESULT_BACKEND", nowhere)
    app.conf.broker_url = app.conf.result_backend = nowhere
    _forget_connections()
    assert app.connection_for_write().port == port
    yield nowhere
    monkeypatch.undo()
    app.conf.broker_url, app.conf.result_backend = saved
    _forget_connections()


@pytest.mark.django_db(transaction=True)
def test_an_acknowledgement_answers_at_once_and_the_next_sweep_delivers_its_notices(
    broker_unreachable, caplog
):
    department = DepartmentFactory()
    agent = StaffFactory(department=department, roles=[Role.AGENT])
    complaint = ComplaintFactory(category=CategoryFactory(default_department=department))
    client = Client()
    client.force_login(agent)
    url = reverse("admin:complaints_complaint_workspace", args=[complaint.pk, "acknowledge"])

    # when the agent acknowledges the complaint while no broker can be reached
    with caplog.at_level(logging.WARNING, logger="notifications.services"):
        started = time.monotonic()
        response = client.post(url, {})
        took = time.monotonic() - started

    # then the page answers within a moment, and the change is committed
    assert response.status_code == 302
    assert took < ANSWER_WITHIN_SECONDS, f"the acknowledgement took {took:.1f} s"
    complaint.refresh_from_db()
    assert (complaint.state, complaint.owner) == (State.ACKNOWLEDGED, agent)

    # and its notices wait in the outbox, unsent but not failed, with the failed queueing logged
    notices = Notification.objects.filter(recipient=complaint.complainant, kind="complaint_acknowledged")
    assert sorted(notices.values_list("channel", "state", "attempts")) == [
        ("email", "pending", 0),
        ("in_app", "pending", 0),
    ]
    assert mail.outbox == []
    assert any("the sweep will deliver it" in record.getMessage() for record in caplog.records)

    # when the minute sweep runs, then each notice is delivered once
    assert notifications_deliver_due() == 2
    assert sorted(notices.values_list("channel", "state", "attempts")) == [
        ("email", "sent", 1),
        ("in_app", "sent", 1),
    ]
    assert [message.to for message in mail.outbox] == [[complaint.complainant.email]]
    assert notifications_deliver_due() == 0
