"""The unread count of a person's in-app notices, for the header of every page."""

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from .selectors import notifications_unread_count


def unread_notifications(request: HttpRequest) -> dict:
    """Give logged-in users their unread count, counted once and only if a template shows it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notification_count": SimpleLazyObject(lambda: notifications_unread_count(user=user))}
