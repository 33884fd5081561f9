"""Feedback work that runs in the background: thin tasks, safe to run twice (a job's state, or the upsert of
the daily facts, decides what is done)."""

import datetime

from celery import shared_task
from django.utils import timezone

from .analysis.services import feedback_facts_refresh, feedback_facts_refresh_recent
from .imports import import_check, import_write
from .models import ImportJob


@shared_task(ignore_result=True)
def feedback_import_check_task(job_id: int) -> None:
    """Check an uploaded batch whole; a job already checked is left alone."""
    job = ImportJob.objects.filter(pk=job_id, state=ImportJob.State.CHECKING).first()
    if job is not None:
        import_check(job=job)


@shared_task(ignore_result=True)
def feedback_import_write_task(job_id: int) -> None:
    """Import a checked batch whole; a job not ready (imported, refused, running) is left alone."""
    job = ImportJob.objects.filter(pk=job_id, state=ImportJob.State.READY).first()
    if job is not None:
        import_write(job=job)


@shared_task(ignore_result=True)
def feedback_facts_refresh_task() -> None:
    """Store the daily facts of the recent days (beat, every 15 minutes)."""
    feedback_facts_refresh_recent()


@shared_task(ignore_result=True)
def feedback_facts_refresh_year_task() -> None:
    """Store the daily facts of the last 366 days (beat, nightly): late ratings of older items."""
    today = timezone.localdate()
    feedback_facts_refresh(first=today - datetime.timedelta(days=365), last=today)
