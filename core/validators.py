"""Validators of text that every app's forms and serializers share."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Characters that change the direction text is shown in without being seen themselves: embeddings and
# overrides (U+202A-U+202E), isolates (U+2066-U+2069), the left-to-right and right-to-left marks and the
# Arabic letter mark. A right-to-left override makes "gpj.exe" read as "exe.jpg".
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")


def validate_no_bidi_controls(value: str) -> None:
    """Refuse text holding a character that silently reorders how it is shown."""
    if not BIDI_CONTROLS.isdisjoint(value or ""):
        raise ValidationError(
            _(
                "Remove the invisible text-direction characters (such as a right-to-left override): "
                "they can make the text look different from what it says."
            ),
            code="bidi_control",
        )


class NoBidiControlsAdminMixin:
    """Refuse text-direction controls in the admin fields named in ``bidi_free_fields``: the titles and names
    that lists show, as the site's own forms and the API refuse them."""

    bidi_free_fields: tuple[str, ...] = ("title",)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if formfield is not None and db_field.name in self.bidi_free_fields:
            formfield.validators = [*formfield.validators, validate_no_bidi_controls]
        return formfield
