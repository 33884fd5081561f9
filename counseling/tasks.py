"""Counselling's timers: one thin sweep, safe to run twice (the rows' states and the unique reminder rows
decide what is left to do)."""

from celery import shared_task

from .services import counselling_sweep


@shared_task(ignore_result=True)
def counselling_sweep_task() -> dict[str, int]:
    """Expire holds that ran out, send the 24 h and 1 h reminders, record missed sessions (beat: every
    minute)."""
    return counselling_sweep()
