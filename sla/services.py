"""Clocks follow their complaint; the sweep escalates what slips, each step exactly once.

``clocks_sync`` is called by the complaint services after every change (filing, each move, a first reply,
a new severity or urgent flag): it derives each clock from the complaint's own timestamps and state, so
there is one rule for when a clock is met, paused, resumed or stopped:

* acknowledgement is met at ``acknowledged_at``, first response at ``first_responded_at``, resolution at
  ``responded_at``;
* while the complaint awaits the complainant, the first-response and resolution clocks pause; on resume
  their due times move later by the business time that passed;
* when the complaint ends (closed, rejected, merged, withdrawn) any clock not met stops;
* the targets come from the SLA policy for the complaint's severity and urgent flag, so raising either
  recomputes the due times from the start.

``sla_sweep`` is the only place that escalates. Its writes are set-based SQL on the partial indexes of
running clocks; the unique constraint on (complaint, target, level) makes a second sweep, a re-delivered
task or a concurrent worker write nothing twice, and the notices are outbox rows written in the same
transaction as their escalation.
"""

import datetime
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from complaints.business_calendar import add_business_time, business_time_between
from complaints.models import Complaint
from complaints.states import TERMINAL_STATES, State
from notifications.models import Notification

from .models import Clock, Escalation, SlaPolicy, Target

PAUSING_TARGETS = frozenset({Target.FIRST_RESPONSE, Target.RESOLUTION})
NOTICE_KINDS = {
    Escalation.Level.WARNING: "sla_warning",
    Escalation.Level.BREACH: "sla_breach",
    Escalation.Level.LEADERSHIP: "sla_leadership_breach",
}
NOTICE_CHANNELS = (Notification.Channel.IN_APP, Notification.Channel.EMAIL)


class SlaPolicyMissing(Exception):
    """No SLA policy covers the complaint's severity and urgency (the admin deleted one)."""


def policy_for(*, severity: str, is_urgent: bool) -> SlaPolicy:
    policy = (
        SlaPolicy.objects.select_related("calendar").filter(severity=severity, is_urgent=is_urgent).first()
    )
    if policy is None:
        raise SlaPolicyMissing(f"No SLA policy for severity {severity!r}, urgent={is_urgent}.")
    return policy


def _met_at(complaint: Complaint, target: str) -> datetime.datetime | None:
    return {
        Target.ACKNOWLEDGE: complaint.acknowledged_at,
        Target.FIRST_RESPONSE: complaint.first_responded_at,
        Target.RESOLUTION: complaint.responded_at,
    }[Target(target)]


@transaction.atomic
def clocks_sync(*, complaint: Complaint, now: datetime.datetime | None = None) -> list[Clock]:
    """Start, meet, pause, resume, stop and re-time the complaint's clocks to match the complaint.

    Requires the complaint's current row (the caller holds its lock). Raises SlaPolicyMissing when no policy
    covers it. Safe to call any number of times: a second call with nothing new changes nothing.
    """
    now = now or timezone.now()
    policy = policy_for(severity=complaint.severity, is_urgent=complaint.is_urgent)
    calendar = policy.calendar.as_business_calendar()
    existing = {
        clock.target: clock for clock in Clock.objects.select_for_update().filter(complaint=complaint)
    }
    awaiting = complaint.state == State.AWAITING_COMPLAINANT
    finished = complaint.state in TERMINAL_STATES
    clocks = []
    for target in Target:
        clock = existing.get(target) or Clock(
            complaint=complaint, target=target, started_at=complaint.created_at
        )
        clock.duration = policy.target_duration(target)
        clock.warning_percent = policy.warning_percent
        clock.calendar = policy.calendar
        met_at = _met_at(complaint, target)
        if clock.met_at is None and met_at is not None:
            clock.met_at = met_at
            if clock.paused_at is not None:
                clock.paused_for += business_time_between(clock.paused_at, met_at, calendar)
                clock.paused_at = None
        if clock.met_at is None and clock.cancelled_at is None:
            if finished:
                clock.cancelled_at = now
                clock.paused_at = None
            elif awaiting and target in PAUSING_TARGETS and clock.paused_at is None:
                clock.paused_at = now
            elif not awaiting and clock.paused_at is not None:
                clock.paused_for += business_time_between(clock.paused_at, now, calendar)
                clock.paused_at = None
        warning_share = clock.duration * clock.warning_percent / 100
        clock.due_at = add_business_time(clock.started_at, clock.duration + clock.paused_for, calendar)
        clock.warn_at = add_business_time(clock.started_at, warning_share + clock.paused_for, calendar)
        clock.save()
        clocks.append(clock)
    return clocks


@dataclass(frozen=True)
class SweepResult:
    warnings: int
    breaches: int
    leadership: int
    notices: int


_WARN_SQL = """
WITH due AS (
    SELECT id FROM sla_clock
    WHERE met_at IS NULL AND cancelled_at IS NULL AND paused_at IS NULL AND warned_at IS NULL
      AND warn_at <= %(now)s
    FOR UPDATE SKIP LOCKED
), marked AS (
    UPDATE sla_clock AS clock SET warned_at = %(now)s FROM due WHERE clock.id = due.id
    RETURNING clock.id, clock.complaint_id, clock.target
)
INSERT INTO sla_escalation (complaint_id, clock_id, target, level, created_at)
SELECT complaint_id, id, target, 'warning', %(now)s FROM marked
ON CONFLICT ON CONSTRAINT escalation_once_per_level DO NOTHING
RETURNING complaint_id, target, level
"""

_BREACH_SQL = """
WITH due AS (
    SELECT id FROM sla_clock
    WHERE met_at IS NULL AND cancelled_at IS NULL AND paused_at IS NULL AND breached_at IS NULL
      AND due_at <= %(now)s
    FOR UPDATE SKIP LOCKED
), marked AS (
    UPDATE sla_clock AS clock SET breached_at = %(now)s FROM due WHERE clock.id = due.id
    RETURNING clock.id, clock.complaint_id, clock.target
), levels AS (
    SELECT marked.complaint_id, marked.id, marked.target, 'breach' AS level FROM marked
    UNION ALL
    SELECT marked.complaint_id, marked.id, marked.target, 'leadership' FROM marked
    JOIN complaints_complaint AS complaint ON complaint.id = marked.complaint_id
    WHERE complaint.severity = 'major'
)
INSERT INTO sla_escalation (complaint_id, clock_id, target, level, created_at)
SELECT complaint_id, id, target, level, %(now)s FROM levels
ON CONFLICT ON CONSTRAINT escalation_once_per_level DO NOTHING
RETURNING complaint_id, target, level
"""


def _escalate(sql: str, now: datetime.datetime) -> list[tuple[int, str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, {"now": now})
        return cursor.fetchall()


def _notices_for(escalated: list[tuple[int, str, str]], now: datetime.datetime) -> list[Notification]:
    """One notice per recipient and channel: owner, department supervisor, or each leadership member."""
    if not escalated:
        return []
    complaint_ids = {complaint_id for complaint_id, _target, _level in escalated}
    facts = {
        row["id"]: row
        for row in Complaint.objects.filter(pk__in=complaint_ids).values(
            "id", "reference", "owner_id", "department__supervisor_id"
        )
    }
    leaders: list[int] = []
    if any(level == Escalation.Level.LEADERSHIP for _c, _t, level in escalated):
        leaders = list(
            User.objects.filter(is_active=True, groups__name=str(Role.LEADERSHIP)).values_list(
                "pk", flat=True
            )
        )
    notices = []
    for complaint_id, target, level in escalated:
        row = facts[complaint_id]
        if level == Escalation.Level.WARNING:
            recipients = [row["owner_id"] or row["department__supervisor_id"]]
        elif level == Escalation.Level.BREACH:
            recipients = [row["department__supervisor_id"] or row["owner_id"]]
        else:
            recipients = leaders
        context = {"reference": row["reference"], "kind": target}
        for recipient_id in dict.fromkeys(r for r in recipients if r is not None):
            for channel in NOTICE_CHANNELS:
                notices.append(
                    Notification(
                        recipient_id=recipient_id,
                        channel=channel,
                        kind=NOTICE_KINDS[Escalation.Level(level)],
                        context=context,
                        created_at=now,
                        next_attempt_at=now,
                    )
                )
    return Notification.objects.bulk_create(notices, batch_size=2000)


@transaction.atomic
def sla_sweep(*, now: datetime.datetime | None = None) -> SweepResult:
    """Warn owners at the warning time and escalate breaches, each (complaint, target, level) once.

    Causes escalation rows, the clocks' warned/breached marks and the notices, all in one transaction.
    """
    now = now or timezone.now()
    warned = _escalate(_WARN_SQL, now)
    breached = _escalate(_BREACH_SQL, now)
    notices = _notices_for(warned + breached, now)
    return SweepResult(
        warnings=len(warned),
        breaches=sum(1 for _c, _t, level in breached if level == Escalation.Level.BREACH),
        leadership=sum(1 for _c, _t, level in breached if level == Escalation.Level.LEADERSHIP),
        notices=len(notices),
    )
