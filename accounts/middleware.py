"""Language selection (the user's explicit choice, then their saved preference, then Chinese), and the staff's
second factor before any page.

The browser's Accept-Language header is deliberately not consulted: the institution's language is Chinese,
and a visitor switches to English with the switcher on every page.
"""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from privacy.middleware import EXEMPT_PATHS

SUPPORTED_LANGUAGES = frozenset(code for code, _name in settings.LANGUAGES)


def language_for_request(request: HttpRequest) -> str:
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if chosen in SUPPORTED_LANGUAGES:
        return chosen
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.preferred_language in SUPPORTED_LANGUAGES:
        return user.preferred_language
    return settings.LANGUAGE_CODE


class PreferredLanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = language_for_request(request)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response


# Pages a staff member reaches before their second factor: the second factor itself, log-out, language.
SECOND_FACTOR_EXEMPT_PREFIXES = (
    "/accounts/second-factor/",
    "/accounts/log-out/",
    "/accounts/language/",
    "/admin/logout/",
    "/static/",
)


class StaffSecondFactorMiddleware:
    """Send a staff member whose session has not passed the second factor to it, whatever page they ask for.

    A password alone opens nothing to staff: pages redirect to the second-factor step (enrolment if no
    authenticator app is set up yet) and come back after it; the API answers 403. Needs django-otp's
    OTPMiddleware before it.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and user.is_staff
            and not user.is_verified()
            and request.path not in EXEMPT_PATHS
            and not request.path.startswith(SECOND_FACTOR_EXEMPT_PREFIXES)
        ):
            if request.path.startswith("/api/"):
                detail = _("Staff need their second factor for this: log in again on the site.")
                return JsonResponse({"code": "second_factor_required", "detail": detail}, status=403)
            return redirect(f"{reverse('second-factor')}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)
