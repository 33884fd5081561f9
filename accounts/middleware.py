"""Language selection: the user's explicit choice, then their saved preference, then Chinese.

The browser's Accept-Language header is deliberately not consulted: the institution's language is Chinese,
and a visitor switches to English with the switcher on every page.
"""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers

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
