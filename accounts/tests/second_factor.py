"""Test helpers for the staff's second factor: the code an authenticator app would show for a device now."""

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
