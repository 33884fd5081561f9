"""A chat left as a message (nobody on duty) as an SLA clock subject: its reply target on the shared engine.

The three targets of the engine read, for such a chat: taken on by an agent, the first reply, and ended. The
chat's own SLA policies (its migration seeds them) give the reply within one working day of the office-hours
calendar; staff change them in the admin. A chat opened while someone is on duty keeps no clock: it is
answered while the learner waits.

Who is told, first one found (active people only): the warning at 75 % goes to the agent who took it, else
the customer-service department's supervisor, else the leadership group; a breach to that supervisor, else
the leadership group.
"""

import datetime
from collections.abc import Sequence

from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import Department
from notifications.kinds import NoticeKindSpec, NoticeTexts, notice_kind_register
from sla.models import Clock, Escalation, Severity, Target
from sla.records import sla_notice_kind
from sla.services import clocks_sync
from sla.subjects import (
    ClockFacts,
    ClockSubject,
    TargetFacts,
    clock_subject_register,
    leadership_ids,
    recipients_by_chain,
)

from .models import Chat, State

Level = Escalation.Level
SERVICE_DEPARTMENT = "customer_service"

SLA_WARNING = "livechat_sla_warning"
SLA_BREACH = "livechat_sla_breach"
SLA_LEADERSHIP_BREACH = "livechat_sla_leadership_breach"

TARGET_IN_SENTENCE = {
    Target.ACKNOWLEDGE: pgettext_lazy("chat target in a sentence", "taking on"),
    Target.FIRST_RESPONSE: pgettext_lazy("chat target in a sentence", "reply"),
    Target.RESOLUTION: pgettext_lazy("chat target in a sentence", "end"),
}


def chat_clock_facts(chat: Chat) -> ClockFacts:
    return ClockFacts(
        severity=Severity.GENERAL,
        is_urgent=False,
        started_at=chat.created_at,
        targets={
            Target.ACKNOWLEDGE: TargetFacts(met_at=chat.assigned_at),
            Target.FIRST_RESPONSE: TargetFacts(met_at=chat.first_reply_at),
            Target.RESOLUTION: TargetFacts(met_at=chat.closed_at),
        },
        finished=chat.state == State.CLOSED,
    )


def chat_clocks_sync(*, chat: Chat, now: datetime.datetime | None = None) -> list[Clock]:
    """Bring the chat's clocks in line with it (see ``sla.services.clocks_sync``)."""
    return clocks_sync(subject=chat, facts=chat_clock_facts(chat), now=now)


def chat_clocks() -> QuerySet[Clock]:
    return Clock.objects.filter(subject_type=ContentType.objects.get_for_model(Chat))


def chat_escalation_recipients(level: str, chat_ids: Sequence[int]) -> dict[int, list[int]]:
    """Name who is told of each chat's escalation at ``level``: two queries, one with the leadership."""
    if level == Level.LEADERSHIP:
        return dict.fromkeys(chat_ids, leadership_ids())
    supervisor = (
        Department.objects.filter(code=SERVICE_DEPARTMENT)
        .values_list("supervisor_id", "supervisor__is_active")
        .first()
    ) or (None, None)
    rows = Chat.objects.filter(pk__in=chat_ids).values_list("pk", "agent_id", "agent__is_active")
    return recipients_by_chain(
        {
            pk: ([(agent, agent_active)] if level == Level.WARNING else []) + [supervisor]
            for pk, agent, agent_active in rows
        }
    )


def chat_notice_context(chat_ids: Sequence[int]) -> dict[int, dict]:
    return {
        pk: {"reference": reference}
        for pk, reference in Chat.objects.filter(pk__in=chat_ids).values_list("pk", "reference")
    }


def staff_chat_path(context: dict) -> str:
    return "/admin/livechat/chat/console/"


def _sla_kind(name: str, texts: NoticeTexts) -> NoticeKindSpec:
    return sla_notice_kind(
        name,
        texts,
        path=staff_chat_path,
        link_label=_("Open the chat console: %(url)s"),
        targets=TARGET_IN_SENTENCE,
    )


SLA_NOTICE_KINDS = (
    _sla_kind(
        SLA_WARNING,
        NoticeTexts(
            subject=_("Chat message %(reference)s: the %(target)s is due at %(due)s"),
            body=_(
                "A learner left chat message %(reference)s while nobody was on duty; its %(target)s is due "
                "at %(due)s. You took it on, or are the next person responsible."
            ),
            sms=pgettext_lazy("sms", "Chat message %(reference)s: the %(target)s is due at %(due)s."),
            title=_("Chat message %(reference)s: the %(target)s is due at %(due)s"),
        ),
    ),
    _sla_kind(
        SLA_BREACH,
        NoticeTexts(
            subject=_("Overdue: the %(target)s of chat message %(reference)s"),
            body=_(
                "The %(target)s of chat message %(reference)s was due at %(due)s and is overdue. You are "
                "told as the supervisor responsible for customer service."
            ),
            sms=pgettext_lazy(
                "sms", "Overdue: the %(target)s of chat message %(reference)s was due at %(due)s."
            ),
            title=_("Overdue: the %(target)s of chat message %(reference)s was due at %(due)s"),
        ),
    ),
    _sla_kind(
        SLA_LEADERSHIP_BREACH,
        NoticeTexts(
            subject=_("Chat message overdue: the %(target)s of %(reference)s"),
            body=_(
                "The %(target)s of chat message %(reference)s was due at %(due)s and is overdue. You are "
                "told as a member of the leadership group."
            ),
            sms=pgettext_lazy(
                "sms", "Chat message %(reference)s overdue: the %(target)s was due at %(due)s."
            ),
            title=_("Chat message overdue: the %(target)s of %(reference)s was due at %(due)s"),
        ),
    ),
)


def register() -> None:
    """Register the chat as a clock subject and its SLA notice kinds (from the app's ready)."""
    for spec in SLA_NOTICE_KINDS:
        notice_kind_register(spec)
    clock_subject_register(
        ClockSubject(
            model=Chat,
            notice_kinds={
                Level.WARNING: SLA_WARNING,
                Level.BREACH: SLA_BREACH,
                Level.LEADERSHIP: SLA_LEADERSHIP_BREACH,
            },
            recipients=chat_escalation_recipients,
            notice_context=chat_notice_context,
        )
    )
