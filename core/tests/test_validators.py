"""The shared text validators."""

import pytest
from django.core.exceptions import ValidationError

from core.validators import BIDI_CONTROLS, validate_no_bidi_controls

EVERY_CONTROL = [
    *(chr(code) for code in range(0x202A, 0x202F)),
    *(chr(code) for code in range(0x2066, 0x206A)),
    "\u200e",
    "\u200f",
    "\u061c",
]


def test_the_controls_are_the_embeddings_overrides_isolates_and_marks():
    assert set(EVERY_CONTROL) == BIDI_CONTROLS


@pytest.mark.parametrize("control", EVERY_CONTROL, ids=[f"U+{ord(c):04X}" for c in EVERY_CONTROL])
def test_a_text_direction_control_anywhere_is_refused(control):
    with pytest.raises(ValidationError) as refused:
        validate_no_bidi_controls(f"退费申请{control}gpj.exe")
    assert refused.value.code == "bidi_control"


@pytest.mark.parametrize(
    "text", ["李同学", "Zhang Wei", "课程 AC-301：退费", "مرحبا", "שלום", "", "a\u200bb"]
)
def test_text_without_direction_controls_passes(text):
    validate_no_bidi_controls(text)
