"""Template context every page needs: the institution's name and the navigation for the user's roles."""

from django.conf import settings
from django.http import HttpRequest

from accounts.selectors import navigation_for_user


def site(request: HttpRequest) -> dict:
    return {
        "institution_name": settings.INSTITUTION_NAME,
        "navigation": navigation_for_user(user=request.user),
    }
