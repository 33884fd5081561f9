"""Settings for a real deployment: every secret from the environment, HTTPS enforced."""

from .base import *  # noqa: F403
from .base import (
    ALLOWED_HOSTS,
    BLIND_INDEX_KEY,
    DEBUG,
    EMAIL_BACKEND,
    FIELD_ENCRYPTION_KEYS,
    SECRET_KEY,
    env,
)
from .guard import refuse_unsafe_settings

refuse_unsafe_settings(
    debug=DEBUG,
    secret_key=SECRET_KEY,
    allowed_hosts=ALLOWED_HOSTS,
    encryption_keys=FIELD_ENCRYPTION_KEYS,
    blind_index_key=BLIND_INDEX_KEY,
    email_backend=EMAIL_BACKEND,
)

# Behind a TLS-terminating proxy that sets X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
