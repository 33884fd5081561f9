"""The complaint as an SLA clock subject: its clock facts, who is told at each level, and its notices.

``ComplaintsConfig.ready`` registers the subject and its three SLA notice kinds. The complaint services call
``complaint_clocks_sync`` after every change; the sweep in ``sla`` calls back here, a batch at a time.

Who is told, first one found (active people only):

* the warning at 75 %: the owner, else the fallback chain;
* a breach: the fallback chain: the assigned department's supervisor, else the supervisor of the category's
  default department, else every member of the leadership group;
* a breach of a major complaint: every member of the leadership group.

An escalation that still reaches nobody (no leadership group either) keeps ``recipients = 0`` and shows in
the admin's escalation list and on the dashboard.
"""

import datetime
from collections.abc import Sequence
from functools import lru_cache

from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy

from notifications.kinds import NoticeKindSpec, NoticeTexts, notice_kind_register
from sla.models import Clock, Escalation, Target
from sla.records import escalation_summary, escalations_record, local_time, sla_notice_kind
from sla.services import clocks_sync
from sla.subjects import (
    ClockFacts,
    ClockSubject,
    EscalationRow,
    TargetFacts,
    clock_subject_register,
    leadership_ids,
    recipients_by_chain,
)

from .models import Complaint, ComplaintEvent, EventKind, Severity
from .states import TERMINAL_STATES, State

Level = Escalation.Level

SLA_WARNING = "sla_warning"
SLA_BREACH = "sla_breach"
SLA_LEADERSHIP_BREACH = "sla_leadership_breach"

# The targets as they read inside a sentence ("the acknowledgement of complaint …").
TARGET_IN_SENTENCE = {
    Target.ACKNOWLEDGE: pgettext_lazy("target in a sentence", "acknowledgement"),
    Target.FIRST_RESPONSE: pgettext_lazy("target in a sentence", "first response"),
    Target.RESOLUTION: pgettext_lazy("target in a sentence", "resolution"),
}


def complaint_clock_facts(complaint: Complaint) -> ClockFacts:
    """Derive the clocks' facts from the complaint's own timestamps and state."""
    return ClockFacts(
        severity=complaint.severity,
        is_urgent=complaint.is_urgent,
        started_at=complaint.created_at,
        targets={
            Target.ACKNOWLEDGE: TargetFacts(met_at=complaint.acknowledged_at),
            Target.FIRST_RESPONSE: TargetFacts(met_at=complaint.first_responded_at, pauses=True),
            Target.RESOLUTION: TargetFacts(met_at=complaint.responded_at, pauses=True),
        },
        awaiting=complaint.state == State.AWAITING_COMPLAINANT,
        finished=complaint.state in TERMINAL_STATES,
        breach_reaches_leadership=complaint.severity == Severity.MAJOR,
    )


def complaint_clocks_sync(*, complaint: Complaint, now: datetime.datetime | None = None) -> list[Clock]:
    """Bring the complaint's clocks in line with it (see ``sla.services.clocks_sync``)."""
    return clocks_sync(subject=complaint, facts=complaint_clock_facts(complaint), now=now)


def complaint_clocks() -> QuerySet[Clock]:
    """Every complaint's clocks, and no other subject's."""
    return Clock.objects.filter(subject_type=ContentType.objects.get_for_model(Complaint))


def complaint_escalations() -> QuerySet[Escalation]:
    """Every complaint's escalations, and no other subject's."""
    return Escalation.objects.filter(subject_type=ContentType.objects.get_for_model(Complaint))


def complaint_escalation_recipients(level: str, complaint_ids: Sequence[int]) -> dict[int, list[int]]:
    """Name who is told of each complaint's escalation at ``level``: one query, two with the leadership."""
    if level == Level.LEADERSHIP:
        return dict.fromkeys(complaint_ids, leadership_ids())
    rows = Complaint.objects.filter(pk__in=complaint_ids).values_list(
        "pk",
        "owner_id",
        "owner__is_active",
        "department__supervisor_id",
        "department__supervisor__is_active",
        "category__default_department__supervisor_id",
        "category__default_department__supervisor__is_active",
    )
    chains = {}
    for pk, owner, owner_active, supervisor, supervisor_active, fallback, fallback_active in rows:
        chain = [(supervisor, supervisor_active), (fallback, fallback_active)]
        if level == Level.WARNING:
            chain.insert(0, (owner, owner_active))
        chains[pk] = chain
    return recipients_by_chain(chains)


def complaint_notice_context(complaint_ids: Sequence[int]) -> dict[int, dict]:
    return {
        pk: {"reference": reference}
        for pk, reference in Complaint.objects.filter(pk__in=complaint_ids).values_list("pk", "reference")
    }


def complaint_escalations_record(rows: Sequence[EscalationRow]) -> None:
    """Write each escalation as a staff-only event on its complaint's timeline, in the sweep's transaction
    (the due time shown as the time of day when it falls on the day of the escalation)."""
    summary = lru_cache(maxsize=None)(_summary)  # a batch repeats the same few texts thousands of times
    escalations_record(
        rows,
        event_model=ComplaintEvent,
        subject_field="complaint",
        kind=EventKind.ESCALATION,
        summary=lambda row: summary(
            row.level, row.target, local_time(row.due_at, day_of=row.escalated_at), row.recipients
        ),
    )


def _summary(level: str, target: str, due: str, recipients: int) -> str:
    return escalation_summary(
        level=level,
        target=Target(target).label,
        due=due,
        recipients=recipients,
        nobody=_("Nobody could be told: no owner, supervisor or leadership group member."),
    )


def _duration(span: datetime.timedelta) -> str:
    minutes = max(int(span.total_seconds() // 60), 0)
    hours, minutes = divmod(minutes, 60)
    days, hours = divmod(hours, 24)
    parts = []
    if days:
        parts.append(ngettext("%(count)d day", "%(count)d days", days) % {"count": days})
    if hours:
        parts.append(ngettext("%(count)d hour", "%(count)d hours", hours) % {"count": hours})
    if minutes or not parts:
        parts.append(ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes})
    return " ".join(parts)


def sla_notice_values(context: dict) -> dict:
    """The values the SLA notices show, in the active language: what is due, when, and how long is left."""
    due_at = datetime.datetime.fromisoformat(context["due_at"])
    escalated_at = datetime.datetime.fromisoformat(context["escalated_at"])
    return {
        "reference": context["reference"],
        "target": TARGET_IN_SENTENCE[Target(context["target"])],
        "due": local_time(due_at, day_of=escalated_at),
        "left": _duration(due_at - escalated_at),
        "late": _duration(escalated_at - due_at),
    }


def staff_complaint_path(context: dict) -> str:
    """The staff queue, searched for the complaint's reference."""
    return f"/admin/complaints/complaint/?q={context['reference']}"


def _sla_notice_kind(*, name: str, texts: NoticeTexts) -> NoticeKindSpec:
    """An SLA notice: its own texts; the values shown (with how long is left) and the link to the queue
    all share."""
    return sla_notice_kind(
        name,
        texts,
        path=staff_complaint_path,
        link_label=_("Open the complaint in the staff queue: %(url)s"),
        values=sla_notice_values,
    )


# Translators: the SMS texts (pgettext context "sms") must stay within 70 Chinese characters including the
# reference and the times, so that each goes out as one message.
SLA_NOTICE_KINDS = (
    _sla_notice_kind(
        name=SLA_WARNING,
        texts=NoticeTexts(
            subject=_("Complaint %(reference)s: %(target)s due at %(due)s"),
            body=_(
                "The %(target)s of complaint %(reference)s is due at %(due)s (%(left)s left). "
                "You are its owner, or the next person responsible while it has none."
            ),
            sms=pgettext_lazy(
                "sms", "The %(target)s of complaint %(reference)s is due at %(due)s (%(left)s left)."
            ),
            title=_("The %(target)s of complaint %(reference)s is due at %(due)s (%(left)s left)"),
        ),
    ),
    _sla_notice_kind(
        name=SLA_BREACH,
        texts=NoticeTexts(
            subject=_("Overdue: the %(target)s of complaint %(reference)s"),
            body=_(
                "The %(target)s of complaint %(reference)s was due at %(due)s and is %(late)s overdue. "
                "You are told as the supervisor responsible for it."
            ),
            sms=pgettext_lazy(
                "sms", "Overdue: the %(target)s of complaint %(reference)s was due at %(due)s."
            ),
            title=_("Overdue: the %(target)s of complaint %(reference)s was due at %(due)s"),
        ),
    ),
    _sla_notice_kind(
        name=SLA_LEADERSHIP_BREACH,
        texts=NoticeTexts(
            subject=_("Major complaint overdue: the %(target)s of %(reference)s"),
            body=_(
                "The %(target)s of major complaint %(reference)s was due at %(due)s and is %(late)s overdue. "
                "You are told as a member of the leadership group."
            ),
            sms=pgettext_lazy("sms", "Major complaint %(reference)s overdue: %(target)s was due at %(due)s."),
            title=_("Major complaint overdue: the %(target)s of %(reference)s was due at %(due)s"),
        ),
    ),
)


def register() -> None:
    """Register the complaint as a clock subject, and its SLA notice kinds (called from the app's ready)."""
    for spec in SLA_NOTICE_KINDS:
        notice_kind_register(spec)
    clock_subject_register(
        ClockSubject(
            model=Complaint,
            notice_kinds={
                Level.WARNING: SLA_WARNING,
                Level.BREACH: SLA_BREACH,
                Level.LEADERSHIP: SLA_LEADERSHIP_BREACH,
            },
            recipients=complaint_escalation_recipients,
            notice_context=complaint_notice_context,
            record=complaint_escalations_record,
        )
    )
