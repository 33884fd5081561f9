"""The feedback item as an SLA clock subject: its clock facts, who is told at each level, and its notices.

The three targets of the shared engine read, for feedback: the review (accepted, rejected or converted), the
handling plan (处理方案) and the result notified. Feedback keeps SLA policies of its own (its migration seeds
them): an urgent item gets its plan within 24 hours round the clock; an ordinary one within 5 working days.

Who is told, first one found (active people only): the warning at 75 % goes to the owner, else the
department's supervisor, else the leadership group; a breach to the supervisor of the item's department, else
the leadership group; a breach of an urgent item also reaches the leadership group.
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

from .models import TERMINAL_STATES, EventKind, FeedbackEvent, FeedbackItem

Level = Escalation.Level

SLA_WARNING = "feedback_sla_warning"
SLA_BREACH = "feedback_sla_breach"
SLA_LEADERSHIP_BREACH = "feedback_sla_leadership_breach"

# What each target of the engine means for a feedback item, as it reads in a sentence.
TARGET_IN_SENTENCE = {
    Target.ACKNOWLEDGE: pgettext_lazy("feedback target in a sentence", "review"),
    Target.FIRST_RESPONSE: pgettext_lazy("feedback target in a sentence", "handling plan"),
    Target.RESOLUTION: pgettext_lazy("feedback target in a sentence", "result"),
}
TARGET_LABELS = {
    Target.ACKNOWLEDGE: pgettext_lazy("feedback target", "Review"),
    Target.FIRST_RESPONSE: pgettext_lazy("feedback target", "Handling plan"),
    Target.RESOLUTION: pgettext_lazy("feedback target", "Result notified"),
}


def feedback_clock_facts(item: FeedbackItem) -> ClockFacts:
    return ClockFacts(
        severity=Severity.GENERAL,
        is_urgent=item.is_urgent,
        started_at=item.created_at,
        targets={
            Target.ACKNOWLEDGE: TargetFacts(met_at=item.reviewed_at),
            Target.FIRST_RESPONSE: TargetFacts(met_at=item.planned_at),
            Target.RESOLUTION: TargetFacts(met_at=item.result_notified_at),
        },
        finished=item.state in TERMINAL_STATES,
        breach_reaches_leadership=item.is_urgent,
    )


def feedback_clocks_sync(*, item: FeedbackItem, now: datetime.datetime | None = None) -> list[Clock]:
    """Bring the item's clocks in line with it (see ``sla.services.clocks_sync``)."""
    return clocks_sync(subject=item, facts=feedback_clock_facts(item), now=now)


def feedback_clocks() -> QuerySet[Clock]:
    return Clock.objects.filter(subject_type=ContentType.objects.get_for_model(FeedbackItem))


def feedback_escalations() -> QuerySet[Escalation]:
    return Escalation.objects.filter(subject_type=ContentType.objects.get_for_model(FeedbackItem))


def feedback_escalation_recipients(level: str, item_ids: Sequence[int]) -> dict[int, list[int]]:
    """Name who is told of each item's escalation at ``level``: one query, two with the leadership."""
    if level == Level.LEADERSHIP:
        return dict.fromkeys(item_ids, leadership_ids())
    rows = FeedbackItem.objects.filter(pk__in=item_ids).values_list(
        "pk", "owner_id", "owner__is_active", "department__supervisor_id", "department__supervisor__is_active"
    )
    return recipients_by_chain(
        {
            pk: ([(owner, owner_active)] if level == Level.WARNING else [])
            + [(supervisor, supervisor_active)]
            for pk, owner, owner_active, supervisor, supervisor_active in rows
        }
    )


def feedback_notice_context(item_ids: Sequence[int]) -> dict[int, dict]:
    return {
        pk: {"reference": reference}
        for pk, reference in FeedbackItem.objects.filter(pk__in=item_ids).values_list("pk", "reference")
    }


def feedback_escalations_record(rows: Sequence[EscalationRow]) -> None:
    """Write each escalation as a staff-only event on its item's timeline, in the sweep's transaction."""
    escalations_record(
        rows,
        event_model=FeedbackEvent,
        subject_field="item",
        kind=EventKind.ESCALATION,
        target_labels=TARGET_LABELS,
        nobody=_("Nobody could be told: no owner, supervisor or leadership group member."),
    )


def staff_feedback_path(context: dict) -> str:
    return f"/admin/feedback/feedbackitem/?q={context['reference']}"


def _sla_kind(name: str, texts: NoticeTexts) -> NoticeKindSpec:
    return sla_notice_kind(
        name,
        texts,
        path=staff_feedback_path,
        link_label=_("Open the feedback item in the staff queue: %(url)s"),
        targets=TARGET_IN_SENTENCE,
    )


SLA_NOTICE_KINDS = (
    _sla_kind(
        SLA_WARNING,
        NoticeTexts(
            subject=_("Feedback %(reference)s: the %(target)s is due at %(due)s"),
            body=_(
                "The %(target)s of feedback item %(reference)s is due at %(due)s. You are its "
                "owner, or the next "
                "person responsible while it has none."
            ),
            sms=pgettext_lazy("sms", "Feedback %(reference)s: the %(target)s is due at %(due)s."),
            title=_("Feedback %(reference)s: the %(target)s is due at %(due)s"),
        ),
    ),
    _sla_kind(
        SLA_BREACH,
        NoticeTexts(
            subject=_("Overdue: the %(target)s of feedback %(reference)s"),
            body=_(
                "The %(target)s of feedback item %(reference)s was due at %(due)s and is overdue. "
                "You are told as "
                "the supervisor responsible for it."
            ),
            sms=pgettext_lazy("sms", "Overdue: the %(target)s of feedback %(reference)s was due at %(due)s."),
            title=_("Overdue: the %(target)s of feedback %(reference)s was due at %(due)s"),
        ),
    ),
    _sla_kind(
        SLA_LEADERSHIP_BREACH,
        NoticeTexts(
            subject=_("Urgent feedback overdue: the %(target)s of %(reference)s"),
            body=_(
                "The %(target)s of urgent feedback item %(reference)s was due at %(due)s and is "
                "overdue. You are "
                "told as a member of the leadership group."
            ),
            sms=pgettext_lazy(
                "sms", "Urgent feedback %(reference)s overdue: the %(target)s was due at %(due)s."
            ),
            title=_("Urgent feedback overdue: the %(target)s of %(reference)s was due at %(due)s"),
        ),
    ),
)


def register() -> None:
    """Register the feedback item as a clock subject and its SLA notice kinds (from the app's ready)."""
    for spec in SLA_NOTICE_KINDS:
        notice_kind_register(spec)
    clock_subject_register(
        ClockSubject(
            model=FeedbackItem,
            notice_kinds={
                Level.WARNING: SLA_WARNING,
                Level.BREACH: SLA_BREACH,
                Level.LEADERSHIP: SLA_LEADERSHIP_BREACH,
            },
            recipients=feedback_escalation_recipients,
            notice_context=feedback_notice_context,
            record=feedback_escalations_record,
        )
    )
