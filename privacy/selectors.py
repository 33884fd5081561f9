"""Read queries about consent and the access log."""

from django.db.models import QuerySet
from django.utils import timezone

from .models import AccessLogEntry, DocumentKind, PolicyConsent, PolicyVersion, Purpose, PurposeConsent

SESSION_KEY = "privacy_policy_accepted"
# Where the session remembers that the current version of each kind was accepted.
SESSION_KEYS = {
    DocumentKind.PRIVACY_POLICY: SESSION_KEY,
    DocumentKind.USER_AGREEMENT: "user_agreement_accepted",
}


def policy_version_current(*, kind: str = DocumentKind.PRIVACY_POLICY) -> PolicyVersion | None:
    """Return the newest version of the document already in effect, or None before any is published."""
    return (
        PolicyVersion.objects.filter(kind=kind, effective_at__lte=timezone.now())
        .order_by("-effective_at")
        .first()
    )


def policy_acceptance_needed(
    *, user, session=None, kind: str = DocumentKind.PRIVACY_POLICY
) -> PolicyVersion | None:
    """Return the document's current version if the user has not accepted it; remember acceptance in the
    session."""
    current = policy_version_current(kind=kind)
    if current is None:
        return None
    key = SESSION_KEYS[DocumentKind(kind)]
    if session is not None and session.get(key) == current.pk:
        return None
    if PolicyConsent.objects.filter(user=user, policy_version=current).exists():
        if session is not None:
            session[key] = current.pk
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
