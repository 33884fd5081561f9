"""Cleaning the free text learners and owners write (evaluations, suggestions, answers), one way for all."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core.validators import validate_no_bidi_controls

from .errors import CourseRuleViolation


def text_clean(
    value, *, field: str, max_length: int, required: bool = False, refusal=CourseRuleViolation
) -> str:
    """Return the text stripped; refuse (``refusal`` at ``field``) a non-text, an empty required text, one
    past ``max_length``, a NUL or a text-direction control."""
    if not isinstance(value, str):
        raise refusal(_("Enter text."), field=field)
    text = value.strip()
    if required and not text:
        raise refusal(_("This field is required."), field=field)
    if len(text) > max_length:
        raise refusal(
            _("Ensure this text has at most %(limit)d characters.") % {"limit": max_length}, field=field
        )
    if "\x00" in text:
        raise refusal(_("The text holds characters that are not allowed."), field=field)
    try:
        validate_no_bidi_controls(text)
    except ValidationError as error:
        raise refusal(error.messages[0], field=field) from None
    return text
