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
import logging
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from complaints.business_calendar import add_business_time, business_time_between
from complaints.models import Complaint
from complaints.states import TERMINAL_STATES, State

from .models import Clock, SlaPolicy, Target

logger = logging.getLogger(__name__)

PAUSING_TARGETS = frozenset({Target.FIRST_RESPONSE, Target.RESOLUTION})


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


# One statement: lock the running clocks past their warning or due time (skipping rows another sweep holds),
# mark each once, insert their escalations (the unique constraint drops any that exist), and write the
# notices of the escalations actually inserted: warnings to the owner (else the department supervisor),
# breaches to the supervisor (else the owner), major breaches to every active member of the leadership
# group; in-app always, e-mail unless the person turned it off. Both thresholds are handled in the same
# pass so a clock row is rewritten once, however far it slipped.
_SWEEP_SQL = """
WITH due AS (
    SELECT id,
        warned_at IS NULL AND warn_at <= %(now)s AS warn_now,
        breached_at IS NULL AND due_at <= %(now)s AS breach_now
    FROM sla_clock
    WHERE met_at IS NULL AND cancelled_at IS NULL AND paused_at IS NULL
      AND ((warned_at IS NULL AND warn_at <= %(now)s) OR (breached_at IS NULL AND due_at <= %(now)s))
    FOR UPDATE SKIP LOCKED
), marked AS (
    UPDATE sla_clock AS clock SET
        warned_at = CASE WHEN due.warn_now THEN %(now)s ELSE clock.warned_at END,
        breached_at = CASE WHEN due.breach_now THEN %(now)s ELSE clock.breached_at END
    FROM due WHERE clock.id = due.id
    RETURNING clock.id, clock.complaint_id, clock.target, due.warn_now, due.breach_now
), levels AS (
    SELECT complaint_id, id, target, 'warning' AS level FROM marked WHERE warn_now
    UNION ALL
    SELECT complaint_id, id, target, 'breach' FROM marked WHERE breach_now
    UNION ALL
    SELECT marked.complaint_id, marked.id, marked.target, 'leadership' FROM marked
    JOIN complaints_complaint AS complaint ON complaint.id = marked.complaint_id
    WHERE marked.breach_now AND complaint.severity = 'major'
), escalated AS (
    INSERT INTO sla_escalation (complaint_id, clock_id, target, level, created_at)
    SELECT complaint_id, id, target, level, %(now)s FROM levels
    ON CONFLICT ON CONSTRAINT escalation_once_per_level DO NOTHING
    RETURNING complaint_id, target, level
), recipients AS (
    SELECT escalated.level, escalated.target, complaint.reference,
        CASE WHEN escalated.level = 'warning' THEN COALESCE(complaint.owner_id, department.supervisor_id)
             ELSE COALESCE(department.supervisor_id, complaint.owner_id) END AS person_id
    FROM escalated
    JOIN complaints_complaint AS complaint ON complaint.id = escalated.complaint_id
    JOIN accounts_department AS department ON department.id = complaint.department_id
    WHERE escalated.level <> 'leadership'
    UNION ALL
    SELECT escalated.level, escalated.target, complaint.reference, membership.user_id
    FROM escalated
    JOIN complaints_complaint AS complaint ON complaint.id = escalated.complaint_id
    CROSS JOIN accounts_user_groups AS membership
    JOIN auth_group AS role ON role.id = membership.group_id AND role.name = 'leadership'
    WHERE escalated.level = 'leadership'
), notices AS (
    INSERT INTO notifications_notification (recipient_id, channel, kind, context, state, attempts,
        next_attempt_at, created_at, last_error, provider_message_id)
    SELECT recipients.person_id, channel.name,
        CASE recipients.level WHEN 'warning' THEN 'sla_warning' WHEN 'breach' THEN 'sla_breach'
             ELSE 'sla_leadership_breach' END,
        jsonb_build_object('reference', recipients.reference, 'kind', recipients.target),
        'pending', 0, %(now)s, %(now)s, '', ''
    FROM recipients
    JOIN accounts_user AS person ON person.id = recipients.person_id AND person.is_active
    LEFT JOIN notifications_notificationpreference AS preference ON preference.user_id = person.id
    CROSS JOIN (VALUES ('in_app'), ('email')) AS channel(name)
    WHERE channel.name = 'in_app' OR COALESCE(preference.email, true)
    RETURNING 1
)
SELECT
    (SELECT count(*) FROM escalated WHERE level = 'warning'),
    (SELECT count(*) FROM escalated WHERE level = 'breach'),
    (SELECT count(*) FROM escalated WHERE level = 'leadership'),
    (SELECT count(*) FROM notices)
"""


def _queue_delivery_sweep() -> None:
    """Ask a worker to deliver the new notices now; if the broker is away, the minute sweep does it."""
    from notifications.tasks import deliver_pending_notifications

    try:
        deliver_pending_notifications.apply_async(retry=False, ignore_result=True)
    except Exception:
        logger.warning(
            "Could not queue the delivery sweep; the next scheduled sweep delivers.", exc_info=True
        )


@transaction.atomic
def sla_sweep(*, now: datetime.datetime | None = None) -> SweepResult:
    """Warn owners at the warning time and escalate breaches, each (complaint, target, level) once.

    Causes escalation rows, the clocks' warned/breached marks and the notices, all in one transaction, and
    after commit asks a worker to deliver the notices.
    """
    now = now or timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(_SWEEP_SQL, {"now": now})
        warnings, breaches, leadership, notices = cursor.fetchone()
    if notices:
        transaction.on_commit(_queue_delivery_sweep)
    return SweepResult(warnings=warnings, breaches=breaches, leadership=leadership, notices=notices)
