"""Celery tasks of reviews: thin, safe to run twice (the database decides what is due and what was sent)."""

from celery import shared_task

from .services import review_reminders_send


@shared_task
def review_reminders_task() -> int:
    """Remind the people responsible of the reviews due soon or overdue (beat, every morning)."""
    return review_reminders_send()
