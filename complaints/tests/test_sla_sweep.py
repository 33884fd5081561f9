"""The sweep warns and escalates each (complaint, target, level) exactly once, whatever runs twice."""

import datetime
import threading
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection

from accounts.roles import Role
from accounts.tests.factories import LearnerFactory, StaffFactory
from complaints.models import Category
from complaints.services import complaint_acknowledge, complaint_file, complaint_set_severity
from notifications.models import Notification
from sla.models import Clock, Escalation, Target
from sla.services import sla_sweep

SHANGHAI = ZoneInfo("Asia/Shanghai")
FILED = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=SHANGHAI)


def minutes(n: int) -> datetime.datetime:
    return FILED + datetime.timedelta(minutes=n)


@pytest.fixture
def department_staff(db):
    category = Category.objects.get(code="service")
    supervisor = StaffFactory(department=category.default_department, roles=[Role.SUPERVISOR])
    category.default_department.supervisor = supervisor
    category.default_department.save()
    agent = StaffFactory(department=category.default_department, roles=[Role.AGENT])
    leaders = [StaffFactory(roles=[Role.LEADERSHIP]) for _ in range(2)]
    return category, agent, supervisor, leaders


def file(category):
    learner = LearnerFactory()
    with time_machine.travel(FILED, tick=False):
        return complaint_file(
            actor=learner, complainant=learner, category=category, title="投诉", description="经过"
        )


def notices(kind: str) -> list[tuple[int, str]]:
    return sorted(Notification.objects.filter(kind=kind).values_list("recipient_id", "channel"))


@pytest.mark.django_db
def test_nothing_is_escalated_before_the_warning_time(department_staff):
    category, *_ = department_staff
    file(category)
    result = sla_sweep(now=minutes(44))
    assert (result.warnings, result.breaches) == (0, 0)
    assert not Escalation.objects.exists()


@pytest.mark.django_db
def test_a_complaint_acknowledged_in_time_escalates_nothing(department_staff):
    category, agent, *_ = department_staff
    complaint = file(category)
    with time_machine.travel(minutes(30), tick=False):
        complaint_acknowledge(complaint=complaint, actor=agent)
    before = Notification.objects.count()
    sla_sweep(now=minutes(61))
    sla_sweep(now=minutes(120))
    assert not Escalation.objects.filter(target=Target.ACKNOWLEDGE).exists()
    assert Notification.objects.count() == before


@pytest.mark.django_db
def test_warning_then_breach_each_once_however_often_the_sweep_runs(department_staff):
    category, agent, supervisor, _leaders = department_staff
    complaint = file(category)
    with time_machine.travel(minutes(10), tick=False):
        complaint_acknowledge(complaint=complaint, actor=agent)  # the owner is now the agent

    # the first-response clock (72 h) warns at 75 % = 54 h and breaches at 72 h
    for _ in range(2):
        sla_sweep(now=FILED + datetime.timedelta(hours=54, minutes=1))
    assert list(Escalation.objects.values_list("target", "level")) == [(Target.FIRST_RESPONSE, "warning")]
    assert notices("sla_warning") == sorted([(agent.pk, "email"), (agent.pk, "in_app")])

    for _ in range(3):
        sla_sweep(now=FILED + datetime.timedelta(hours=72, minutes=1))
    assert sorted(Escalation.objects.values_list("target", "level")) == [
        (Target.FIRST_RESPONSE, "breach"),
        (Target.FIRST_RESPONSE, "warning"),
    ]
    assert notices("sla_breach") == sorted([(supervisor.pk, "email"), (supervisor.pk, "in_app")])
    assert notices("sla_leadership_breach") == []  # not a major complaint
    clock = Clock.objects.get(complaint=complaint, target=Target.FIRST_RESPONSE)
    assert clock.warned_at is not None and clock.breached_at is not None


@pytest.mark.django_db
def test_an_unacknowledged_major_complaint_reaches_the_leadership_group(department_staff):
    category, _agent, supervisor, leaders = department_staff
    complaint = file(category)
    with time_machine.travel(minutes(5), tick=False):
        complaint_set_severity(complaint=complaint, severity="major", reason="涉及多名学员", actor=supervisor)

    result = sla_sweep(now=minutes(61))
    again = sla_sweep(now=minutes(62))

    assert (result.warnings, result.breaches, result.leadership) == (1, 1, 1)
    assert (again.warnings, again.breaches, again.leadership, again.notices) == (0, 0, 0, 0)
    # no owner yet: the warning and the breach both name the department supervisor, who gets one notice of
    # the two, the breach
    assert notices("sla_warning") == []
    assert notices("sla_breach") == sorted([(supervisor.pk, "email"), (supervisor.pk, "in_app")])
    assert notices("sla_leadership_breach") == sorted(
        (leader.pk, channel) for leader in leaders for channel in ("email", "in_app")
    )
    assert Escalation.objects.filter(complaint=complaint, level="leadership").count() == 1


@pytest.mark.django_db
def test_notices_carry_the_reference_and_no_personal_data(department_staff):
    category, *_ = department_staff
    complaint = file(category)
    sla_sweep(now=minutes(61))
    clock = Clock.objects.get(complaint=complaint, target=Target.ACKNOWLEDGE)
    assert Notification.objects.filter(kind__startswith="sla_").exists()
    for notice in Notification.objects.filter(kind__startswith="sla_"):
        assert notice.context == {
            "reference": complaint.reference,
            "target": Target.ACKNOWLEDGE,
            "due_at": clock.due_at.isoformat(),
            "escalated_at": minutes(61).astimezone(datetime.UTC).isoformat(),
        }


@pytest.mark.django_db
def test_the_command_runs_one_sweep(department_staff):
    category, *_ = department_staff
    file(category)
    out = StringIO()
    with time_machine.travel(minutes(61), tick=False):
        call_command("sla_sweep", stdout=out)
    assert "1 warning" in out.getvalue()
    assert Escalation.objects.filter(level="breach").count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_sweeps_escalate_once():
    category = Category.objects.get(code="service")
    supervisor = StaffFactory(department=category.default_department, roles=[Role.SUPERVISOR])
    category.default_department.supervisor = supervisor
    category.default_department.save()
    for _ in range(20):
        file(category)
    start = threading.Barrier(4)
    errors = []

    def sweep():
        try:
            start.wait()
            sla_sweep(now=minutes(61))
        except Exception as error:  # a failure in a thread must fail the test
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert Escalation.objects.filter(level="warning").count() == 20
    assert Escalation.objects.filter(level="breach").count() == 20
    assert Notification.objects.filter(kind="sla_breach").count() == 20 * 2
