"""Read queries about clocks that pages and the API share."""

import datetime

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from .models import RUNNING, Clock, Target

TARGET_ORDER = {target: position for position, target in enumerate(Target)}


def clocks_for_subject(*, subject: models.Model) -> list[Clock]:
    """The subject's clocks in the order of the promises: acknowledgement, first response, resolution."""
    clocks = Clock.objects.filter(
        subject_type=ContentType.objects.get_for_model(subject), subject_id=subject.pk
    )
    return sorted(clocks, key=lambda clock: TARGET_ORDER[Target(clock.target)])


def with_running_clocks(queryset: QuerySet) -> QuerySet:
    """Prefetch each subject's running clocks, nearest due first, in one more query for the whole page.

    Requires the subject model's generic relation to its clocks to be named ``clocks``.
    """
    running = Clock.objects.filter(RUNNING).order_by("due_at")
    return queryset.prefetch_related(Prefetch("clocks", queryset=running, to_attr="running_clocks"))


# A due clock the minute sweep has not reached this long after its due time means the sweep is not running.
SWEEP_LATE_AFTER = datetime.timedelta(minutes=5)


def sweep_lag_problem() -> str | None:
    """Say how late the oldest due clock is that no sweep has marked breached, when it is over five minutes
    (one indexed read of the breach index)."""
    oldest = (
        Clock.objects.filter(RUNNING, breached_at__isnull=True, due_at__lt=timezone.now() - SWEEP_LATE_AFTER)
        .order_by("due_at")
        .values_list("due_at", flat=True)
        .first()
    )
    if oldest is None:
        return None
    minutes = int((timezone.now() - oldest).total_seconds() // 60)
    return f"The oldest due clock not yet swept was due {minutes} minutes ago: is Celery beat running?"
