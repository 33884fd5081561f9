"""Refresh the stored daily facts of feedback for a range of days (idempotent)."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from .facts import TABLES, prune_sql, upsert_sql

# The beat task refreshes this many recent days: items move on (plan, result, rating) within weeks of
# arriving; older days are refreshed nightly for a year (``feedback_facts_refresh_year_task``) or by hand
# (``manage.py feedback_facts --from … --to …``).
RECENT_DAYS = 62


@dataclass(frozen=True)
class FactsRefresh:
    first: datetime.date
    last: datetime.date
    rows: int


@transaction.atomic
def feedback_facts_refresh(
    *, first: datetime.date, last: datetime.date, now: datetime.datetime | None = None
) -> FactsRefresh:
    """Recompute the stored facts of the items received from ``first`` to ``last`` (local days) as of ``now``.

    Upserts every (day, key) row and deletes the rows of those days left unwritten; running it twice writes
    the same rows. Concurrent refreshes are serialised by a transaction-level advisory lock.
    """
    now = now or timezone.now()
    # The stamp tells this refresh's rows from older ones: the wall clock, even when ``now`` is given.
    stamp = datetime.datetime.now(datetime.UTC)
    params = {"first": first, "last": last, "zone": settings.TIME_ZONE, "as_of": now, "stamp": stamp}
    rows = 0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext('feedback_facts_refresh'))")
        for table in TABLES:
            cursor.execute(upsert_sql(table), params)
            rows += cursor.rowcount
            cursor.execute(prune_sql(table), params)
    return FactsRefresh(first=first, last=last, rows=rows)


def feedback_facts_refresh_recent(
    *, now: datetime.datetime | None = None, days: int = RECENT_DAYS
) -> FactsRefresh:
    """Refresh the last ``days`` local days up to today."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    return feedback_facts_refresh(first=today - datetime.timedelta(days=days - 1), last=today, now=now)
