"""The safety case as an SLA clock subject: its clock facts, who is told at each level, and its notices.

The three targets of the shared engine read, for a safety case: acknowledged by a safety officer, followed up
(the safety follow-up, within 4 hours by default) and closed. Safety cases keep an SLA policy of their own
(major, urgent, round the clock; seeded by a migration, edited in the SLA admin).

Who is told (active people only): the warning at 75 % goes to the case's safety officer, else every safety
officer; a breach to every safety officer, else the leadership group; every breach also reaches the
leadership group.
"""

import datetime
from collections.abc import Sequence

from django.conf import settings
from django.db.models import QuerySet
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import User
from accounts.roles import Role
from notifications.kinds import NoticeKindSpec, NoticeTexts, notice_kind_register
from sla.models import Clock, Escalation, Severity, Target
from sla.records import local_time, sla_notice_kind
from sla.services import clocks_sync
from sla.subjects import (
    ClockFacts,
    ClockSubject,
    EscalationRow,
    TargetFacts,
    clock_subject_register,
    leadership_ids,
)

from .models import SafetyCase, SafetyCaseEvent, SafetyCaseState

Level = Escalation.Level

SLA_WARNING = "counselling_safety_sla_warning"
SLA_BREACH = "counselling_safety_sla_breach"
SLA_LEADERSHIP_BREACH = "counselling_safety_sla_leadership_breach"
ESCALATION_EVENT = "escalation"

TARGET_IN_SENTENCE = {
    Target.ACKNOWLEDGE: pgettext_lazy("safety target in a sentence", "acknowledgement"),
    Target.FIRST_RESPONSE: pgettext_lazy("safety target in a sentence", "safety follow-up"),
    Target.RESOLUTION: pgettext_lazy("safety target in a sentence", "closing"),
}


def safety_case_clock_facts(case: SafetyCase) -> ClockFacts:
    return ClockFacts(
        severity=Severity.MAJOR,
        is_urgent=True,
        started_at=case.opened_at,
        targets={
            Target.ACKNOWLEDGE: TargetFacts(met_at=case.acknowledged_at),
            Target.FIRST_RESPONSE: TargetFacts(met_at=case.followed_up_at),
            Target.RESOLUTION: TargetFacts(met_at=case.closed_at),
        },
        finished=case.state == SafetyCaseState.CLOSED,
        breach_reaches_leadership=True,
    )


def safety_case_clocks_sync(*, case: SafetyCase, now: datetime.datetime | None = None) -> list[Clock]:
    """Bring the case's clocks in line with it (see ``sla.services.clocks_sync``)."""
    return clocks_sync(subject=case, facts=safety_case_clock_facts(case), now=now)


def safety_case_clocks(case: SafetyCase) -> QuerySet[Clock]:
    from django.contrib.contenttypes.models import ContentType

    return Clock.objects.filter(
        subject_type=ContentType.objects.get_for_model(SafetyCase), subject_id=case.pk
    )


def safety_officer_ids() -> list[int]:
    return list(
        User.objects.filter(is_active=True, groups__name=Role.SAFETY_OFFICER)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def safety_escalation_recipients(level: str, case_ids: Sequence[int]) -> dict[int, list[int]]:
    """Name who is told of each case's escalation at ``level``: at most three queries for the batch."""
    if level == Level.LEADERSHIP:
        return dict.fromkeys(case_ids, leadership_ids())
    officers = safety_officer_ids()
    fallback = officers or leadership_ids()
    if level == Level.BREACH:
        return dict.fromkeys(case_ids, fallback)
    handlers = dict(
        SafetyCase.objects.filter(pk__in=case_ids, handler__is_active=True).values_list("pk", "handler_id")
    )
    return {pk: [handlers[pk]] if pk in handlers else fallback for pk in case_ids}


def safety_notice_context(case_ids: Sequence[int]) -> dict[int, dict]:
    return {
        pk: {"reference": reference}
        for pk, reference in SafetyCase.objects.filter(pk__in=case_ids).values_list("pk", "reference")
    }


def safety_escalations_record(rows: Sequence[EscalationRow]) -> None:
    """Write each escalation as an event on its case's timeline, in the sweep's transaction."""
    with translation.override(settings.LANGUAGE_CODE):
        SafetyCaseEvent.objects.bulk_create(
            SafetyCaseEvent(
                case_id=row.subject_id,
                kind=ESCALATION_EVENT,
                body=str(
                    _("%(level)s: the %(target)s was due at %(due)s; %(count)d people told.")
                    % {
                        "level": Level(row.level).label,
                        "target": TARGET_IN_SENTENCE[Target(row.target)],
                        "due": local_time(row.due_at),
                        "count": row.recipients,
                    }
                ),
                data={"target": row.target, "level": row.level, "recipients": row.recipients},
                created_at=row.escalated_at,
            )
            for row in rows
        )


def staff_case_path(context: dict) -> str:
    return f"/admin/counseling/safetycase/?q={context['reference']}"


def _sla_kind(name: str, texts: NoticeTexts) -> NoticeKindSpec:
    return sla_notice_kind(
        name,
        texts,
        path=staff_case_path,
        link_label=_("Open the safety case in the staff workspace: %(url)s"),
        targets=TARGET_IN_SENTENCE,
    )


SLA_NOTICE_KINDS = (
    _sla_kind(
        SLA_WARNING,
        NoticeTexts(
            subject=_("Safety case %(reference)s: the %(target)s is due at %(due)s"),
            body=_("The %(target)s of safety case %(reference)s is due at %(due)s."),
            sms=pgettext_lazy("sms", "Safety case %(reference)s: the %(target)s is due at %(due)s."),
            title=_("Safety case %(reference)s: the %(target)s is due at %(due)s"),
        ),
    ),
    _sla_kind(
        SLA_BREACH,
        NoticeTexts(
            subject=_("Overdue: the %(target)s of safety case %(reference)s"),
            body=_("The %(target)s of safety case %(reference)s was due at %(due)s and is overdue."),
            sms=pgettext_lazy("sms", "Overdue: the %(target)s of safety case %(reference)s."),
            title=_("Overdue: the %(target)s of safety case %(reference)s"),
        ),
    ),
    _sla_kind(
        SLA_LEADERSHIP_BREACH,
        NoticeTexts(
            subject=_("Safety case overdue: the %(target)s of %(reference)s"),
            body=_(
                "The %(target)s of safety case %(reference)s was due at %(due)s and is overdue. You are "
                "told as a member of the leadership group."
            ),
            sms=pgettext_lazy("sms", "Safety case %(reference)s overdue: the %(target)s."),
            title=_("Safety case overdue: the %(target)s of %(reference)s"),
        ),
    ),
)


def register() -> None:
    """Register the safety case as a clock subject and its SLA notice kinds (from the app's ready)."""
    for spec in SLA_NOTICE_KINDS:
        notice_kind_register(spec)
    clock_subject_register(
        ClockSubject(
            model=SafetyCase,
            notice_kinds={
                Level.WARNING: SLA_WARNING,
                Level.BREACH: SLA_BREACH,
                Level.LEADERSHIP: SLA_LEADERSHIP_BREACH,
            },
            recipients=safety_escalation_recipients,
            notice_context=safety_notice_context,
            record=safety_escalations_record,
        )
    )
