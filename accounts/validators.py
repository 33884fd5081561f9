"""Validators for Chinese personal identifiers, and the password-length rule in the project's own words."""

import re

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

# Mainland mobile numbers: 11 digits starting with 1 and a second digit 3-9, optionally written with +86.
_MOBILE_RE = re.compile(r"^1[3-9]\d{9}$", re.ASCII)
_MOBILE_SEPARATORS_RE = re.compile(r"[\s-]")


def normalize_cn_mobile(value: str) -> str:
    """Return the 11-digit form of a mainland mobile number written with spaces, dashes or +86."""
    digits = _MOBILE_SEPARATORS_RE.sub("", value or "")
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    return digits


def validate_cn_mobile(value: str) -> None:
    if not _MOBILE_RE.match(normalize_cn_mobile(value)):
        raise ValidationError(
            _("Enter a valid mainland China mobile number: 11 digits starting with 13–19."),
            code="invalid_mobile",
        )


# GB 11643-1999: 17 digits, then a check character computed with these weights modulo 11.
_RESIDENT_ID_RE = re.compile(r"^\d{17}[\dX]$", re.ASCII)
_RESIDENT_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_RESIDENT_ID_CHECK = "10X98765432"


def resident_id_check_character(first17: str) -> str:
    """Return the GB 11643 check character for the first 17 digits of a resident ID number."""
    total = sum(int(digit) * weight for digit, weight in zip(first17, _RESIDENT_ID_WEIGHTS, strict=True))
    return _RESIDENT_ID_CHECK[total % 11]


def normalize_resident_id(value: str) -> str:
    return (value or "").strip().upper()


def validate_resident_id(value: str) -> None:
    number = normalize_resident_id(value)
    if not _RESIDENT_ID_RE.match(number):
        raise ValidationError(
            _("Enter an 18-character resident ID number: 17 digits and a check digit or X."),
            code="invalid_resident_id",
        )
    if resident_id_check_character(number[:17]) != number[17]:
        raise ValidationError(
            _("The resident ID number's check digit is wrong."), code="resident_id_checksum"
        )


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's minimum-length rule, with a message the project's catalogue translates.

    Django 5.2 words the error with a bare ``%d``, a message its own Chinese catalogue does not translate yet.
    """

    def get_error_message(self) -> str:
        return ngettext(
            "This password is too short. It must contain at least %(min_length)d character.",
            "This password is too short. It must contain at least %(min_length)d characters.",
            self.min_length,
        ) % {"min_length": self.min_length}
