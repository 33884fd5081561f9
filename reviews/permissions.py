"""Who reads and records reviews (see privacy.policy): one rule for the pages, the API and the admin.

- Managers and the leadership group read every review and decision, record reviews and their decisions,
  and mark decisions done.
- The owner of a decision reads it, and the review it came from, and marks it done.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from rest_framework.permissions import BasePermission

from accounts.models import User
from accounts.roles import Role
from privacy import policy

from .models import Review, ReviewDecision

REVIEW_ROLES = frozenset({str(Role.MANAGER), str(Role.LEADERSHIP)})


def may_manage_reviews(user) -> bool:
    """Say whether the user reads every review and records them: managers and the leadership group."""
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and (user.is_superuser or user.role_names & REVIEW_ROLES)
    )


def require_review_manager(user) -> None:
    """Raise PermissionDenied unless the user is a manager or in the leadership group (pages)."""
    if not may_manage_reviews(user):
        raise PermissionDenied


class ManagesReviews(BasePermission):
    def has_permission(self, request, view) -> bool:
        return may_manage_reviews(request.user)


@policy.rule(Review, policy.VIEW)
def reviews_visible_by_relation(user: User) -> Q:
    if may_manage_reviews(user):
        return policy.EVERYTHING
    return Q(pk__in=ReviewDecision.objects.filter(owner=user).values("review_id"))


@policy.rule(Review, policy.CHANGE)
def reviews_changeable_by_relation(user: User) -> Q:
    return policy.EVERYTHING if may_manage_reviews(user) else policy.NOTHING


@policy.rule(ReviewDecision, policy.VIEW, policy.CHANGE)
def decisions_by_relation(user: User) -> Q:
    return policy.EVERYTHING if may_manage_reviews(user) else Q(owner=user)
