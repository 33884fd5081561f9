"""Periodic survey work: thin, safe to run twice (reminder rows and states decide what is due)."""

from celery import shared_task

from .services import surveys_sweep


@shared_task
def surveys_sweep_task() -> dict[str, int]:
    """Open surveys whose day has come, send the reminders due today once each, close finished surveys."""
    return surveys_sweep()
