"""Celery tasks of the dashboard: thin, by id, safe to run twice."""

from celery import shared_task

from .models import ReportRun
from .services import report_generate


@shared_task
def report_generate_task(run_id: int) -> None:
    run = ReportRun.objects.filter(pk=run_id).first()
    if run is not None:
        report_generate(run=run)
