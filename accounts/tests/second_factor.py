"""Test helpers for the staff's second factor: the code an authenticator app would show for a device now, and
passing the second factor in a browser."""

import re

from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User


def totp_device_for(user: User) -> TOTPDevice:
    """Give the staff member a confirmed authenticator app with a fresh random key."""
    return TOTPDevice.objects.create(user=user, name="authenticator app", confirmed=True)


def totp_code(device: TOTPDevice) -> str:
    """The 6 digits the app shows now, computed from the device's key as the app does."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def staff_device_ready(email: str) -> TOTPDevice | None:
    """Before a browser logs in as ``email``: a staff member's authenticator app (made if none), else None."""
    user = User.objects.get(email=email)
    if not user.is_staff:
        return None
    return TOTPDevice.objects.filter(user=user, confirmed=True).first() or totp_device_for(user)


def browser_second_factor(page, device: TOTPDevice | None) -> None:
    """On the page a staff member's password led to, enter their app's code (nothing for learners)."""
    if device is None:
        return
    page.wait_for_url(re.compile(r"/accounts/second-factor/\?"))
    page.get_by_label("验证码").fill(totp_code(device))
    page.locator("main").get_by_role("button", name="继续").click()
