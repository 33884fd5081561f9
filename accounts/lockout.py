"""Lockout after repeated wrong passwords, by account and by address (django-axes, configured in settings).

An account is locked after ``AXES_FAILURE_LIMIT`` failures, an address after ``LOGIN_FAILURES_PER_ADDRESS``,
both counted over the last ``AXES_COOLOFF_TIME``; a lockout ends by itself when that period has passed, or
when staff delete the account's or address's failed attempts in the admin.
"""

from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .models import User


class AccountAndAddressLockoutHandler(AxesDatabaseHandler):
    """Axes' database handler, with one limit for an account's failures and a higher one for an address's."""

    def get_failures(self, request: HttpRequest, credentials: dict | None = None) -> int:
        by_account, by_address = (
            attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        )
        # On the account's scale: an address that reaches its own limit counts as reaching the account's.
        address_scaled = by_address * settings.AXES_FAILURE_LIMIT // settings.LOGIN_FAILURES_PER_ADDRESS
        return max(by_account, address_scaled)


def username_of_attempt(request: HttpRequest, credentials: dict | None = None) -> str | None:
    """Return the e-mail address tried, as the account is stored: "A@X.cn " and "a@x.cn" are one account."""
    value = (credentials or {}).get("username")
    if value is None:
        value = getattr(request, "POST", {}).get("username")
    return User.objects.normalize_email(value) or None


def locked_out_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: dict | None = None
) -> HttpResponse:
    """Tell a locked-out visitor, in their language, why they cannot log in and when they can try again."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "accounts/locked_out.html", {"minutes": minutes}, status=429)
