"""Against the real Redis and a real Celery worker: after the broker is emptied and the worker restarts, the
next SLA sweep and the delivery sweep still send every due escalation notice exactly once."""

import datetime

import pytest
import redis
import time_machine
from django.conf import settings
from django.core import mail
from django.utils import timezone

from accounts.roles import Role
from accounts.tests.factories import LearnerFactory, StaffFactory
from complaints.models import Category
from complaints.services import complaint_file
from config.celery import app
from notifications.models import Notification
from notifications.tasks import deliver_pending_notifications
from sla.models import Escalation
from sla.tasks import sla_sweep_task
from tests.worker import worker_on_every_queue

TIMEOUT = 30


@pytest.mark.django_db(transaction=True)
def test_escalations_survive_an_emptied_redis_and_a_restarted_worker():
    category = Category.objects.get(code="service")
    supervisor = StaffFactory(department=category.default_department, roles=[Role.SUPERVISOR])
    category.default_department.supervisor = supervisor
    category.default_department.save()
    learner = LearnerFactory()
    # A complaint filed two hours ago that nobody acknowledged: its one-hour clock is overdue. (No worker runs
    # while time travels: travelling moves every thread's clock, a worker's event loop too.)
    with time_machine.travel(timezone.now() - datetime.timedelta(hours=2), tick=False):
        complaint = complaint_file(
            actor=learner, complainant=learner, category=category, title="无人受理", description="经过"
        )

    # a worker runs, then goes away (stopped from its own thread, as a real shutdown does)
    with worker_on_every_queue():
        assert app.control.ping(timeout=2)

    # and the broker is emptied of everything it held
    broker = redis.Redis.from_url(settings.REDIS_URL)  # this suite's own Redis database
    broker.flushdb()
    assert broker.dbsize() == 0

    with worker_on_every_queue():
        first = sla_sweep_task.delay().get(timeout=TIMEOUT)
        assert (first["warnings"], first["breaches"]) == (1, 1)
        # the sweep queues a delivery sweep after it commits; the scheduled one may run as well
        deliver_pending_notifications.delay().get(timeout=TIMEOUT)

        # a second sweep and a second delivery sweep find nothing more to do
        again = sla_sweep_task.delay().get(timeout=TIMEOUT)
        assert (again["warnings"], again["breaches"], again["notices"]) == (0, 0, 0)
        assert deliver_pending_notifications.delay().get(timeout=TIMEOUT) == 0

    assert sorted(Escalation.objects.filter(complaint=complaint).values_list("level", flat=True)) == [
        "breach",
        "warning",
    ]
    notices = Notification.objects.filter(kind__startswith="sla_")
    # warning and breach both name the supervisor, who gets one notice of the clock's breach, in-app and by
    # e-mail
    assert sorted(notices.values_list("kind", "channel")) == [
        ("sla_breach", "email"),
        ("sla_breach", "in_app"),
    ]
    assert {notice.state for notice in notices} == {"sent"}
    assert [message.to for message in mail.outbox] == [[supervisor.email]]
