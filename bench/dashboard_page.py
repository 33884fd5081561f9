"""Server time of the dashboard for a year at 1,000,000 complaints (goal: under 500 ms).

Rebuilds the stored daily figures (timed), then renders the whole page through the test client as a
manager, five times after one warm-up run: first with every day stored, then with a day's complaints
changed since the last refresh (read live), and times the refresh that stores them again.
"""

import datetime
import statistics
import time

from million import BENCH_PREFIX, ensure_million, manager_client, say, setup_django


def main() -> None:
    setup_django()
    ensure_million()
    from django.db import connection
    from django.db.models import F
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from complaints.models import Complaint
    from dashboard.services import rollup_refresh

    started = time.perf_counter()
    rebuilt = rollup_refresh(rebuild=True)
    say(f"rebuild of the daily figures: {rebuilt.days} days in {time.perf_counter() - started:.1f} s")
    with connection.cursor() as cursor:
        for table in ("dashboard_complaintday", "dashboard_complaintsubjectday"):
            cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 (the two names above)
            say(f"stored rows in {table}: {cursor.fetchone()[0]:,}")
            cursor.execute(f"ANALYZE {table}")

    client = manager_client()

    def page_timings(label: str) -> None:
        client.get("/dashboard/", {"period": "year"})
        timings = []
        for _run in range(5):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get("/dashboard/", {"period": "year"})
                timings.append(time.perf_counter() - started)
            assert response.status_code == 200, response.status_code
        say(f"dashboard, this year, all complaints, {label}: {len(queries)} queries")
        say(
            f"  median {statistics.median(timings) * 1000:.0f} ms, min {min(timings) * 1000:.0f} ms, "
            f"max {max(timings) * 1000:.0f} ms (goal < 500 ms)"
        )

    page_timings("every day stored")
    # A busy day's changes since the last refresh: re-rate the complaints closed of those filed yesterday, so
    # that day (about 2,700 complaints) is read live from the complaints and their clocks.
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    changed = Complaint.objects.filter(
        reference__startswith=BENCH_PREFIX, created_at__date=yesterday, state="closed"
    ).update(satisfaction_rating=F("satisfaction_rating") % 5 + 1)
    say(f"changed {changed:,} complaints of {yesterday} since the refresh")
    page_timings("one day stale")
    started = time.perf_counter()
    refreshed = rollup_refresh()
    say(f"refresh of {refreshed.days} stale day(s): {(time.perf_counter() - started) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
