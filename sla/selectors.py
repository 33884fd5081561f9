"""Read queries about clocks that pages and the API share."""

from django.db.models import Prefetch, QuerySet

from .models import RUNNING, Clock, Target

TARGET_ORDER = {target: position for position, target in enumerate(Target)}


def clocks_for_complaint(*, complaint) -> list[Clock]:
    """The complaint's clocks in the order of the promises: acknowledgement, first response, resolution."""
    clocks = Clock.objects.filter(complaint=complaint)
    return sorted(clocks, key=lambda clock: TARGET_ORDER[Target(clock.target)])


def with_running_clocks(queryset: QuerySet) -> QuerySet:
    """Prefetch each complaint's running clocks, nearest due first, in one more query for the whole page."""
    running = Clock.objects.filter(RUNNING).order_by("due_at")
    return queryset.prefetch_related(Prefetch("clocks", queryset=running, to_attr="running_clocks"))
