"""Refresh the stored daily figures: recompute the stale days and the days whose clocks fell due.

Celery beat runs ``rollup_refresh`` every minute; ``python manage.py dashboard_rollup`` runs it by hand
(``--rebuild`` recomputes every day). The dashboard is exact between refreshes as well (stale days are read
live, see ``dashboard.facts``): a refresh only keeps the live part small.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from ..facts import COMPLAINT_CLOCKS, FACT_TABLES
from ..models import RollupState

# Running clocks that fell due since the last refresh: their days' stored facts still count them undecided.
_MARK_FALLEN_DUE_SQL = f"""
INSERT INTO dashboard_rollupinvalidation (at)
SELECT c.created_at
FROM sla_clock AS ck
JOIN complaints_complaint AS c ON c.id = ck.subject_id
WHERE ck.subject_type_id = {COMPLAINT_CLOCKS}
  AND ck.met_at IS NULL AND ck.cancelled_at IS NULL AND ck.paused_at IS NULL
  AND ck.due_at > %(since)s AND ck.due_at <= %(now)s
"""  # noqa: S608 (a constant, no input)


@dataclass(frozen=True)
class RollupRefresh:
    days: int
    rebuilt: bool
    refreshed_at: datetime.datetime


def _every_day(cursor, zone: str, now: datetime.datetime) -> list[datetime.date]:
    """Every local day from the first filing to now (or to the last filing or closing, if later)."""
    cursor.execute(
        """SELECT generate_series(
            (min(created_at) AT TIME ZONE %(zone)s)::date,
            (GREATEST(max(created_at), max(closed_at), %(now)s::timestamptz) AT TIME ZONE %(zone)s)::date,
            interval '1 day')::date
        FROM complaints_complaint""",
        {"zone": zone, "now": now},
    )
    return [row[0] for row in cursor.fetchall()]


def _store(
    cursor, days: list[datetime.date], *, zone: str, now: datetime.datetime, replace_every_day: bool
) -> None:
    """Replace the stored facts of ``days`` (of every day, when ``replace_every_day``) in each fact table."""
    for facts in FACT_TABLES:
        # The table names are the module's own constants.
        if replace_every_day:
            cursor.execute(f"DELETE FROM {facts.table}")  # noqa: S608
        else:
            cursor.execute(f"DELETE FROM {facts.table} WHERE day = ANY(%s)", [days])  # noqa: S608
        cursor.execute(facts.refresh_sql(), {"days": days, "zone": zone, "as_of": now})


@transaction.atomic
def rollup_refresh(*, now: datetime.datetime | None = None, rebuild: bool = False) -> RollupRefresh:
    """Recompute the stored facts of every stale day (of every day when rebuilding) as of ``now``.

    Rebuilds by itself the first time, and when the institution's time zone changed since. Refreshes are
    serialised by a lock on the state row; a change committed while one runs leaves its mark for the next.
    Safe to run any number of times.
    """
    now = now or timezone.now()
    zone = settings.TIME_ZONE
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO dashboard_rollupstate (id, time_zone) VALUES (1, %s) ON CONFLICT (id) DO NOTHING",
            [zone],
        )
        state = RollupState.objects.select_for_update().get(pk=1)
        rebuild = rebuild or state.refreshed_at is None or state.time_zone != zone
        if rebuild:
            cursor.execute("SELECT max(id) FROM dashboard_rollupinvalidation")
            (last_mark,) = cursor.fetchone()
            days = _every_day(cursor, zone, now)
            _store(cursor, days, zone=zone, now=now, replace_every_day=True)
            cursor.execute("DELETE FROM dashboard_rollupinvalidation WHERE id <= %s", [last_mark or 0])
        else:
            cursor.execute(_MARK_FALLEN_DUE_SQL, {"since": state.refreshed_at, "now": now})
            # Only the marks read here are cleared: their changes were committed before the recomputation
            # below reads the complaints, so it includes them; later marks stay for the next refresh.
            cursor.execute("SELECT id, (at AT TIME ZONE %s)::date FROM dashboard_rollupinvalidation", [zone])
            marks = cursor.fetchall()
            days = sorted({day for _id, day in marks})
            _store(cursor, days, zone=zone, now=now, replace_every_day=False)
            cursor.execute(
                "DELETE FROM dashboard_rollupinvalidation WHERE id = ANY(%s)",
                [[mark for mark, _day in marks]],
            )
    state.refreshed_at = now
    state.time_zone = zone
    state.save(update_fields=["refreshed_at", "time_zone"])
    return RollupRefresh(days=len(days), rebuilt=rebuild, refreshed_at=now)
