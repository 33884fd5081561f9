"""The activities' timer: the day-before reminders, a sweep safe to run twice (the rows say who was told)."""

from celery import shared_task

from .services import activity_reminders_send


@shared_task
def activity_reminders_task() -> int:
    """Remind the registered of activities starting within a day; return how many were reminded."""
    return activity_reminders_send()
