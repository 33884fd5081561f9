"""scripts/run prints the address and the log-ins last: seed_demo can stay quiet, demo_welcome waits first."""

import io
import time

import pytest
from django.core.management import call_command

from accounts.tests.factories import LearnerFactory
from notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_seed_demo_at_verbosity_0_prints_nothing():
    out = io.StringIO()
    call_command("seed_demo", verbosity=0, stdout=out)
    assert out.getvalue() == ""


def test_the_welcome_names_the_address_and_every_demo_log_in(settings):
    settings.DEMO_PASSWORD = "demo-password-for-test"
    out = io.StringIO()
    # nothing listens at this address: the welcome waits at most its timeout, then prints anyway
    call_command("demo_welcome", url="http://127.0.0.1:9/", timeout=0, stdout=out)
    text = out.getvalue()
    assert "演示站点已在 http://127.0.0.1:9/ 运行" in text
    assert "http://127.0.0.1:9/admin/" in text
    for email in ("agent@demo.edu.cn", "manager@demo.edu.cn", "learner6@demo.edu.cn", "parent@demo.edu.cn"):
        assert f"  {email} " in text
    assert text.rstrip().splitlines()[-3].endswith("demo-password-for-test")


def test_the_welcome_waits_for_the_due_notices_until_its_timeout():
    # given a notice due and nobody to send it
    Notification.objects.create(
        recipient=LearnerFactory(), channel="email", kind="complaint_responded", context={"reference": "TS-1"}
    )
    started = time.monotonic()
    call_command("demo_welcome", url="http://127.0.0.1:9/", timeout=2, stdout=io.StringIO())
    assert time.monotonic() - started >= 2
