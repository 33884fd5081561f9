"""A client's identity verification before the first booking, and a guardian's consent for a minor.

The real name, resident ID number (GB 11643, encrypted, found through its blind index, one account per
number) and mobile number are recorded; the mobile number is verified by a 6-digit code sent through the SMS
backend. Once verified, the account's mobile number, resident ID number and date of birth are the verified
ones.
"""

import datetime
import logging
import secrets

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from accounts.models import Guardianship, User
from accounts.validators import (
    normalize_cn_mobile,
    normalize_resident_id,
    validate_cn_mobile,
    validate_resident_id,
)
from notifications.sms import masked, sms_backend
from privacy.models import Purpose, PurposeConsent
from privacy.services import purpose_consent_grant, purpose_consent_withdraw

from ..errors import CounsellingPermissionDenied, CounsellingRuleViolation
from ..models import IdentityVerification

logger = logging.getLogger(__name__)

CODE_DIGITS = 6
CODE_LIFETIME = datetime.timedelta(minutes=10)
CODE_MAX_ATTEMPTS = 5
CODE_RESEND_AFTER = datetime.timedelta(seconds=60)
REAL_NAME_MAX = 50


def _refuse(field: str, message: str, code: str) -> CounsellingRuleViolation:
    return CounsellingRuleViolation(message, code=code, field=field)


def _require_self(actor: User, user: User) -> None:
    if actor.pk != user.pk:
        raise CounsellingPermissionDenied(_("Only the person themself verifies their identity."))


def resident_id_birth_date(number: str) -> datetime.date:
    """Return the date of birth a resident ID number carries (digits 7–14); ValueError if it is no date."""
    return datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


def _code_hash(*, user: User, mobile: str, code: str) -> str:
    value = f"{user.pk}:{mobile}:{code}"
    return salted_hmac("counseling.identity_verification", value, algorithm="sha256").hexdigest()


def _validated(field: str, value: str, validator) -> None:
    try:
        validator(value)
    except ValidationError as error:
        raise _refuse(field, error.messages[0], error.code or "invalid") from error


def identity_verification_start(
    *, user: User, real_name: str, resident_id: str, mobile: str, actor: User
) -> IdentityVerification:
    """Record the person's real name, resident ID and mobile number, and send a code to the number.

    Requires ``actor`` to be the person. Raises CounsellingRuleViolation on the field at fault for an empty
    or too long name, a resident ID number that fails GB 11643 or names no date of birth, an ID number
    another verified account holds, an invalid mobile number, or a code asked for within a minute; changes
    nothing then. Causes a pending verification (replacing an unverified earlier one) and, after commit, the
    code by SMS. A verified identity is not changed here (CounsellingRuleViolation ``already_verified``).
    """
    _require_self(actor, user)
    real_name = (real_name or "").strip()
    if not real_name:
        raise _refuse("real_name", _("Enter your real name as on your resident ID card."), "required")
    if len(real_name) > REAL_NAME_MAX:
        raise _refuse(
            "real_name", _("Keep this within %(limit)d characters.") % {"limit": REAL_NAME_MAX}, "too_long"
        )
    _validated("resident_id", resident_id, validate_resident_id)
    resident_id = normalize_resident_id(resident_id)
    try:
        born = resident_id_birth_date(resident_id)
    except ValueError as error:
        raise _refuse(
            "resident_id", _("The resident ID number names no valid date of birth."), "no_birth_date"
        ) from error
    _validated("mobile", mobile, validate_cn_mobile)
    mobile = normalize_cn_mobile(mobile)
    index = IdentityVerification._meta.get_field("resident_id_index").index_for(resident_id)
    if (
        IdentityVerification.objects.filter(resident_id_index=index, verified_at__isnull=False)
        .exclude(user=user)
        .exists()
    ):
        raise _refuse(
            "resident_id", _("Another account is already verified with this resident ID number."), "taken"
        )
    now = timezone.now()
    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).get()
        earlier = IdentityVerification.objects.filter(user=user).first()
        if earlier is not None and earlier.is_verified:
            raise _refuse("real_name", _("Your identity is already verified."), "already_verified")
        if earlier is not None and earlier.code_sent_at and now < earlier.code_sent_at + CODE_RESEND_AFTER:
            raise _refuse(
                "mobile",
                _("A code was sent less than a minute ago. Wait a moment, then try again."),
                "too_soon",
            )
        verification = earlier or IdentityVerification(user=user)
        verification.real_name = real_name
        verification.resident_id = resident_id
        verification.date_of_birth = born
        verification.mobile = mobile
        verification.code_hash = _code_hash(user=user, mobile=mobile, code=code)
        verification.code_sent_at = now
        verification.code_expires_at = now + CODE_LIFETIME
        verification.attempts = 0
        verification.save()
        language = user.preferred_language
        transaction.on_commit(lambda: _code_send(mobile=mobile, code=code, language=language))
    return verification


def _code_send(*, mobile: str, code: str, language: str) -> None:
    minutes = int(CODE_LIFETIME.total_seconds() // 60)
    with translation.override(language):
        text = pgettext(
            "sms", "Your verification code is %(code)s. It expires in %(minutes)d minutes. Do not share it."
        ) % {"code": code, "minutes": minutes}
    try:
        sms_backend().send(to=mobile, text=text)
    except Exception:
        logger.exception("The identity verification code to %s was not sent.", masked(mobile))


def identity_verification_confirm(*, user: User, code: str, actor: User) -> IdentityVerification:
    """Verify the identity when the code sent to the mobile number comes back right.

    Requires ``actor`` to be the person. Raises CounsellingRuleViolation on ``code`` when no code was sent,
    it expired, too many wrong codes were tried or it is wrong (the attempt is counted); and on
    ``resident_id`` when another account was verified with the same number meanwhile. Causes the verified
    identity, and the account's mobile number, resident ID number and date of birth set to the verified ones.
    """
    _require_self(actor, user)
    refusal = None
    with transaction.atomic():
        verification = IdentityVerification.objects.select_for_update().filter(user=user).first()
        if verification is None or not verification.code_hash:
            refusal = _refuse("code", _("Ask for a code first."), "no_code")
        elif verification.code_expires_at <= timezone.now():
            refusal = _refuse("code", _("This code has expired. Ask for a new one."), "expired")
        elif verification.attempts >= CODE_MAX_ATTEMPTS:
            refusal = _refuse("code", _("Too many wrong codes. Ask for a new one."), "too_many_attempts")
        elif constant_time_compare(
            _code_hash(user=user, mobile=verification.mobile, code=(code or "").strip()),
            verification.code_hash,
        ):
            verification.verified_at = timezone.now()
            verification.code_hash = ""
            try:
                with transaction.atomic():
                    verification.save()
            except IntegrityError as error:
                raise _refuse(
                    "resident_id",
                    _("Another account is already verified with this resident ID number."),
                    "taken",
                ) from error
            user.mobile = verification.mobile
            user.resident_id = verification.resident_id
            user.date_of_birth = verification.date_of_birth
            user.save(
                update_fields=["mobile", "mobile_index", "resident_id", "resident_id_index", "date_of_birth"]
            )
            return verification
        else:
            verification.attempts += 1
            verification.save(update_fields=["attempts"])
            left = CODE_MAX_ATTEMPTS - verification.attempts
            message = ngettext(
                "The code is not correct. You have %(left)d more try.",
                "The code is not correct. You have %(left)d more tries.",
                left,
            ) % {"left": left}
            if left == 0:
                message = _("Too many wrong codes. Ask for a new one.")
            refusal = _refuse("code", message, "wrong_code" if left else "too_many_attempts")
    raise refusal  # after the block, so that a counted attempt is kept


def _require_guardian(*, guardian: User, learner: User) -> None:
    if not Guardianship.objects.filter(guardian=guardian, learner=learner).exists():
        raise CounsellingPermissionDenied(
            _("Only a guardian of the learner can give or withdraw this consent.")
        )


def minor_counselling_consent_give(
    *, learner: User, actor: User, ip_address: str | None = None, user_agent: str = ""
) -> PurposeConsent:
    """Record a guardian's consent to the counselling of their child under 14 (PIPL Art. 31).

    Requires ``actor`` to be a guardian of the learner (CounsellingPermissionDenied otherwise).
    """
    _require_guardian(guardian=actor, learner=learner)
    return purpose_consent_grant(
        user=learner,
        purpose=Purpose.MINOR_COUNSELLING,
        given_by=actor,
        ip_address=ip_address,
        user_agent=user_agent,
    )


def minor_counselling_consent_withdraw(*, learner: User, actor: User) -> PurposeConsent | None:
    """Withdraw a guardian's consent to their child's counselling; new bookings are refused from then on."""
    _require_guardian(guardian=actor, learner=learner)
    return purpose_consent_withdraw(user=learner, purpose=Purpose.MINOR_COUNSELLING, actor=actor)
