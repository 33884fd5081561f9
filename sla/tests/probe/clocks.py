"""The probe as a clock subject: the same registration a real domain makes."""

from accounts.models import User
from accounts.roles import Role
from notifications.kinds import NoticeKindSpec, NoticeTexts, notice_kind_register
from sla.models import Escalation, Severity, Target
from sla.services import clocks_sync
from sla.subjects import ClockFacts, ClockSubject, TargetFacts, clock_subject_register

from .models import Probe, ProbeRecord

Level = Escalation.Level
KINDS = {Level.WARNING: "probe_warning", Level.BREACH: "probe_breach", Level.LEADERSHIP: "probe_leadership"}


def probe_clocks_sync(probe: Probe):
    facts = ClockFacts(
        severity=probe.severity,
        is_urgent=probe.is_urgent,
        started_at=probe.created_at,
        targets={target: TargetFacts() for target in Target},
        breach_reaches_leadership=probe.severity == Severity.MAJOR,
    )
    return clocks_sync(subject=probe, facts=facts)


def recipients(level, probe_ids):
    if level == Level.LEADERSHIP:
        leaders = list(
            User.objects.filter(groups__name=Role.LEADERSHIP, is_active=True).values_list("pk", flat=True)
        )
        return dict.fromkeys(probe_ids, leaders)
    column = "owner_id" if level == Level.WARNING else "supervisor_id"
    return {
        pk: [person]
        for pk, person in Probe.objects.filter(pk__in=probe_ids).values_list("pk", column)
        if person
    }


def notice_context(probe_ids):
    return {
        pk: {"reference": ref}
        for pk, ref in Probe.objects.filter(pk__in=probe_ids).values_list("pk", "reference")
    }


def record(rows):
    ProbeRecord.objects.bulk_create(
        ProbeRecord(
            probe_id=row.subject_id,
            escalation_id=row.escalation_id,
            target=row.target,
            level=row.level,
            recipients=row.recipients,
        )
        for row in rows
    )


def register() -> None:
    for level, name in KINDS.items():
        notice_kind_register(
            NoticeKindSpec(
                name=name,
                texts=NoticeTexts(
                    subject=f"Probe %(reference)s {level}",
                    body=f"Probe %(reference)s {level}: %(target)s due %(due_at)s",
                    sms=f"Probe %(reference)s {level}",
                    title=f"Probe %(reference)s {level}",
                ),
                path=lambda context: f"/probes/{context['reference']}/",
                required_context=frozenset({"reference", "target", "due_at", "escalated_at"}),
            )
        )
    clock_subject_register(
        ClockSubject(
            model=Probe,
            notice_kinds=KINDS,
            recipients=recipients,
            notice_context=notice_context,
            record=record,
        )
    )
