"""Who reads the dashboard: the managers and the leadership group."""

from django.core.exceptions import PermissionDenied
from rest_framework.permissions import BasePermission

from accounts.roles import Role

DASHBOARD_ROLES = frozenset({str(Role.MANAGER), str(Role.LEADERSHIP)})


def may_read_dashboard(user) -> bool:
    return bool(user.is_authenticated and user.is_active and (user.role_names & DASHBOARD_ROLES))


def require_dashboard_reader(user) -> None:
    """Raise PermissionDenied unless the user is a manager or in the leadership group."""
    if not may_read_dashboard(user):
        raise PermissionDenied


class ReadsDashboard(BasePermission):
    def has_permission(self, request, view) -> bool:
        return may_read_dashboard(request.user)
