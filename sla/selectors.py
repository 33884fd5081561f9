"""Read queries about clocks that pages and the API share."""

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Prefetch, QuerySet

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
