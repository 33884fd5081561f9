"""Changes that concern personal data: consent, the access log, export and erasure."""

import io
import json
import zipfile
from collections.abc import Callable, Iterable, Sequence

from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Guardianship, MobileVerification, User
from core.errors import DomainError, ErrorKind

from .export import SECTIONS
from .models import (
    GUARDIAN_PURPOSES,
    AccessLogEntry,
    ErasureRequest,
    PolicyConsent,
    PolicyVersion,
    Purpose,
    PurposeConsent,
)

USER_AGENT_MAX = 400
ERASED_DISPLAY_NAME = "已注销用户"  # stored data, not interface text: every reader sees the same


class PrivacyError(DomainError):
    """A privacy request that cannot be carried out; ``code`` names the reason for pages and the API."""

    code = "privacy_error"

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message, code=code)


class PrivacyPermissionDenied(PrivacyError):
    """The actor may not do this with the person's data or consent."""

    kind = ErrorKind.NOT_ALLOWED


class PrivacyConflict(PrivacyError):
    """The request's current state does not allow it (already pending, already handled)."""

    kind = ErrorKind.CONFLICT


def policy_accept(
    *, user: User, policy_version: PolicyVersion, ip_address: str | None = None, user_agent: str = ""
) -> PolicyConsent:
    """Record that the user accepted this policy version; accepting twice keeps the first record."""
    consent, _created = PolicyConsent.objects.get_or_create(
        user=user,
        policy_version=policy_version,
        defaults={"ip_address": ip_address, "user_agent": user_agent[:USER_AGENT_MAX]},
    )
    return consent


@transaction.atomic
def purpose_consent_grant(
    *, user: User, purpose: Purpose, given_by: User, ip_address: str | None = None, user_agent: str = ""
) -> PurposeConsent:
    """Grant consent to a sensitive purpose, for oneself or (a parent) for a child; granting again is a no-op.

    Raises PrivacyError when ``given_by`` is neither the person nor their guardian, or when a purpose only a
    guardian consents to (``GUARDIAN_PURPOSES``) is given by the person themself.
    """
    if purpose in GUARDIAN_PURPOSES and given_by == user:
        raise PrivacyPermissionDenied(
            "guardian_only", _("Only a guardian can give this consent, for the child they care for.")
        )
    if given_by != user and not Guardianship.objects.filter(guardian=given_by, learner=user).exists():
        raise PrivacyPermissionDenied(
            "not_yours", _("Only the person or their guardian can give this consent.")
        )
    existing = (
        PurposeConsent.objects.select_for_update()
        .filter(user=user, purpose=purpose, withdrawn_at=None)
        .first()
    )
    if existing:
        return existing
    return PurposeConsent.objects.create(
        user=user,
        purpose=purpose,
        given_by=given_by,
        ip_address=ip_address,
        user_agent=user_agent[:USER_AGENT_MAX],
    )


@transaction.atomic
def purpose_consent_withdraw(*, user: User, purpose: Purpose, actor: User) -> PurposeConsent | None:
    """Withdraw an active consent (the person or their guardian); returns None when none was active."""
    if actor != user and not Guardianship.objects.filter(guardian=actor, learner=user).exists():
        raise PrivacyPermissionDenied(
            "not_yours", _("Only the person or their guardian can withdraw this consent.")
        )
    consent = (
        PurposeConsent.objects.select_for_update()
        .filter(user=user, purpose=purpose, withdrawn_at=None)
        .first()
    )
    if consent is None:
        return None
    consent.withdrawn_at = timezone.now()
    consent.save(update_fields=["withdrawn_at"])
    return consent


def access_log_record(
    *,
    actor: User,
    subject: User,
    record: Model,
    fields: Iterable[str],
    channel: AccessLogEntry.Channel,
    screen: str,
    reason: str = "",
) -> AccessLogEntry | None:
    """Write one access-log row for a staff read of another person's personal data.

    Reading one's own data is not logged (returns None). The row can never be changed or deleted afterwards.
    """
    if actor.pk == subject.pk:
        return None
    return AccessLogEntry.objects.create(
        actor=actor,
        subject=subject,
        content_type=ContentType.objects.get_for_model(record),
        object_id=str(record.pk),
        fields=list(fields),
        channel=channel,
        screen=screen[:120],
        reason=reason[:300],
    )


# A list's reads in one statement: the columns every row shares are given once, the pairs of person and record
# as two arrays. No model instance is built per row, so a page of 50 rows costs one short round trip.
LIST_READ_INSERT = """
INSERT INTO privacy_accesslogentry
    (actor_id, subject_id, content_type_id, object_id, fields, channel, kind, screen, reason, created_at)
SELECT %s, shown.subject_id, %s, shown.object_id, %s, %s, %s, %s, '', %s
FROM unnest(%s::bigint[], %s::text[]) WITH ORDINALITY AS shown(subject_id, object_id, position)
ORDER BY shown.position
RETURNING id
"""


def access_log_record_list(
    *,
    actor: User,
    records: Iterable[Model],
    subject_fields: Sequence[str],
    fields: Iterable[str],
    channel: AccessLogEntry.Channel,
    screen: str,
    kind: AccessLogEntry.Kind = AccessLogEntry.Kind.LIST,
) -> list[int]:
    """Write the access log of one list or search a staff member was shown, in one INSERT; return the ids.

    One row per record shown and person it concerns: the attributes ``subject_fields`` of the record hold
    the people's ids (``("complainant_id", "learner_id")`` for a complaint, ``("pk",)`` for a list of
    people). Each row names the fields the list shows and the screen: which people's rows were shown, never
    their values. The actor's own records are left out, a record shown twice is logged once, and an empty
    list writes nothing. The records must all be of one model. The rows can never be changed or deleted.
    """
    records = list(records)
    shown = dict.fromkeys(
        (str(record.pk), subject_id)
        for record in records
        for subject_id in (getattr(record, name) for name in subject_fields)
        if subject_id not in (None, actor.pk)
    )
    if not shown:
        return []
    content_type = ContentType.objects.get_for_model(records[0])
    with connection.cursor() as cursor:
        cursor.execute(
            LIST_READ_INSERT,
            [
                actor.pk,
                content_type.pk,
                list(fields),
                str(channel),
                str(kind),
                screen[:120],
                timezone.now(),
                [subject_id for _object_id, subject_id in shown],
                [object_id for object_id, _subject_id in shown],
            ],
        )
        return [row[0] for row in cursor.fetchall()]


def access_log_record_people(
    *,
    actor: User,
    subjects: Iterable[User],
    fields: Iterable[str],
    channel: AccessLogEntry.Channel,
    screen: str,
    kind: AccessLogEntry.Kind = AccessLogEntry.Kind.RECORD,
) -> list[int]:
    """Write one access-log row per person whose account record a staff member was shown, in one query.

    For the people a search shows (``kind`` SEARCH) or the person picked from it; each row names the
    person's own record. The actor's own record is not logged.
    """
    return access_log_record_list(
        actor=actor,
        records=list(subjects),
        subject_fields=("pk",),
        fields=fields,
        channel=channel,
        screen=screen,
        kind=kind,
    )


def personal_data_export(*, user: User) -> bytes:
    """Return a ZIP holding one JSON file with everything the platform keeps about the user."""
    document = {
        "exported_at": timezone.now().isoformat(),
        "person": user.email,
        **{name: build(user) for name, build in SECTIONS.items()},
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("personal-data.json", json.dumps(document, ensure_ascii=False, indent=2))
    return buffer.getvalue()


@transaction.atomic
def erasure_request_create(*, user: User, reason: str = "") -> ErasureRequest:
    """Ask for the account to be erased; raises PrivacyError when a request is already pending."""
    if (
        ErasureRequest.objects.select_for_update()
        .filter(user=user, state=ErasureRequest.State.PENDING)
        .exists()
    ):
        raise PrivacyConflict("already_pending", _("An erasure request is already waiting to be handled."))
    return ErasureRequest.objects.create(user=user, reason=reason)


# Other apps anonymise what they hold about a person when an erasure is carried out: (user) -> None.
ANONYMISERS: list[Callable[[User], None]] = []


def _require_erasure_handler(actor: User) -> None:
    if not actor.has_perm("privacy.carry_out_erasure"):
        raise PrivacyPermissionDenied("forbidden", _("You may not handle erasure requests."))


def _lock_pending(request: ErasureRequest) -> ErasureRequest:
    request = ErasureRequest.objects.select_for_update().get(pk=request.pk)
    if request.state != ErasureRequest.State.PENDING:
        raise PrivacyConflict("already_handled", _("This erasure request was already handled."))
    return request


@transaction.atomic
def erasure_carry_out(*, request: ErasureRequest, actor: User) -> ErasureRequest:
    """Anonymise the person's account and personal fields while keeping their records for statistics.

    Requires the privacy.carry_out_erasure permission. Names, e-mail, encrypted fields, identity documents
    and a mobile number waiting for verification go; guardianship links go; complaints, enrolments and
    consent records stay, attached to an anonymous account that can no longer log in.
    """
    _require_erasure_handler(actor)
    request = _lock_pending(request)
    user = User.objects.select_for_update().get(pk=request.user_id)
    user.email = f"erased-{user.pk}@erased.invalid"
    user.display_name = ERASED_DISPLAY_NAME
    user.mobile = ""
    user.resident_id = ""
    user.date_of_birth = None
    user.home_address = ""
    user.is_active = False
    user.is_staff = False
    user.set_unusable_password()
    user.save()
    user.groups.set(Group.objects.none())
    user.identity_documents.all().delete()
    MobileVerification.objects.filter(user=user).delete()
    Guardianship.objects.filter(guardian=user).delete()
    Guardianship.objects.filter(learner=user).delete()
    PurposeConsent.objects.filter(user=user, withdrawn_at=None).update(withdrawn_at=timezone.now())
    for anonymise in ANONYMISERS:
        anonymise(user)
    request.state = ErasureRequest.State.CARRIED_OUT
    request.handled_by = actor
    request.handled_at = timezone.now()
    request.save(update_fields=["state", "handled_by", "handled_at"])
    return request


@transaction.atomic
def erasure_refuse(*, request: ErasureRequest, actor: User, reason: str) -> ErasureRequest:
    """Refuse an erasure request with a reason the person sees (e.g. a legal duty to keep records)."""
    _require_erasure_handler(actor)
    if not reason.strip():
        raise PrivacyError("reason_required", _("Say why the request is refused."))
    request = _lock_pending(request)
    request.state = ErasureRequest.State.REFUSED
    request.handled_by = actor
    request.handled_at = timezone.now()
    request.refusal_reason = reason.strip()
    request.save(update_fields=["state", "handled_by", "handled_at", "refusal_reason"])
    return request
