"""Time one SLA sweep over 1,000,000 open complaints of which 1 % are due (goal: under 2 seconds).

Run: .venv/bin/python bench/sla_sweep.py (builds its database once: BENCH_DATABASE_URL, default lr_bench_sla)

Each run makes the nearest running clock of 10,000 complaints past its warning and due time, runs
``sla_sweep`` once (10,000 warnings, 10,000 breaches, leadership escalations for the major ones, and their
outbox rows), reports the time, and rolls everything back, so runs repeat on the same data. It prints the
query plan of the set-based selection, which must use the partial indexes.
"""

import os
import statistics
import time

os.environ.setdefault("BENCH_DATABASE_URL", "postgres://root@127.0.0.1:5432/lr_bench_sla")
os.environ.setdefault("BENCH_OPEN_SHARE", "1.0")

from million import BENCH_PREFIX, ensure_million, say, setup_django

RUNS = int(os.environ.get("BENCH_RUNS", "5"))

DUE_COMPLAINTS = 10_000  # 1 % of 1,000,000

# One running clock (the nearest) of each of 10,000 complaints, spread over the table, becomes overdue.
MAKE_DUE = """
WITH running AS (
    SELECT DISTINCT ON (subject_id) id, subject_id FROM sla_clock
    WHERE met_at IS NULL AND cancelled_at IS NULL AND paused_at IS NULL
    ORDER BY subject_id, due_at
), picked AS (
    SELECT id FROM running ORDER BY md5(subject_id::text) LIMIT %(count)s
)
UPDATE sla_clock SET warn_at = %(now)s - interval '10 minutes', due_at = %(now)s - interval '1 minute'
FROM picked WHERE sla_clock.id = picked.id
"""
PLANS = [
    "SELECT id FROM sla_clock WHERE met_at IS NULL AND cancelled_at IS NULL AND paused_at IS NULL "
    "AND ((warned_at IS NULL AND warn_at <= %(now)s) OR (breached_at IS NULL AND due_at <= %(now)s) "
    "OR (breached_at IS NOT NULL AND breach_reaches_leadership AND leadership_escalated_at IS NULL))",
]


class Rollback(Exception):
    pass


def main() -> None:
    setup_django()
    ensure_million()
    from django.db import connection, transaction
    from django.utils import timezone

    from complaints.models import Complaint
    from sla.models import Clock
    from sla.services import sla_sweep

    open_count = (
        Complaint.objects.filter(reference__startswith=BENCH_PREFIX)
        .exclude(state__in=["closed", "withdrawn", "rejected", "merged"])
        .count()
    )
    say(f"Open complaints: {open_count:,}; clocks: {Clock.objects.count():,}")
    timings, result = [], None
    for _ in range(RUNS):
        now = timezone.now()
        try:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute(MAKE_DUE, {"now": now, "count": DUE_COMPLAINTS})
                    due = cursor.rowcount
                    cursor.execute("ANALYZE sla_clock")
                started = time.perf_counter()
                result = sla_sweep(now=now)
                timings.append(time.perf_counter() - started)
                if _ == 0:
                    with connection.cursor() as cursor:
                        for sql in PLANS:
                            cursor.execute("EXPLAIN " + sql, {"now": now})
                            say("\n".join(row[0] for row in cursor.fetchall()))
                raise Rollback
        except Rollback:
            pass
    say(f"Due clocks per run: {due:,}; result: {result}")
    say(
        f"Sweep time over {RUNS} runs: median {statistics.median(timings):.3f} s, "
        f"min {min(timings):.3f} s, max {max(timings):.3f} s (goal: under 2 s)"
    )


if __name__ == "__main__":
    main()
