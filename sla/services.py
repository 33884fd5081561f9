"""Clocks follow their subject; the sweep escalates what slips, each step exactly once.

``clocks_sync`` is called by a domain's services after every change of a subject (for complaints: filing,
each move, a first reply, a new severity or urgent flag), with the subject's ``ClockFacts``
(``sla.subjects``): there is one rule for when a clock is met, paused, resumed or stopped:

* a target is met when the facts give its ``met_at``;
* while the subject is awaiting (its person's answer), the targets that pause stop counting; on resume their
  due times move later by the business time that passed;
* when the subject is finished any clock not met stops;
* the targets come from the SLA policy for the subject's severity and urgent flag, so raising either
  recomputes the due times from the start.

``sla_sweep`` is the only place that escalates, for every registered subject with the same code. Its marks
and escalations are one set-based statement on the partial indexes of running clocks; the unique constraint
on (subject, target, level) makes a second sweep, a re-delivered task or a concurrent worker write nothing
twice. The subject then names who is told at each level (its fallback chain), in one query per level; each
person gets one notice per clock and sweep, of the highest level they are told at, written through the
outbox's bulk path in the same transaction; and the subject records each escalation in its own history.
"""

import datetime
import logging
from collections import defaultdict
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import connection, models, transaction
from django.utils import timezone

from core.errors import NotFound
from notifications.services import NoticeRequest, notifications_enqueue_bulk

from .business_calendar import BusinessCalendar, add_business_time, add_working_days, business_time_between
from .models import Clock, Escalation, SlaPolicy, Target, TargetUnit
from .subjects import ClockFacts, EscalationRow, clock_subject_for_type

logger = logging.getLogger(__name__)

Level = Escalation.Level
# The ladder from the bottom: a person told at several levels of one clock gets the highest one's notice.
LEVEL_RANK = {Level.WARNING: 0, Level.BREACH: 1, Level.LEADERSHIP: 2}


class SlaPolicyMissing(NotFound):
    """No SLA policy covers the subject's severity and urgency (the admin deleted one)."""


def policy_for(*, severity: str, is_urgent: bool, subject_type: ContentType | None = None) -> SlaPolicy:
    """Return the subject kind's own policy for the severity and urgency, else the default table's."""
    candidates = SlaPolicy.objects.select_related("calendar").filter(severity=severity, is_urgent=is_urgent)
    if subject_type is None:
        policy = candidates.filter(subject_type__isnull=True).first()
    else:
        # Its own first: NULLS LAST puts the default row after it.
        policy = (
            candidates.filter(models.Q(subject_type=subject_type) | models.Q(subject_type__isnull=True))
            .order_by(models.F("subject_type").asc(nulls_last=True))
            .first()
        )
    if policy is None:
        raise SlaPolicyMissing(f"No SLA policy for severity {severity!r}, urgent={is_urgent}.")
    return policy


def _business_span(
    started_at: datetime.datetime, duration: datetime.timedelta, unit: str, calendar: BusinessCalendar
) -> datetime.timedelta:
    """The business time a target gives: its duration, or the business time up to its n-th working day."""
    if unit != TargetUnit.WORKING_DAYS:
        return duration
    due = add_working_days(started_at, duration.days, calendar)
    return business_time_between(started_at, due, calendar)


@transaction.atomic
def clocks_sync(
    *, subject: models.Model, facts: ClockFacts, now: datetime.datetime | None = None
) -> list[Clock]:
    """Start, meet, pause, resume, stop and re-time the subject's clocks to match its facts.

    Requires the subject's current row (the caller holds its lock) and facts for every target. Raises
    SlaPolicyMissing when no policy covers it. Safe to call any number of times: a second call with nothing
    new changes nothing.
    """
    now = now or timezone.now()
    subject_type = ContentType.objects.get_for_model(subject)
    policy = policy_for(severity=facts.severity, is_urgent=facts.is_urgent, subject_type=subject_type)
    calendar = policy.calendar.as_business_calendar()
    existing = {
        clock.target: clock
        for clock in Clock.objects.select_for_update().filter(
            subject_type=subject_type, subject_id=subject.pk
        )
    }
    clocks = []
    for target in Target:
        target_facts = facts.targets[target]
        clock = existing.get(target) or Clock(
            subject_type=subject_type, subject_id=subject.pk, target=target, started_at=facts.started_at
        )
        clock.duration = policy.target_duration(target)
        clock.warning_percent = policy.warning_percent
        clock.calendar = policy.calendar
        clock.breach_reaches_leadership = facts.breach_reaches_leadership
        met_at = target_facts.met_at
        if clock.met_at is None and met_at is not None:
            clock.met_at = met_at
            if clock.paused_at is not None:
                clock.paused_for += business_time_between(clock.paused_at, met_at, calendar)
                clock.paused_at = None
        if clock.met_at is None and clock.cancelled_at is None:
            if facts.finished:
                clock.cancelled_at = now
                clock.paused_at = None
            elif facts.awaiting and target_facts.pauses and clock.paused_at is None:
                clock.paused_at = now
            elif not facts.awaiting and clock.paused_at is not None:
                clock.paused_for += business_time_between(clock.paused_at, now, calendar)
                clock.paused_at = None
        span = _business_span(clock.started_at, clock.duration, policy.target_unit(target), calendar)
        warning_share = span * clock.warning_percent / 100
        clock.due_at = add_business_time(clock.started_at, span + clock.paused_for, calendar)
        clock.warn_at = add_business_time(clock.started_at, warning_share + clock.paused_for, calendar)
        clock.save()
        clocks.append(clock)
    return clocks


# The clocks of many new subjects that share their targets' times, in one statement: each subject id
# crossed with the three targets.
_START_BULK_SQL = """
INSERT INTO sla_clock (subject_type_id, subject_id, target, started_at, duration, warning_percent,
    calendar_id, breach_reaches_leadership, warn_at, due_at, paused_for)
SELECT %(subject_type)s, subject.id, target.name, %(started_at)s, target.duration, %(warning_percent)s,
    %(calendar)s, %(leadership)s, target.warn_at, target.due_at, interval '0'
FROM unnest(%(subjects)s::bigint[]) AS subject(id)
CROSS JOIN unnest(%(targets)s::text[], %(durations)s::interval[], %(warns)s::timestamptz[],
    %(dues)s::timestamptz[]) AS target(name, duration, warn_at, due_at)
"""


@transaction.atomic
def clocks_start_bulk(*, subjects: list[models.Model], facts: list[ClockFacts]) -> int:
    """Start the clocks of many new subjects of one kind at once (an import); return how many were written.

    Requires subjects that have no clocks yet, each with its facts (nothing met, paused or finished). The
    due times are worked out once per policy and start time, and the subjects that share them are written in
    one statement. Raises SlaPolicyMissing when no policy covers one.
    """
    if not subjects:
        return 0
    subject_type = ContentType.objects.get_for_model(subjects[0])
    policies: dict[tuple[str, bool], SlaPolicy] = {}
    groups: dict[tuple, list[int]] = defaultdict(list)
    for subject, subject_facts in zip(subjects, facts, strict=True):
        key = (subject_facts.severity, subject_facts.is_urgent)
        if key not in policies:
            policies[key] = policy_for(severity=key[0], is_urgent=key[1], subject_type=subject_type)
        groups[(key, subject_facts.started_at, subject_facts.breach_reaches_leadership)].append(subject.pk)
    written = 0
    with connection.cursor() as cursor:
        for (key, started_at, leadership), subject_ids in groups.items():
            policy = policies[key]
            calendar = policy.calendar.as_business_calendar()
            targets, durations, warns, dues = [], [], [], []
            for target in Target:
                duration = policy.target_duration(target)
                span = _business_span(started_at, duration, policy.target_unit(target), calendar)
                targets.append(str(target))
                durations.append(duration)
                dues.append(add_business_time(started_at, span, calendar))
                warns.append(add_business_time(started_at, span * policy.warning_percent / 100, calendar))
            cursor.execute(
                _START_BULK_SQL,
                {
                    "subject_type": subject_type.pk,
                    "started_at": started_at,
                    "warning_percent": policy.warning_percent,
                    "calendar": policy.calendar_id,
                    "leadership": leadership,
                    "subjects": subject_ids,
                    "targets": targets,
                    "durations": durations,
                    "warns": warns,
                    "dues": dues,
                },
            )
            written += cursor.rowcount
    return written


# One statement: lock the running clocks past their warning or due time, and the breached ones whose subject
# became grave after the breach (skipping rows another sweep holds), mark each once, and insert their
# escalations (the unique constraint drops any that exist). Every threshold is handled in the same pass so a
# clock row is rewritten once, however far it slipped.
_SWEEP_SQL = """
WITH due AS (
    SELECT id,
        warned_at IS NULL AND warn_at <= %(now)s AS warn_now,
        breached_at IS NULL AND due_at <= %(now)s AS breach_now,
        breach_reaches_leadership AND leadership_escalated_at IS NULL
            AND (breached_at IS NOT NULL OR due_at <= %(now)s) AS leadership_now
    FROM sla_clock
    WHERE met_at IS NULL AND cancelled_at IS NULL AND paused_at IS NULL
      AND ((warned_at IS NULL AND warn_at <= %(now)s) OR (breached_at IS NULL AND due_at <= %(now)s)
           OR (breached_at IS NOT NULL AND breach_reaches_leadership AND leadership_escalated_at IS NULL))
    FOR UPDATE SKIP LOCKED
), marked AS (
    UPDATE sla_clock AS clock SET
        warned_at = CASE WHEN due.warn_now THEN %(now)s ELSE clock.warned_at END,
        breached_at = CASE WHEN due.breach_now THEN %(now)s ELSE clock.breached_at END,
        leadership_escalated_at = CASE WHEN due.leadership_now THEN %(now)s
                                       ELSE clock.leadership_escalated_at END
    FROM due WHERE clock.id = due.id
    RETURNING clock.id, clock.subject_type_id, clock.subject_id, clock.target, clock.due_at,
        due.warn_now, due.breach_now, due.leadership_now
), levels AS (
    SELECT id, subject_type_id, subject_id, target, 'warning' AS level FROM marked WHERE warn_now
    UNION ALL
    SELECT id, subject_type_id, subject_id, target, 'breach' FROM marked WHERE breach_now
    UNION ALL
    SELECT id, subject_type_id, subject_id, target, 'leadership' FROM marked WHERE leadership_now
), escalated AS (
    INSERT INTO sla_escalation (subject_type_id, subject_id, clock_id, target, level, created_at,
        reached_nobody)
    SELECT subject_type_id, subject_id, id, target, level, %(now)s, false FROM levels
    ON CONFLICT ON CONSTRAINT escalation_once_per_level DO NOTHING
    RETURNING id, clock_id, subject_type_id, subject_id, target, level
)
SELECT escalated.id, escalated.clock_id, escalated.subject_type_id, escalated.subject_id, escalated.target,
    escalated.level, marked.due_at
FROM escalated JOIN marked ON marked.id = escalated.clock_id
ORDER BY escalated.clock_id, escalated.level
"""

_MARK_UNREACHED_SQL = "UPDATE sla_escalation SET reached_nobody = true WHERE id = ANY(%(ids)s)"


@dataclass(frozen=True)
class SweepResult:
    warnings: int
    breaches: int
    leadership: int
    notices: int
    unreached: int = 0


def _notify(rows: list[tuple], now: datetime.datetime) -> tuple[int, int]:
    """Tell the people each subject names for its new escalations; return (notices, escalations unreached).

    Per clock, a person named at several levels gets only the highest level's notice. An escalation for which
    nobody was named is marked as having reached nobody.
    """
    by_type: dict[int, list[tuple]] = defaultdict(list)
    for row in rows:
        by_type[row[2]].append(row)
    notices: list[NoticeRequest] = []
    counts: dict[int, int] = {}
    for subject_type_id, typed in by_type.items():
        subject = clock_subject_for_type(subject_type_id)
        subject_ids = sorted({row[3] for row in typed})
        contexts = subject.notice_context(subject_ids)
        named: dict[str, dict[int, list[int]]] = {}
        for level in {row[5] for row in typed}:
            ids = sorted({row[3] for row in typed if row[5] == level})
            named[level] = {key: list(people) for key, people in subject.recipients(level, ids).items()}
        # clock id -> person -> (rank, escalation row) of the highest level they are told at
        chosen: dict[int, dict[int, tuple[int, tuple]]] = defaultdict(dict)
        for row in typed:
            escalation_id, clock_id, _type, subject_id, _target, level, _due = row
            people = named[level].get(subject_id, [])
            counts[escalation_id] = len(set(people))
            for person in people:
                best = chosen[clock_id].get(person)
                if best is None or LEVEL_RANK[level] > best[0]:
                    chosen[clock_id][person] = (LEVEL_RANK[level], row)
        for clock_id in sorted(chosen):
            for person, (_rank, row) in sorted(chosen[clock_id].items()):
                _id, _clock, _type, subject_id, target, level, due_at = row
                context = {
                    **contexts.get(subject_id, {}),
                    "target": target,
                    "due_at": due_at.astimezone(datetime.UTC).isoformat(),
                    "escalated_at": now.astimezone(datetime.UTC).isoformat(),
                }
                kind = subject.notice_kinds[level]
                notices.append(NoticeRequest(recipient_id=person, kind=kind, context=context))
        subject.record(
            [
                EscalationRow(
                    escalation_id=row[0],
                    subject_id=row[3],
                    target=row[4],
                    level=row[5],
                    due_at=row[6],
                    escalated_at=now,
                    recipients=counts[row[0]],
                )
                for row in typed
            ]
        )
    unreached = [escalation_id for escalation_id, count in counts.items() if count == 0]
    if unreached:
        with connection.cursor() as cursor:
            cursor.execute(_MARK_UNREACHED_SQL, {"ids": unreached})
    written = notifications_enqueue_bulk(notices=notices, now=now)
    return sum(written.values()), len(unreached)


@transaction.atomic
def sla_sweep(*, now: datetime.datetime | None = None) -> SweepResult:
    """Warn at the warning time and escalate breaches of every subject, each (subject, target, level) once.

    Causes the clocks' marks, the escalation rows, their notices (through the outbox's bulk path, which
    queues a delivery sweep after commit) and the subjects' timeline records, all in one transaction.
    """
    now = now or timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(_SWEEP_SQL, {"now": now})
        rows = cursor.fetchall()
    notices, unreached = _notify(rows, now) if rows else (0, 0)
    if unreached:
        logger.warning("%s escalation(s) found nobody to tell, even through the fallback chain.", unreached)
    levels = [row[5] for row in rows]
    return SweepResult(
        warnings=levels.count(Level.WARNING),
        breaches=levels.count(Level.BREACH),
        leadership=levels.count(Level.LEADERSHIP),
        notices=notices,
        unreached=unreached,
    )
