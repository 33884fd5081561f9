"""Reading a learner's points, awards and rewards (the page and the API share these)."""

from dataclasses import dataclass

from django.db.models import QuerySet

from accounts.models import User

from .models import Award, PointsBalance, Reward, RewardRule


@dataclass(frozen=True)
class PointsSummary:
    total: int
    next_reward_at: int | None  # the next total at which an active rule gives a reward


def points_summary(*, learner: User) -> PointsSummary:
    """The learner's total and the next threshold an active rule rewards: two queries."""
    total = PointsBalance.objects.filter(learner=learner).values_list("total", flat=True).first() or 0
    steps = RewardRule.objects.filter(is_active=True).values_list("every_points", flat=True)
    upcoming = [(total // every + 1) * every for every in steps]
    return PointsSummary(total=total, next_reward_at=min(upcoming) if upcoming else None)


def awards_for_learner(*, learner: User) -> QuerySet[Award]:
    """The learner's awards, newest first."""
    return Award.objects.filter(learner=learner).order_by("-created_at", "-id")


def rewards_for_learner(*, learner: User) -> QuerySet[Reward]:
    """The learner's rewards with their codes, newest first."""
    return Reward.objects.filter(learner=learner).order_by("-issued_at", "-id")
