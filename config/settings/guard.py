"""Refuse to start a non-debug site on settings that are only safe on a developer's machine."""

from django.core.exceptions import ImproperlyConfigured

# Used by local development only; a site with DEBUG off refuses to start on it.
DEVELOPMENT_SECRET_KEY = "django-insecure-development-key-never-use-in-production"  # noqa: S105
# Development-only field-encryption and blind-index keys: published here, so they protect nothing.
DEVELOPMENT_ENCRYPTION_KEYS = ["dev1:NxyIdz-H6drEfJDM-1C8X3O1lF1-mV25WCsv5zTyTUA="]
DEVELOPMENT_BLIND_INDEX_KEY = "29yEeA3GCGFPvbxCbi6TiR-KIKWjBXb6ZPMFmSM-Ixc="
# Mail backends that deliver nothing: the console one prints every message (password-reset links among
# them) into the logs, the dummy one drops it. The console one is what an unset EMAIL_URL gives.
UNDELIVERING_EMAIL_BACKENDS = frozenset(
    {
        "django.core.mail.backends.console.EmailBackend",
        "notifications.email.ConsoleSummaryEmailBackend",  # what base.py puts in the console one's place
        "django.core.mail.backends.dummy.EmailBackend",
    }
)


def refuse_unsafe_settings(
    *,
    debug: bool,
    secret_key: str,
    allowed_hosts: list[str],
    encryption_keys: list[str],
    blind_index_key: str,
    email_backend: str,
) -> None:
    """Raise ImproperlyConfigured when DEBUG is off and a key, the allowed hosts or the mail are unsafe."""
    if debug:
        return
    if not secret_key or secret_key == DEVELOPMENT_SECRET_KEY:
        raise ImproperlyConfigured(
            "DEBUG is off but SECRET_KEY is empty or the development key. "
            "Set the SECRET_KEY environment variable to a long random value, e.g. "
            "python -c 'import secrets; print(secrets.token_urlsafe(50))'."
        )
    if not allowed_hosts:
        raise ImproperlyConfigured(
            "DEBUG is off but ALLOWED_HOSTS is empty. Set the ALLOWED_HOSTS environment variable to the "
            "comma-separated host names this site answers to, e.g. ALLOWED_HOSTS=complaints.example.edu.cn."
        )
    if not encryption_keys or set(encryption_keys) & set(DEVELOPMENT_ENCRYPTION_KEYS):
        raise ImproperlyConfigured(
            "DEBUG is off but FIELD_ENCRYPTION_KEYS is empty or holds the development key. Set it to "
            "'id:key' pairs, newest first; python manage.py generate_encryption_key prints a new one."
        )
    if not blind_index_key or blind_index_key == DEVELOPMENT_BLIND_INDEX_KEY:
        raise ImproperlyConfigured(
            "DEBUG is off but BLIND_INDEX_KEY is empty or the development key. Set it to 32 random bytes in "
            "URL-safe base64 (python manage.py generate_encryption_key --blind-index)."
        )
    if email_backend in UNDELIVERING_EMAIL_BACKENDS:
        raise ImproperlyConfigured(
            "DEBUG is off but EMAIL_URL is unset or names the console or dummy backend, so e-mail "
            "(password-reset links among it) would be printed to the logs or lost. Set EMAIL_URL to the mail "
            "server, e.g. EMAIL_URL=smtp+tls://user:password@smtp.example.com:587."
        )
