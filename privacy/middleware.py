"""Ask a logged-in user to accept the current privacy policy before going on."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

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
