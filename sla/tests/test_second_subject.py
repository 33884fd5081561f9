"""A second registered subject (the test-only probe app) is swept by the same code as complaints: clocks, a
warning at 75 %, a breach notice and a leadership notice, each exactly once however many sweeps race."""

import datetime
import threading
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection

from accounts.roles import Role
from accounts.tests.factories import StaffFactory
from notifications.models import Notification
from sla.models import Clock, Escalation, Target
from sla.services import sla_sweep
from sla.tests.probe.clocks import probe_clocks_sync
from sla.tests.probe.models import Probe, ProbeRecord

SHANGHAI = ZoneInfo("Asia/Shanghai")
STARTED = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=SHANGHAI)
PROBES = 12


def at(minutes: int) -> datetime.datetime:
    return STARTED + datetime.timedelta(minutes=minutes)


def make_probes(count: int, *, severity: str = "major") -> tuple[list[Probe], object, object, list]:
    owner, supervisor = StaffFactory(roles=[Role.AGENT]), StaffFactory(roles=[Role.SUPERVISOR])
    leaders = [StaffFactory(roles=[Role.LEADERSHIP]) for _ in range(2)]
    probes = []
    with time_machine.travel(STARTED, tick=False):
        for number in range(count):
            probe = Probe.objects.create(
                reference=f"PR-{number:04d}", severity=severity, owner=owner, supervisor=supervisor
            )
            probe_clocks_sync(probe)
            probes.append(probe)
    return probes, owner, supervisor, leaders


def sweep_concurrently(workers: int, now: datetime.datetime) -> None:
    start = threading.Barrier(workers)
    errors = []

    def sweep():
        try:
            start.wait()
            sla_sweep(now=now)
        except Exception as error:  # a failure in a thread must fail the test
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert not any(thread.is_alive() for thread in threads)


@pytest.mark.django_db
def test_a_probe_gets_three_clocks_from_the_shared_policy_table():
    (probe,), *_ = make_probes(1)
    clocks = {clock.target: clock for clock in Clock.objects.filter(probe=probe)}
    assert set(clocks) == set(Target)
    assert clocks[Target.ACKNOWLEDGE].due_at == at(60)
    assert clocks[Target.ACKNOWLEDGE].warn_at == at(45)
    assert all(clock.breach_reaches_leadership for clock in clocks.values())


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("workers", [2, 4])
def test_concurrent_sweeps_warn_breach_and_tell_the_leadership_of_each_probe_once(workers):
    probes, owner, supervisor, leaders = make_probes(PROBES)

    # before the warning time, nothing
    sweep_concurrently(workers, at(44))
    assert not Escalation.objects.exists()

    # at 75 % of the one-hour acknowledgement: one warning per probe, to its owner
    sweep_concurrently(workers, at(46))
    assert Escalation.objects.filter(level="warning", target=Target.ACKNOWLEDGE).count() == PROBES
    assert Escalation.objects.exclude(level="warning").count() == 0
    assert (
        sorted(Notification.objects.filter(kind="probe_warning").values_list("recipient_id", flat=True))
        == [owner.pk] * PROBES * 2
    )  # in-app and e-mail

    # past the due time: one breach notice per probe to its supervisor, one leadership notice per leader
    sweep_concurrently(workers, at(61))
    sweep_concurrently(workers, at(62))
    assert Escalation.objects.filter(level="breach").count() == PROBES
    assert Escalation.objects.filter(level="leadership").count() == PROBES
    assert Escalation.objects.count() == 3 * PROBES
    assert Notification.objects.filter(kind="probe_breach", recipient=supervisor).count() == PROBES * 2
    assert Notification.objects.filter(kind="probe_breach").exclude(recipient=supervisor).count() == 0
    for leader in leaders:
        assert Notification.objects.filter(kind="probe_leadership", recipient=leader).count() == PROBES * 2
    assert Notification.objects.filter(kind="probe_warning").count() == PROBES * 2  # no warning again
    # no complaint notices and no complaint timeline rows came of it
    assert not Notification.objects.filter(kind__startswith="sla_").exists()
    # and the probe's own record got each escalation once
    assert ProbeRecord.objects.count() == 3 * PROBES
    assert set(ProbeRecord.objects.values_list("recipients", flat=True)) == {1, len(leaders)}
    notice = Notification.objects.filter(kind="probe_breach").first()
    assert notice.context["reference"].startswith("PR-")
    assert {probe.pk for probe in probes} == set(ProbeRecord.objects.values_list("probe_id", flat=True))


@pytest.mark.django_db
def test_a_general_probe_never_reaches_the_leadership():
    make_probes(3, severity="general")
    sla_sweep(now=at(61))
    sla_sweep(now=at(62))
    assert Escalation.objects.filter(level="breach").count() == 3
    assert not Escalation.objects.filter(level="leadership").exists()
    assert not Notification.objects.filter(kind="probe_leadership").exists()
