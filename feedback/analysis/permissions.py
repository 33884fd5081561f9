"""Who reads the feedback analysis: managers and the leadership group (the dashboard's readers); one rule for
the page, the API and the CSV."""

from django.core.exceptions import PermissionDenied
from rest_framework.permissions import BasePermission

from accounts.roles import Role

ANALYSIS_ROLES = frozenset({str(Role.MANAGER), str(Role.LEADERSHIP)})


def may_read_feedback_analysis(user) -> bool:
    return bool(user.is_authenticated and user.is_active and (user.role_names & ANALYSIS_ROLES))


def require_feedback_analysis_reader(user) -> None:
    """Raise PermissionDenied unless the user is a manager or in the leadership group."""
    if not may_read_feedback_analysis(user):
        raise PermissionDenied


class ReadsFeedbackAnalysis(BasePermission):
    def has_permission(self, request, view) -> bool:
        return may_read_feedback_analysis(request.user)
