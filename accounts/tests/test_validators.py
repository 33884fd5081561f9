import pytest
from django.core.exceptions import ValidationError

from accounts.validators import (
    normalize_cn_mobile,
    resident_id_check_character,
    validate_cn_mobile,
    validate_resident_id,
)


@pytest.mark.parametrize("number", ["13800138000", "19912345678", "+86 138 0013 8000", "0086-15012345678"])
def test_valid_mobile_numbers_pass(number):
    validate_cn_mobile(number)


@pytest.mark.parametrize(
    "number",
    [
        "",
        "12800138000",
        "1380013800",
        "138001380000",
        "2380013800a",
        "+1 138 0013 8000",
        "１３８００１３８０００",
        "1３８００１３８０００",
    ],
)
def test_invalid_mobile_numbers_are_refused(number):
    with pytest.raises(ValidationError) as error:
        validate_cn_mobile(number)
    assert error.value.code == "invalid_mobile"


def test_mobile_is_normalized_to_eleven_digits():
    assert normalize_cn_mobile("+86 138-0013-8000") == "13800138000"


@pytest.mark.parametrize("number", ["11010519491231002X", "11010519491231002x", "440524188001010014"])
def test_resident_id_with_right_check_digit_passes(number):
    validate_resident_id(number)


def test_resident_id_check_character_follows_gb_11643():
    # Weighted sum of 11010519491231002 is 167; 167 mod 11 = 2, which maps to X.
    assert resident_id_check_character("11010519491231002") == "X"


@pytest.mark.parametrize(
    ("number", "code"),
    [
        ("110105194912310021", "resident_id_checksum"),
        ("440524188001010015", "resident_id_checksum"),
        ("11010519491231002", "invalid_resident_id"),
        ("1101051949123100XX", "invalid_resident_id"),
        ("abcdefghijklmnopqr", "invalid_resident_id"),
    ],
)
def test_resident_id_with_wrong_form_or_check_digit_is_refused(number, code):
    with pytest.raises(ValidationError) as error:
        validate_resident_id(number)
    assert error.value.code == code
