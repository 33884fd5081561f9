"""The Celery runtime an operator deploys: tasks in their own queues with time limits, and a beat that fails
over.

The queue tests send real messages to the test Redis broker and read where they landed. The failover test
starts two real ``celery beat`` processes on the test Redis, kills the one holding the lock, and watches the
stand-by take the lock and send the SLA sweep, once, on its schedule.
"""

import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
import redis
from django.conf import settings

from config.celery import QUEUE_TIME_LIMITS, QUEUES, app, queue_for

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def broker():
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    client.delete(*QUEUES)
    yield client
    client.delete(*QUEUES)
    client.close()


def project_tasks() -> dict:
    app.loader.import_default_modules()
    return {name: task for name, task in app.tasks.items() if not name.startswith("celery.")}


def test_every_task_has_a_queue_and_soft_and_hard_time_limits_of_that_queue():
    tasks = project_tasks()
    assert len(tasks) >= 15
    for name, task in tasks.items():
        soft, hard = QUEUE_TIME_LIMITS[queue_for(name)]
        assert (task.soft_time_limit, task.time_limit) == (soft, hard), name
        assert 0 < task.soft_time_limit < task.time_limit, name


def test_the_sweeps_the_notices_and_the_reports_each_have_their_queue():
    assert queue_for("sla.tasks.sla_sweep_task") == "sla"
    assert queue_for("complaints.tasks.auto_close_responded_task") == "sla"
    assert queue_for("counseling.tasks.counselling_sweep_task") == "sla"
    assert queue_for("notifications.tasks.deliver_notification") == "notices"
    assert queue_for("dashboard.tasks.report_generate_task") == "reports"
    assert queue_for("accounts.tasks.clear_expired_sessions") == "default"
    assert set(QUEUES) == {"default", "sla", "notices", "reports"}


def test_a_message_lands_in_its_own_queue_and_no_other(broker):
    tasks = project_tasks()

    tasks["sla.tasks.sla_sweep_task"].apply_async(retry=False, ignore_result=True)
    tasks["notifications.tasks.deliver_notification"].apply_async((0,), retry=False, ignore_result=True)
    tasks["notifications.tasks.deliver_notification"].apply_async((0,), retry=False, ignore_result=True)

    assert {queue: broker.llen(queue) for queue in QUEUES} == {
        "default": 0,
        "sla": 1,
        "notices": 2,
        "reports": 0,
    }


class Beat:
    """A real ``celery beat`` process whose log lines are read as they come."""

    def __init__(self, env: dict):
        self.lines: list[str] = []
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "beat", "--loglevel", "INFO"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.append(line)

    def said(self, text: str) -> int:
        return sum(text in line for line in list(self.lines))

    def wait_for(self, text: str, timeout: float) -> float:
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            if self.said(text):
                return time.monotonic() - started
            if self.process.poll() is not None:
                break
            time.sleep(0.2)
        raise AssertionError(f"beat never said {text!r}:\n{''.join(self.lines)}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@pytest.mark.timeout(180)
def test_killing_the_active_beat_lets_the_stand_by_take_over_and_send_the_sweep_once(broker):
    prefix = f"lrtest:beat:{uuid.uuid4().hex}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "TEST_REDIS_URL": settings.CELERY_BROKER_URL,
        "CELERY_REDBEAT_KEY_PREFIX": prefix,
    }
    sweep_sent = "Sending due task sla-sweep"
    active = Beat(env)
    stand_by = None
    try:
        active.wait_for("beat: Acquired lock", timeout=30)
        started = time.monotonic()
        stand_by = Beat(env)
        stand_by.wait_for("beat: Starting", timeout=30)
        time.sleep(2)
        assert stand_by.said("beat: Acquired lock") == 0

        active.process.send_signal(signal.SIGKILL)
        active.process.wait(timeout=10)
        killed = time.monotonic()
        waited = stand_by.wait_for("beat: Acquired lock", timeout=60)
        assert waited < settings.CELERY_REDBEAT_LOCK_TIMEOUT + settings.CELERY_BEAT_MAX_LOOP_INTERVAL + 5

        # The sweep is due a minute after the first beat started; the stand-by sends it on that schedule.
        stand_by.wait_for(sweep_sent, timeout=max(5.0, 75 - (time.monotonic() - started)))
        time.sleep(1)
        assert active.said(sweep_sent) == 0
        assert stand_by.said(sweep_sent) == 1
        assert broker.llen("sla") >= 1
        assert killed - started < 60  # the first beat died before the sweep was due: it sent none
    finally:
        active.stop()
        if stand_by is not None:
            stand_by.stop()
        client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
        keys = list(client.scan_iter(f"{prefix}*"))
        if keys:
            client.delete(*keys)
        client.close()
