"""Celery tasks of the dashboard: thin, by id, safe to run twice."""

from celery import shared_task

from .models import ReportRun
from .services import report_generate, rollup_refresh


# Queued after the request's commit and never awaited: no result is stored, so the request never waits on the
# result store.
@shared_task(ignore_result=True)
def report_generate_task(run_id: int) -> None:
    run = ReportRun.objects.filter(pk=run_id).first()
    if run is not None:
        report_generate(run=run)


@shared_task
def rollup_refresh_task() -> None:
    """Store the daily facts of the days changed since the last refresh (beat, every minute)."""
    rollup_refresh()
