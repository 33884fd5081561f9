"""Feedback work that runs in the background: thin tasks, safe to run twice (the job's state decides)."""

from celery import shared_task

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
