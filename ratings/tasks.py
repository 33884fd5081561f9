from celery import shared_task

from .services import ratings_refresh


@shared_task(name="ratings.refresh")
def ratings_refresh_task() -> int:
    return ratings_refresh()
