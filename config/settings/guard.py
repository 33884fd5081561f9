"""Refuse to start a non-debug site on settings that are only safe on a developer's machine."""

from django.core.exceptions import ImproperlyConfigured

# Used by local development only; a site with DEBUG off refuses to start on it.
DEVELOPMENT_SECRET_KEY = "django-insecure-development-key-never-use-in-production"  # noqa: S105


def refuse_unsafe_settings(*, debug: bool, secret_key: str, allowed_hosts: list[str]) -> None:
    """Raise ImproperlyConfigured when DEBUG is off and the secret key or allowed hosts are unsafe."""
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
