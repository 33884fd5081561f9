"""Who the sweep tells, what the notices say, and what the complaint's timeline records."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.test import Client

from accounts.roles import Role
from accounts.tests.factories import LearnerFactory, StaffFactory, UserFactory
from complaints.models import Category, ComplaintEvent, EventKind
from complaints.services import complaint_file, complaint_set_severity
from notifications import sms
from notifications.models import Notification, NotificationPreference
from notifications.services import notification_deliver
from privacy.services import purpose_consent_grant
from sla.models import Clock, Escalation, Target
from sla.services import sla_sweep

SHANGHAI = ZoneInfo("Asia/Shanghai")
FILED = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=SHANGHAI)


def minutes(n: int) -> datetime.datetime:
    return FILED + datetime.timedelta(minutes=n)


def file(category, **fields):
    learner = LearnerFactory()
    with time_machine.travel(FILED, tick=False):
        return complaint_file(
            actor=learner, complainant=learner, category=category, title="投诉", description="经过", **fields
        )


def told(kind: str) -> list[tuple[int, str]]:
    return sorted(Notification.objects.filter(kind=kind).values_list("recipient_id", "channel"))


def supervise(department, person) -> None:
    department.supervisor = person
    department.save()


@pytest.fixture
def category(db):
    """A category routed to a department without a supervisor, whose default department has none either."""
    category = Category.objects.get(code="service")
    supervise(category.default_department, None)
    return category


@pytest.mark.django_db
def test_a_breach_in_a_department_without_a_supervisor_reaches_the_category_default_departments_supervisor(
    category,
):
    # given a complaint assigned to a department without a supervisor, whose category's default department
    # has one
    fallback = StaffFactory(department=category.default_department, roles=[Role.SUPERVISOR])
    supervise(category.default_department, fallback)
    other = Category.objects.exclude(default_department=category.default_department).first()
    supervise(other.default_department, None)
    complaint = file(category)
    complaint.department = other.default_department
    complaint.save(update_fields=["department"])

    # when the acknowledgement clock breaches
    result = sla_sweep(now=minutes(61))

    # then the supervisor of the category's default department is told, once, and nobody else
    assert result.unreached == 0
    assert told("sla_breach") == [(fallback.pk, "email"), (fallback.pk, "in_app")]
    assert told("sla_warning") == []  # the same person: one notice, the breach's
    assert set(Escalation.objects.values_list("level", "reached_nobody")) == {
        ("warning", False),
        ("breach", False),
    }
    assert sorted(
        ComplaintEvent.objects.filter(complaint=complaint, kind=EventKind.ESCALATION).values_list(
            "data__recipients", flat=True
        )
    ) == [1, 1]


@pytest.mark.django_db
def test_without_any_supervisor_the_leadership_group_is_told(category):
    leaders = sorted(StaffFactory(roles=[Role.LEADERSHIP]).pk for _ in range(2))
    file(category)

    sla_sweep(now=minutes(61))

    assert told("sla_breach") == sorted((pk, channel) for pk in leaders for channel in ("email", "in_app"))
    assert not Escalation.objects.filter(reached_nobody=True).exists()


@pytest.mark.django_db
def test_an_escalation_that_reaches_nobody_is_kept_and_shown_in_the_admin(category, client):
    # given no owner, no supervisor anywhere and an empty leadership group
    complaint = file(category)

    result = sla_sweep(now=minutes(61))

    # then nothing is sent, the escalations say so, and the admin lists them under "Nobody told"
    assert (result.breaches, result.unreached, result.notices) == (1, 2, 0)
    assert not Notification.objects.filter(kind__startswith="sla_").exists()
    assert sorted(Escalation.objects.filter(reached_nobody=True).values_list("level", flat=True)) == [
        "breach",
        "warning",
    ]
    staff_client = client
    staff_client.force_login(UserFactory(is_staff=True, is_superuser=True))
    page = staff_client.get("/admin/sla/escalation/", {"reached": "no"})
    assert page.status_code == 200
    assert len(page.context["cl"].result_list) == 2
    assert (
        staff_client.get("/admin/sla/escalation/", {"reached": "yes"}).context["cl"].result_list.count() == 0
    )
    events = ComplaintEvent.objects.filter(complaint=complaint, kind=EventKind.ESCALATION)
    assert events.count() == 2
    assert all("无人可通知" in event.body for event in events)
    # and the managers' dashboard says so, with a link to that list
    manager = Client()
    manager.force_login(StaffFactory(roles=[Role.MANAGER]))
    with time_machine.travel(minutes(62), tick=False):
        dashboard = manager.get("/dashboard/").content.decode()
    assert 'id="unreached-escalations"' in dashboard
    assert "/admin/sla/escalation/?reached=no" in dashboard


@pytest.mark.django_db
def test_a_leader_who_supervises_the_department_gets_one_notice_per_channel_per_breach(category):
    # given a major complaint whose department's supervisor is also in the leadership group
    leader = StaffFactory(department=category.default_department, roles=[Role.SUPERVISOR, Role.LEADERSHIP])
    supervise(category.default_department, leader)
    other_leader = StaffFactory(roles=[Role.LEADERSHIP])
    complaint = file(category)
    with time_machine.travel(minutes(5), tick=False):
        complaint_set_severity(complaint=complaint, severity="major", reason="涉及多名学员", actor=leader)

    sla_sweep(now=minutes(61))
    sla_sweep(now=minutes(62))

    # then the leader gets the leadership notice once per channel, and no warning or breach notice besides
    mine = Notification.objects.filter(recipient=leader)
    assert sorted(mine.values_list("kind", "channel")) == [
        ("sla_leadership_breach", "email"),
        ("sla_leadership_breach", "in_app"),
    ]
    assert told("sla_leadership_breach") == sorted(
        (pk, channel) for pk in (leader.pk, other_leader.pk) for channel in ("email", "in_app")
    )


@pytest.mark.django_db
def test_a_complaint_made_major_after_its_breach_reaches_the_leadership_once(category):
    supervisor = StaffFactory(department=category.default_department, roles=[Role.SUPERVISOR])
    supervise(category.default_department, supervisor)
    leader = StaffFactory(roles=[Role.LEADERSHIP])
    complaint = file(category)
    first = sla_sweep(now=minutes(61))
    assert (first.breaches, first.leadership) == (1, 0)
    assert told("sla_leadership_breach") == []

    # when the complaint is made major after its clock breached
    with time_machine.travel(minutes(70), tick=False):
        complaint_set_severity(complaint=complaint, severity="major", reason="涉及多名学员", actor=supervisor)
    second = sla_sweep(now=minutes(71))
    third = sla_sweep(now=minutes(72))

    # then the next sweep tells the leadership group, once, of the clock that breached
    assert (second.warnings, second.breaches, second.leadership) == (0, 0, 1)
    assert (third.warnings, third.breaches, third.leadership, third.notices) == (0, 0, 0, 0)
    assert told("sla_leadership_breach") == [(leader.pk, "email"), (leader.pk, "in_app")]
    assert list(Escalation.objects.filter(level="leadership").values_list("target", flat=True)) == [
        Target.ACKNOWLEDGE
    ]
    assert told("sla_breach") == [(supervisor.pk, "email"), (supervisor.pk, "in_app")]  # not told again


@pytest.mark.django_db
def test_a_severity_lowered_before_the_breach_keeps_the_leadership_out(category):
    leader = StaffFactory(roles=[Role.LEADERSHIP])
    supervisor = StaffFactory(department=category.default_department, roles=[Role.SUPERVISOR])
    supervise(category.default_department, supervisor)
    complaint = file(category)
    with time_machine.travel(minutes(5), tick=False):
        complaint_set_severity(complaint=complaint, severity="major", reason="涉及多名学员", actor=supervisor)
    with time_machine.travel(minutes(6), tick=False):
        complaint_set_severity(
            complaint=complaint, severity="important", reason="核实后降级", actor=supervisor
        )

    sla_sweep(now=minutes(61))

    assert not Notification.objects.filter(recipient=leader).exists()
    assert not Clock.objects.filter(breach_reaches_leadership=True).exists()


@pytest.mark.django_db
def test_each_escalation_is_an_internal_event_on_the_timeline(category, client):
    supervisor = StaffFactory(department=category.default_department, roles=[Role.SUPERVISOR])
    supervise(category.default_department, supervisor)
    complaint = file(category)

    sla_sweep(now=minutes(61))
    sla_sweep(now=minutes(62))

    events = ComplaintEvent.objects.filter(complaint=complaint, kind=EventKind.ESCALATION)
    assert sorted(events.values_list("data__level", "data__target", "is_public", "actor")) == [
        ("breach", Target.ACKNOWLEDGE, False, None),
        ("warning", Target.ACKNOWLEDGE, False, None),
    ]
    assert all(event.created_at == minutes(61) for event in events)
    # and the complainant does not see them
    client.force_login(complaint.complainant)
    page = client.get(f"/complaints/{complaint.reference}/").content.decode()
    for event in events:
        assert event.body not in page


def sms_ready_staff(**fields):
    person = StaffFactory(mobile="13912345678", **fields)
    purpose_consent_grant(user=person, purpose="sms_notices", given_by=person)
    NotificationPreference.objects.create(user=person, email=True, sms=True)
    return person


# (kind, language): the words each channel's text must carry besides the reference
EXPECTED = {
    ("sla_warning", "zh-hans"): ["确认受理", "11:00", "剩余 15 分钟"],
    ("sla_warning", "en"): ["acknowledgement", "11:00", "15 minutes left"],
    ("sla_breach", "zh-hans"): ["确认受理", "11:00", "逾期"],
    ("sla_breach", "en"): ["acknowledgement", "11:00", "Overdue"],
    ("sla_leadership_breach", "zh-hans"): ["重大投诉", "确认受理", "11:00"],
    ("sla_leadership_breach", "en"): ["Major complaint", "acknowledgement", "11:00"],
}


@pytest.fixture
def _empty_sms_outbox():
    sms.outbox.clear()
    yield
    sms.outbox.clear()


@pytest.mark.django_db
@pytest.mark.usefixtures("_empty_sms_outbox")
@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("kind", ["sla_warning", "sla_breach", "sla_leadership_breach"])
@pytest.mark.parametrize("channel", ["in_app", "email", "sms"])
def test_each_sla_notice_says_what_is_due_and_when_on_each_channel(
    category, settings, kind, language, channel
):
    # given a complaint nobody owns yet, in the department of a supervisor who is also a leader
    person = sms_ready_staff(department=category.default_department, roles=[Role.SUPERVISOR, Role.LEADERSHIP])
    person.preferred_language = language
    person.save(update_fields=["preferred_language"])
    supervise(category.default_department, person)
    complaint = file(category)
    if kind == "sla_leadership_breach":
        with time_machine.travel(minutes(5), tick=False):
            complaint_set_severity(complaint=complaint, severity="major", reason="重大", actor=person)
    # the one-hour acknowledgement warns at 10:45, 15 minutes before it is due at 11:00
    sla_sweep(now=minutes(45) if kind == "sla_warning" else minutes(61))
    notice = Notification.objects.get(recipient=person, kind=kind, channel=channel)

    # when it is delivered
    delivered = notification_deliver(notification_id=notice.pk, now=minutes(62))

    # then its text names the complaint, the target, the due time (and what is left) in the person's language
    assert delivered.state == "sent"
    if channel == "email":
        (message,) = mail.outbox
        texts = [message.subject, message.body]
        assert "/admin/complaints/complaint/?q=" + complaint.reference in message.body
    elif channel == "sms":
        (message,) = sms.outbox
        texts = [message["text"]]
    else:
        client = Client()
        client.force_login(person)
        texts = [client.get("/notifications/").content.decode()]
    for text in texts:
        assert complaint.reference in text
    for word in EXPECTED[kind, language]:
        assert any(word in text for text in texts), (word, texts)
