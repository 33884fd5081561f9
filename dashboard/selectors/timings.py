"""The median and 90th-percentile times to meet each target: exact from the clocks, or estimated from the
stored histograms of the daily facts."""

import math

from django.db.models import DurationField, ExpressionWrapper, F, FloatField, Q, Value
from django.db.models.aggregates import Aggregate
from django.db.models.functions import Extract

from sla.models import Clock, Target

from .scope import Scope

TIMINGS = (
    ("acknowledge", Target.ACKNOWLEDGE),
    ("respond", Target.FIRST_RESPONSE),
    ("resolve", Target.RESOLUTION),
)
PERCENTILES = (("median", 0.5), ("p90", 0.9))


class PercentileCont(Aggregate):
    """PostgreSQL's continuous percentile of an ordered set."""

    function = "percentile_cont"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression, fraction: float, **extra):
        if not 0 <= fraction <= 1:
            raise ValueError("fraction must be between 0 and 1")
        super().__init__(expression, fraction=float(fraction), **extra)


ELAPSED = ExpressionWrapper(F("met_at") - F("started_at"), output_field=DurationField())


def exact_timings(scope: Scope) -> dict[str, float | None]:
    """The median and 90th percentile hours from start to meeting of met clocks, read from the clocks."""
    periods = {"current": scope.period, "previous": scope.period.previous()}
    aggregates = {}
    for when, period in periods.items():
        filed = scope.filed_in(period, "complaint__")
        for name, target in TIMINGS:
            base = filed & Q(target=target, met_at__isnull=False)
            hours = Extract(ELAPSED, "epoch") / Value(3600.0)
            for statistic, fraction in PERCENTILES:
                aggregates[f"{name}_{statistic}_{when}"] = PercentileCont(hours, fraction, filter=base)
    return (
        Clock.objects.filter(scope.complaint_filter("complaint__"))
        .filter(
            scope.filed_in(periods["current"], "complaint__")
            | scope.filed_in(periods["previous"], "complaint__")
        )
        .aggregate(**aggregates)
    )


def estimated_percentile(counts: list[int], edges: tuple[int, ...], fraction: float) -> float | None:
    """Estimate a continuous percentile, in hours, from a histogram of minutes.

    The values of a bucket are taken as spread evenly over it (the i-th of n at ``(i + ½) / n`` of its width),
    and the percentile interpolates between neighbouring ranks as PostgreSQL's ``percentile_cont`` does. The
    last bucket is open-ended: its values are taken at its lower edge, so the estimate there is a lower bound.
    The error is at most the width of the bucket the percentile falls in.
    """
    total = sum(counts)
    if not total:
        return None

    def value_at(rank: int) -> float:
        seen = 0
        for index, count in enumerate(counts):
            if rank < seen + count:
                low = edges[index - 1] if index else 0
                if index == len(edges):
                    return float(low)
                return low + (rank - seen + 0.5) / count * (edges[index] - low)
            seen += count
        raise ValueError("rank beyond the histogram")

    position = fraction * (total - 1)
    below, above = math.floor(position), math.ceil(position)
    lower = value_at(below)
    minutes = lower + (position - below) * (value_at(above) - lower)
    return minutes / 60.0
