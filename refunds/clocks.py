"""The refund request as an SLA clock subject: staff decide within a target on the shared engine.

The engine's three targets read, for a refund request: the decision (approve, refer or refuse), the
leadership group's approval (met at the decision when none is needed) and the money paid back. The
refunds' own SLA policy (seeded by their migration, edited in the SLA admin) gives 3, 5 and 10 working days
on the office-hours calendar.

Who is told, first one found (active people only): the warning at 75 % and the breach go to the supervisor
of the course's department, else the leadership group; a breach of a request waiting for approval also
reaches the leadership group.
"""

import datetime
from collections.abc import Sequence

from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from notifications.kinds import NoticeKindSpec, NoticeTexts, notice_kind_register
from sla.models import Clock, Escalation, Severity, Target
from sla.records import escalations_record, sla_notice_kind
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

from .models import TERMINAL_STATES, EventKind, RefundEvent, RefundRequest

Level = Escalation.Level

SLA_WARNING = "refund_sla_warning"
SLA_BREACH = "refund_sla_breach"
SLA_LEADERSHIP_BREACH = "refund_sla_leadership_breach"

TARGET_IN_SENTENCE = {
    Target.ACKNOWLEDGE: pgettext_lazy("refund target in a sentence", "decision"),
    Target.FIRST_RESPONSE: pgettext_lazy("refund target in a sentence", "leadership approval"),
    Target.RESOLUTION: pgettext_lazy("refund target in a sentence", "payment"),
}
TARGET_LABELS = {
    Target.ACKNOWLEDGE: pgettext_lazy("refund target", "Decision"),
    Target.FIRST_RESPONSE: pgettext_lazy("refund target", "Leadership approval"),
    Target.RESOLUTION: pgettext_lazy("refund target", "Paid back"),
}


def refund_clock_facts(request: RefundRequest) -> ClockFacts:
    approval_met = request.approval_at if request.needs_approval else request.decided_at
    return ClockFacts(
        severity=Severity.GENERAL,
        is_urgent=False,
        started_at=request.created_at,
        targets={
            Target.ACKNOWLEDGE: TargetFacts(met_at=request.decided_at),
            Target.FIRST_RESPONSE: TargetFacts(met_at=approval_met),
            Target.RESOLUTION: TargetFacts(met_at=request.paid_recorded_at),
        },
        finished=request.state in TERMINAL_STATES,
        breach_reaches_leadership=request.needs_approval,
    )


def refund_clocks_sync(*, request: RefundRequest, now: datetime.datetime | None = None) -> list[Clock]:
    """Bring the request's clocks in line with it (see ``sla.services.clocks_sync``)."""
    return clocks_sync(subject=request, facts=refund_clock_facts(request), now=now)


def refund_clocks() -> QuerySet[Clock]:
    return Clock.objects.filter(subject_type=ContentType.objects.get_for_model(RefundRequest))


def refund_escalation_recipients(level: str, request_ids: Sequence[int]) -> dict[int, list[int]]:
    """Name who is told of each request's escalation at ``level``: one query, two with the leadership."""
    if level == Level.LEADERSHIP:
        return dict.fromkeys(request_ids, leadership_ids())
    rows = RefundRequest.objects.filter(pk__in=request_ids).values_list(
        "pk",
        "enrolment__course__department__supervisor_id",
        "enrolment__course__department__supervisor__is_active",
    )
    return recipients_by_chain({pk: [(supervisor, active)] for pk, supervisor, active in rows})


def refund_notice_context(request_ids: Sequence[int]) -> dict[int, dict]:
    return {
        pk: {"reference": reference}
        for pk, reference in RefundRequest.objects.filter(pk__in=request_ids).values_list("pk", "reference")
    }


def refund_escalations_record(rows: Sequence[EscalationRow]) -> None:
    """Write each escalation as a staff-only event on its request's timeline, in the sweep's transaction."""
    escalations_record(
        rows,
        event_model=RefundEvent,
        subject_field="request",
        kind=EventKind.ESCALATION,
        target_labels=TARGET_LABELS,
        nobody=_("Nobody could be told: no supervisor or leadership group member."),
    )


def staff_refund_path(context: dict) -> str:
    return f"/admin/refunds/refundrequest/?q={context['reference']}"


def _sla_kind(name: str, texts: NoticeTexts) -> NoticeKindSpec:
    return sla_notice_kind(
        name,
        texts,
        path=staff_refund_path,
        link_label=_("Open the refund request in the staff queue: %(url)s"),
        targets=TARGET_IN_SENTENCE,
    )


SLA_NOTICE_KINDS = (
    _sla_kind(
        SLA_WARNING,
        NoticeTexts(
            subject=_("Refund request %(reference)s: the %(target)s is due at %(due)s"),
            body=_(
                "The %(target)s of refund request %(reference)s is due at %(due)s. You are told as the "
                "supervisor responsible for the course."
            ),
            sms=pgettext_lazy("sms", "Refund request %(reference)s: the %(target)s is due at %(due)s."),
            title=_("Refund request %(reference)s: the %(target)s is due at %(due)s"),
        ),
    ),
    _sla_kind(
        SLA_BREACH,
        NoticeTexts(
            subject=_("Overdue: the %(target)s of refund request %(reference)s"),
            body=_(
                "The %(target)s of refund request %(reference)s was due at %(due)s and is overdue. You are "
                "told as the supervisor responsible for the course."
            ),
            sms=pgettext_lazy("sms", "Overdue: the %(target)s of refund request %(reference)s."),
            title=_("Overdue: the %(target)s of refund request %(reference)s was due at %(due)s"),
        ),
    ),
    _sla_kind(
        SLA_LEADERSHIP_BREACH,
        NoticeTexts(
            subject=_("A large refund is overdue: the %(target)s of %(reference)s"),
            body=_(
                "The %(target)s of refund request %(reference)s, which needs the leadership group's "
                "approval, was due at %(due)s and is overdue. You are told as a member of the leadership "
                "group."
            ),
            sms=pgettext_lazy(
                "sms", "Large refund %(reference)s overdue: the %(target)s was due at %(due)s."
            ),
            title=_("A large refund is overdue: the %(target)s of %(reference)s was due at %(due)s"),
        ),
    ),
)


def register() -> None:
    """Register the refund request as a clock subject and its SLA notice kinds (from the app's ready)."""
    for spec in SLA_NOTICE_KINDS:
        notice_kind_register(spec)
    clock_subject_register(
        ClockSubject(
            model=RefundRequest,
            notice_kinds={
                Level.WARNING: SLA_WARNING,
                Level.BREACH: SLA_BREACH,
                Level.LEADERSHIP: SLA_LEADERSHIP_BREACH,
            },
            recipients=refund_escalation_recipients,
            notice_context=refund_notice_context,
            record=refund_escalations_record,
        )
    )
