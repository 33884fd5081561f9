"""Changes to accounts: sign-up, one's own details (name, e-mail, verified mobile number, password), roles,
guardianship, language preference and the staff's second factor."""

import datetime
import logging
import math
import secrets

from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from notifications.sms import masked, sms_backend
from privacy.models import PolicyVersion
from privacy.services import policy_accept

from .models import Department, Guardianship, MobileVerification, User
from .roles import STAFF_ROLES, Role
from .validators import normalize_cn_mobile, validate_cn_mobile

logger = logging.getLogger(__name__)

MOBILE_CODE_DIGITS = 6
MOBILE_CODE_LIFETIME = datetime.timedelta(minutes=10)
MOBILE_CODE_MAX_ATTEMPTS = 5
# A new code is sent at most this often, so the form cannot be used to flood a number with messages.
MOBILE_CODE_RESEND_AFTER = datetime.timedelta(seconds=60)


@transaction.atomic
def user_sign_up(
    *,
    email: str,
    display_name: str,
    password: str,
    account_type: Role = Role.LEARNER,
    policy_version: PolicyVersion,
    mobile: str = "",
    preferred_language: str = "",
    ip_address: str | None = None,
    user_agent: str = "",
) -> User:
    """Create a learner's or parent's account, recording their acceptance of the privacy policy.

    Requires an e-mail address not yet in use, a validated password and the policy version the person
    accepted; raises ValueError for any account type other than learner or parent (staff accounts are
    made by administrators).
    """
    if account_type not in (Role.LEARNER, Role.PARENT):
        raise ValueError("Only learner and parent accounts can be created by signing up.")
    extra = {"preferred_language": preferred_language} if preferred_language else {}
    user = User.objects.create_user(email, password, display_name=display_name, mobile=mobile, **extra)
    user_add_role(user=user, role=account_type)
    policy_accept(user=user, policy_version=policy_version, ip_address=ip_address, user_agent=user_agent)
    return user


def user_add_role(*, user: User, role: Role) -> User:
    """Put the user in the role's group; staff roles also open the admin to them."""
    group, _created = Group.objects.get_or_create(name=str(role))
    user.groups.add(group)
    if role in STAFF_ROLES and not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    user.__dict__.pop("role_names", None)
    return user


def user_set_preferred_language(*, user: User, language: str) -> User:
    """Remember the language the user chose, so it follows them to any device they log in on."""
    if user.preferred_language != language:
        user.preferred_language = language
        user.save(update_fields=["preferred_language"])
    return user


def guardianship_create(*, guardian: User, learner: User, relationship: str) -> Guardianship:
    """Let a parent act for a learner; the parent gets the parent role if they lack it."""
    guardianship, _created = Guardianship.objects.get_or_create(
        guardian=guardian, learner=learner, defaults={"relationship": relationship}
    )
    user_add_role(user=guardian, role=Role.PARENT)
    return guardianship


def department_set_supervisor(*, department: Department, supervisor: User) -> Department:
    department.supervisor = supervisor
    department.save(update_fields=["supervisor"])
    user_add_role(user=supervisor, role=Role.SUPERVISOR)
    return department


def _require_self(actor: User, user: User) -> None:
    if actor.pk != user.pk:
        raise PermissionDenied


def _refuse(field: str, message: str, code: str) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})


@transaction.atomic
def user_change_display_name(*, user: User, display_name: str, actor: User) -> User:
    """Change the name the person is shown by. Requires ``actor`` to be the person (PermissionDenied);
    raises ValidationError on ``display_name`` when it is empty."""
    _require_self(actor, user)
    display_name = (display_name or "").strip()
    if not display_name:
        raise _refuse("display_name", _("Enter your name."), "required")
    if user.display_name != display_name:
        user.display_name = display_name
        user.save(update_fields=["display_name"])
    return user


@transaction.atomic
def user_change_email(*, user: User, email: str, password: str, actor: User) -> User:
    """Change the address the person logs in with and gets e-mail on, confirmed by their current password.

    Requires ``actor`` to be the person (PermissionDenied). Raises ValidationError on ``password`` when it is
    wrong and on ``email`` when another account uses the address (whatever its case); then changes nothing.
    """
    _require_self(actor, user)
    if not user.check_password(password):
        raise _refuse("password", _("Your current password is not correct."), "wrong_password")
    email = User.objects.normalize_email(email)
    if not email:
        raise _refuse("email", _("Enter an e-mail address."), "required")
    if User.objects.filter(email__iexact=email).exclude(pk=user.pk).exists():
        raise _refuse("email", _("Another account already uses this e-mail address."), "taken")
    if user.email != email:
        user.email = email
        user.save(update_fields=["email"])
    return user


@transaction.atomic
def user_change_password(*, user: User, current_password: str, new_password: str, actor: User) -> User:
    """Set a new password after checking the current one and the site's password rules.

    Requires ``actor`` to be the person (PermissionDenied). Raises ValidationError on ``current_password``
    when it is wrong and on ``new_password`` when the rules refuse it; changes nothing then. The caller keeps
    the person's own session logged in (``update_session_auth_hash``); their other sessions end.
    """
    _require_self(actor, user)
    if not user.check_password(current_password):
        raise _refuse("current_password", _("Your current password is not correct."), "wrong_password")
    try:
        password_validation.validate_password(new_password, user)
    except ValidationError as error:
        raise ValidationError({"new_password": error.error_list}) from error
    user.set_password(new_password)
    user.save(update_fields=["password"])
    return user


def _mobile_code_hash(*, user: User, mobile: str, code: str) -> str:
    # Keyed with the site's secret and bound to the person and the number: a code is good for nothing else.
    value = f"{user.pk}:{mobile}:{code}"
    return salted_hmac("accounts.mobile_verification", value, algorithm="sha256").hexdigest()


def mobile_verification_pending(*, user: User) -> MobileVerification | None:
    """Return the person's verification that can still be answered: not expired, attempts left."""
    verification = MobileVerification.objects.filter(user=user).first()
    if (
        verification is None
        or verification.expires_at <= timezone.now()
        or verification.attempts >= MOBILE_CODE_MAX_ATTEMPTS
    ):
        return None
    return verification


def mobile_verification_start(*, user: User, mobile: str, actor: User) -> MobileVerification:
    """Send a 6-digit code to the number the person wants on their account; their number does not change yet.

    Requires ``actor`` to be the person (PermissionDenied). Raises ValidationError on ``mobile`` for a number
    that is not a mainland mobile number, is already theirs, belongs to another account, or when a code was
    sent less than a minute ago. Causes a pending verification (replacing any earlier one) and, once it is
    committed, the code by SMS through the SMS backend; a gateway that refuses it is logged, and the person
    asks for a new code.
    """
    _require_self(actor, user)
    try:
        validate_cn_mobile(mobile)
    except ValidationError as error:
        raise ValidationError({"mobile": error.error_list}) from error
    mobile = normalize_cn_mobile(mobile)
    if mobile == normalize_cn_mobile(user.mobile):
        raise _refuse("mobile", _("This is already your mobile number."), "unchanged")
    index = User._meta.get_field("mobile_index").index_for(mobile)
    if User.objects.filter(mobile_index=index).exclude(pk=user.pk).exists():
        raise _refuse("mobile", _("Another account already uses this mobile number."), "taken")
    now = timezone.now()
    code = f"{secrets.randbelow(10**MOBILE_CODE_DIGITS):0{MOBILE_CODE_DIGITS}d}"
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).get()
        earlier = MobileVerification.objects.filter(user=user).first()
        if earlier is not None and now < earlier.sent_at + MOBILE_CODE_RESEND_AFTER:
            message = _("A code was sent less than a minute ago. Wait a moment, then try again.")
            raise _refuse("mobile", message, "too_soon")
        verification, _created = MobileVerification.objects.update_or_create(
            user=user,
            defaults={
                "mobile": mobile,
                "code_hash": _mobile_code_hash(user=user, mobile=mobile, code=code),
                "sent_at": now,
                "expires_at": now + MOBILE_CODE_LIFETIME,
                "attempts": 0,
            },
        )
        language = user.preferred_language
        transaction.on_commit(lambda: _mobile_code_send(mobile=mobile, code=code, language=language))
    return verification


def _mobile_code_send(*, mobile: str, code: str, language: str) -> None:
    minutes = int(MOBILE_CODE_LIFETIME.total_seconds() // 60)
    with translation.override(language):
        text = pgettext(
            "sms", "Your verification code is %(code)s. It expires in %(minutes)d minutes. Do not share it."
        ) % {"code": code, "minutes": minutes}
    try:
        sms_backend().send(to=mobile, text=text)
    except Exception:
        logger.exception("The verification code to %s was not sent.", masked(mobile))


def mobile_verification_confirm(*, user: User, code: str, actor: User) -> User:
    """Put the verified number on the person's account when the code they received is right.

    Requires ``actor`` to be the person (PermissionDenied). Raises ValidationError on ``code`` when no code
    was sent, it has expired, too many wrong codes were tried, or the code is wrong (counting the attempt);
    the number is unchanged then. Causes the new mobile number and the end of the verification.
    """
    _require_self(actor, user)
    refusal = None
    with transaction.atomic():
        verification = MobileVerification.objects.select_for_update().filter(user=user).first()
        if verification is None:
            refusal = _refuse("code", _("Ask for a code first."), "no_code")
        elif verification.expires_at <= timezone.now():
            refusal = _refuse("code", _("This code has expired. Ask for a new one."), "expired")
        elif verification.attempts >= MOBILE_CODE_MAX_ATTEMPTS:
            refusal = _refuse("code", _("Too many wrong codes. Ask for a new one."), "too_many_attempts")
        elif constant_time_compare(
            _mobile_code_hash(user=user, mobile=verification.mobile, code=(code or "").strip()),
            verification.code_hash,
        ):
            user.mobile = verification.mobile
            user.save(update_fields=["mobile", "mobile_index"])
            verification.delete()
            return user
        else:
            verification.attempts += 1
            verification.save(update_fields=["attempts"])
            left = MOBILE_CODE_MAX_ATTEMPTS - verification.attempts
            message = ngettext(
                "The code is not correct. You have %(left)d more try.",
                "The code is not correct. You have %(left)d more tries.",
                left,
            ) % {"left": left}
            if left == 0:
                message = _("Too many wrong codes. Ask for a new one.")
            refusal = _refuse("code", message, "wrong_code" if left else "too_many_attempts")
    # Raised after the block, so that the counted attempt is kept.
    raise refusal


# --- Staff's second factor: an authenticator app (TOTP), and recovery codes for when it is lost ------------

TOTP_DEVICE_NAME = "authenticator app"
RECOVERY_DEVICE_NAME = "recovery codes"


def _require_staff(user: User) -> None:
    if not user.is_staff:
        raise PermissionDenied


def staff_totp_device_pending(*, user: User) -> TOTPDevice:
    """Return the authenticator-app key that the staff member is setting up, making one if there is none.

    Requires a staff account (PermissionDenied) without a confirmed authenticator app (ValueError). The same
    key is shown until it is confirmed, so reloading the page does not invalidate a scan.
    """
    _require_staff(user)
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        raise ValueError("The second factor is already set up.")
    device, _created = TOTPDevice.objects.get_or_create(
        user=user, confirmed=False, defaults={"name": TOTP_DEVICE_NAME}
    )
    return device


def staff_totp_device_confirm(*, user: User, device: TOTPDevice, code: str, actor: User) -> list[str]:
    """Confirm the authenticator app with a code it shows, and return new recovery codes, shown only once.

    Requires ``actor`` to be the staff member (PermissionDenied) and ``device`` to be their unconfirmed key.
    Raises ValidationError on ``code`` when it is not the app's current code; nothing is confirmed then.
    Causes a confirmed device and a fresh set of recovery codes (any earlier set is void).
    """
    _require_self(actor, user)
    _require_staff(user)
    if device.user_id != user.pk or device.confirmed:
        raise PermissionDenied
    # Outside a transaction: a wrong code's count (django-otp's throttling) is kept when it is refused.
    if not device.verify_token((code or "").strip()):
        raise _refuse("code", _("The code is not correct. Enter the code your app shows now."), "wrong_code")
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        return staff_recovery_codes_renew(user=user, actor=actor)


def staff_recovery_codes_renew(*, user: User, actor: User) -> list[str]:
    """Replace the staff member's recovery codes with new ones, and return them (they are not shown again).

    Requires ``actor`` to be the staff member (PermissionDenied). Each code opens one log-in, once.
    """
    _require_self(actor, user)
    _require_staff(user)
    with transaction.atomic():
        StaticDevice.objects.filter(user=user).delete()
        device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
        codes = [StaticToken.random_token() for _number in range(settings.STAFF_RECOVERY_CODES)]
        StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def staff_second_factor_check(*, user: User, code: str) -> Device:
    """Return the device that accepts ``code``: the authenticator app's current code or an unused recovery
    code.

    A recovery code is used up by this check. Raises ValidationError on ``code`` when no device accepts it;
    each device slows down repeated wrong codes on its own (django-otp's throttling).
    """
    code = (code or "").strip().replace(" ", "").lower()
    devices = [
        *(TOTPDevice.objects.filter(user=user, confirmed=True) if code.isdigit() else []),
        *(StaticDevice.objects.filter(user=user, confirmed=True) if not code.isdigit() else []),
    ]
    for device in devices:
        if device.verify_token(code):
            return device
    for device in devices:
        allowed, details = device.verify_is_allowed()
        if not allowed and details and details.get("locked_until"):
            seconds = max(1, math.ceil((details["locked_until"] - timezone.now()).total_seconds()))
            message = ngettext(
                "Too many wrong codes. Wait %(seconds)d second, then enter the code again.",
                "Too many wrong codes. Wait %(seconds)d seconds, then enter the code again.",
                seconds,
            ) % {"seconds": seconds}
            raise _refuse("code", message, "throttled")
    raise _refuse(
        "code",
        _("The code is not correct. Enter the code your app shows now, or a recovery code."),
        "wrong_code",
    )
