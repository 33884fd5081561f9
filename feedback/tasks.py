"""Celery tasks of feedback: thin, safe to run twice."""

import datetime

from celery import shared_task
from django.utils import timezone

from .analysis.services import feedback_facts_refresh, feedback_facts_refresh_recent


@shared_task(ignore_result=True)
def feedback_facts_refresh_task() -> None:
    """Store the daily facts of the recent days (beat, every 15 minutes)."""
    feedback_facts_refresh_recent()


@shared_task(ignore_result=True)
def feedback_facts_refresh_year_task() -> None:
    """Store the daily facts of the last 366 days (beat, nightly): late ratings of older items."""
    today = timezone.localdate()
    feedback_facts_refresh(first=today - datetime.timedelta(days=365), last=today)
