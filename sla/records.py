"""What every clock subject writes and says the same way: the escalation entries of its timeline, the due
times in the institution's zone, and the values and links of its SLA notices.

A subject's ``record`` callback hands its rows to ``escalations_record`` with its own timeline model and
labels; its notice kinds come from ``sla_notice_kind`` with its own texts and staff link. Only the words
differ between domains, so only the words live in the domains.
"""

import datetime
import json
from collections.abc import Callable, Mapping, Sequence
from functools import partial
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, models
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from psycopg2 import sql

from notifications.kinds import NoticeKindSpec, NoticeTexts

from .models import Escalation, Target
from .subjects import EscalationRow

# The context every SLA notice carries, whatever its subject.
SLA_CONTEXT = frozenset({"reference", "target", "due_at", "escalated_at"})


def local_time(moment: datetime.datetime, *, day_of: datetime.datetime | None = None) -> str:
    """The moment in the institution's zone; only the time of day when it falls on the day of ``day_of``."""
    zone = ZoneInfo(settings.TIME_ZONE)  # zoneinfo keeps one instance per key: cheap per due time
    local = moment.astimezone(zone)
    if day_of is not None and local.date() == day_of.astimezone(zone).date():
        return f"{local:%H:%M}"
    return f"{local:%Y-%m-%d %H:%M}"


def escalation_summary(*, level: str, target: str, due: str, recipients: int, nobody: str) -> str:
    """One escalation as its timeline reads it: level, target, due time and how many people were told
    (``nobody`` says who was missing when nobody could be)."""
    values = {"level": Escalation.Level(level).label, "target": target, "due": due}
    summary = _("%(level)s: %(target)s due at %(due)s.") % values
    if recipients == 0:
        return f"{summary} {nobody}"
    told = ngettext("%(count)d person told.", "%(count)d people told.", recipients) % {"count": recipients}
    return f"{summary} {told}"


# One statement for the sweep's whole batch: a sweep may escalate thousands of subjects at once.
_RECORD_SQL = sql.SQL(
    """
INSERT INTO {table} ({subject}, kind, is_public, actor_id, body, from_state, to_state, data, created_at)
SELECT event.subject_id, %(kind)s, false, NULL, event.body, '', '', event.data, event.created_at
FROM unnest(%(subjects)s::bigint[], %(bodies)s::text[], %(data)s::jsonb[], %(created)s::timestamptz[])
    AS event(subject_id, body, data, created_at)
"""
)


def escalations_record(
    rows: Sequence[EscalationRow],
    *,
    event_model: type[models.Model],
    subject_field: str,
    kind: str,
    target_labels: Mapping[str, str] | None = None,
    nobody: str = "",
    summary: Callable[[EscalationRow], str] | None = None,
) -> None:
    """Write each escalation as a staff-only event on its subject's timeline (a ``core.models.TimelineEvent``
    whose foreign key to the subject is ``subject_field``), in the sweep's transaction and one statement.

    The text is in the institution's language (``LANGUAGE_CODE``), as the system writes it: the subject's
    own ``summary`` of a row, else ``escalation_summary`` with the target named by ``target_labels`` and the
    due time in full. The details say the level, the target, the due time and how many people were told.
    """
    if summary is None:
        if target_labels is None:
            raise ValueError("Escalations need their targets' names or the subject's own summary.")

        def summary(row: EscalationRow) -> str:
            return escalation_summary(
                level=row.level,
                target=target_labels[Target(row.target)],
                due=local_time(row.due_at),
                recipients=row.recipients,
                nobody=str(nobody),
            )

    with translation.override(settings.LANGUAGE_CODE):
        bodies = [summary(row) for row in rows]
    details = [
        json.dumps(
            {
                "target": row.target,
                "level": row.level,
                "due_at": row.due_at.isoformat(),
                "recipients": row.recipients,
            }
        )
        for row in rows
    ]
    statement = _RECORD_SQL.format(
        table=sql.Identifier(event_model._meta.db_table),
        subject=sql.Identifier(event_model._meta.get_field(subject_field).column),
    )
    with connection.cursor() as cursor:
        cursor.execute(
            statement,
            {
                "kind": kind,
                "subjects": [row.subject_id for row in rows],
                "bodies": bodies,
                "data": details,
                "created": [row.escalated_at for row in rows],
            },
        )


def sla_notice_values(context: dict, *, targets: Mapping[str, str]) -> dict:
    """The values an SLA notice shows, in the active language: the reference, what is due and when."""
    return {
        "reference": context["reference"],
        "target": targets[Target(context["target"])],
        "due": local_time(datetime.datetime.fromisoformat(context["due_at"])),
    }


def sla_notice_kind(
    name: str,
    texts: NoticeTexts,
    *,
    path: Callable[[dict], str],
    link_label: str,
    targets: Mapping[str, str] | None = None,
    values: Callable[[dict], dict] | None = None,
) -> NoticeKindSpec:
    """An SLA notice kind: its own texts and staff link; the context and the values every subject shares
    (``targets`` names each target in a sentence), unless ``values`` says more."""
    if values is None:
        if targets is None:
            raise ValueError("An SLA notice kind needs its targets' names or its own values.")
        values = partial(sla_notice_values, targets=targets)
    return NoticeKindSpec(
        name=name,
        texts=texts,
        path=path,
        required_context=SLA_CONTEXT,
        values=values,
        link_label=link_label,
    )
