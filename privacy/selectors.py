"""Read queries about consent and the access log."""

from django.db.models import QuerySet
from django.utils import timezone

from .models import AccessLogEntry, PolicyConsent, PolicyVersion, Purpose, PurposeConsent

SESSION_KEY = "privacy_policy_accepted"


def policy_version_current() -> PolicyVersion | None:
    """Return the newest policy version already in effect, or None before any is published."""
    return PolicyVersion.objects.filter(effective_at__lte=timezone.now()).order_by("-effective_at").first()


def policy_acceptance_needed(*, user, session=None) -> PolicyVersion | None:
    """Return the current version if the user has not accepted it; remember acceptance in the session."""
    current = policy_version_current()
    if current is None:
        return None
    if session is not None and session.get(SESSION_KEY) == current.pk:
        return None
    if PolicyConsent.objects.filter(user=user, policy_version=current).exists():
        if session is not None:
            session[SESSION_KEY] = current.pk
        return None
    return current


def access_log_for_subject(*, subject) -> QuerySet[AccessLogEntry]:
    """Who read this person's data, newest first, with the reader and record kind loaded in the same query."""
    return (
        AccessLogEntry.objects.filter(subject=subject)
        .select_related("actor", "content_type")
        .order_by("-created_at", "-id")
    )


def purpose_consents_active(*, user) -> dict[str, PurposeConsent]:
    consents = PurposeConsent.objects.filter(user=user, withdrawn_at__isnull=True)
    return {consent.purpose: consent for consent in consents}


def purpose_consent_is_active(*, user, purpose: Purpose) -> bool:
    return PurposeConsent.objects.filter(user=user, purpose=purpose, withdrawn_at__isnull=True).exists()
