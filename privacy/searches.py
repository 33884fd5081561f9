"""Search terms that name a person (a mobile number, a name, an e-mail address) kept out of every URL.

The staff's search box posts its term; the term is kept server-side, encrypted, in the cache for a short
while under a random token bound to the member of staff who searched, and the list's address carries only
that token. Server and proxy logs, the browser's history and the Referer header then see the token, which
means nothing to anyone else and nothing to anyone after it expires.
"""

import re
import secrets

from django.conf import settings
from django.core.cache import cache

from accounts.models import User

from .crypto import DecryptionError, decrypt, encrypt

# How long a search stays readable through its token: long enough to page through its results.
DEFAULT_TTL_SECONDS = 600
TOKEN_BYTES = 16
# What token_urlsafe gives; anything else in the address is no token of ours and is never looked up.
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def search_ttl_seconds() -> int:
    return int(getattr(settings, "PRIVACY_SEARCH_TTL_SECONDS", DEFAULT_TTL_SECONDS))


def _cache_key(user: User, token: str) -> str:
    return f"privacy:search:{user.pk}:{token}"


def _associated_data(user: User) -> bytes:
    return f"privacy.search:{user.pk}".encode()


def search_token_issue(*, user: User, term: str) -> str:
    """Keep the search term for ``user`` and return the opaque token that stands for it in a URL.

    The term is encrypted under the field-encryption key before it reaches the cache, and expires after
    ``PRIVACY_SEARCH_TTL_SECONDS`` (default ten minutes).
    """
    token = secrets.token_urlsafe(TOKEN_BYTES)
    sealed = encrypt(term.encode(), associated_data=_associated_data(user))
    cache.set(_cache_key(user, token), sealed, timeout=search_ttl_seconds())
    return token


def search_term_for_token(*, user: User, token: str) -> str | None:
    """Return the term ``user`` searched for under ``token``; None when it expired or is not theirs."""
    if not TOKEN_RE.match(token):
        return None
    sealed = cache.get(_cache_key(user, token))
    if sealed is None:
        return None
    try:
        return decrypt(sealed, associated_data=_associated_data(user)).decode()
    except (DecryptionError, UnicodeDecodeError):
        return None
