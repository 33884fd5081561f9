"""Template context every page needs: the institution's name and the navigation for the user's roles."""

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest

from accounts.selectors import navigation_for_user


def site(request: HttpRequest) -> dict:
    # A request refused before the authentication middleware ran (a 400 for a wrong host) has no user.
    user = getattr(request, "user", None) or AnonymousUser()
    return {
        "institution_name": settings.INSTITUTION_NAME,
        "navigation": navigation_for_user(user=user),
    }
