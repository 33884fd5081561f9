"""Ask a logged-in user to accept the current privacy policy; keep pages with personal data out of caches;
remember each reader's reach for the length of one request."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from . import policy
from .selectors import policy_acceptance_needed

SESSION_KEY = "privacy_policy_accepted"
# Pages a user must reach before accepting: the policy itself, acceptance, log-out, language, health, assets,
# and the staff's second factor, which comes first.
EXEMPT_PREFIXES = (
    "/privacy/policy/",
    "/privacy/accept/",
    "/accounts/second-factor/",
    "/accounts/log-out/",
    "/accounts/language/",
    "/static/",
)
EXEMPT_PATHS = frozenset({"/healthz", "/favicon.ico"})


class PolicyMemoryMiddleware:
    """Read what each reader reaches (relations, grants) once per request: see ``policy.one_reading``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with policy.one_reading():
            return self.get_response(request)


class PolicyAcceptanceMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and request.path not in EXEMPT_PATHS
            and not request.path.startswith(EXEMPT_PREFIXES)
        ):
            pending = policy_acceptance_needed(user=user, session=request.session)
            if pending is not None:
                if request.path.startswith("/api/"):
                    return JsonResponse(
                        {
                            "code": "policy_acceptance_required",
                            "detail": _("Accept the current privacy policy (version %(version)s) to go on.")
                            % {"version": pending.version},
                        },
                        status=403,
                    )
                return redirect(f"{reverse('privacy:accept')}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)


class NoStoreMiddleware:
    """Forbid any cache, the browser's included, to keep a page that may carry personal data.

    The rule is simple so that no page is missed: every answer to a logged-in user, and every API answer
    (what it holds depends on who asks), is ``private, no-store``; a browser's back button then asks the
    server again, where the session decides. Static files are the same for everyone and keep their
    far-future caching (WhiteNoise answers them before this middleware runs).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path.startswith(settings.STATIC_URL):
            return response
        user = getattr(request, "user", None)
        if request.path.startswith("/api/") or (user is not None and user.is_authenticated):
            add_never_cache_headers(response)
        return response
