"""A counsellor's photo: checked by its content before it is stored, and stored under a random name."""

import uuid

from django.core.files import File
from django.utils.translation import gettext as _

from core.evidence import ALLOWED_CONTENT_TYPES, CheckedFile, evidence_check

from ..errors import CounsellingRuleViolation
from ..models import PHOTO_TYPES


def counsellor_photo_check(*, upload: File) -> CheckedFile:
    """Check a photo by its bytes (``core.evidence``: type, size, a second format hidden in it, data after its
    end) and accept only a JPEG or PNG image; rename it to a random name with the extension of its detected
    type. Raises CounsellingRuleViolation on ``photo``; writes nothing."""
    (checked,) = evidence_check(
        files=[upload],
        limit=1,
        too_many=_("Choose one photo."),
        refusal=lambda message, code: CounsellingRuleViolation(message, code=code, field="photo"),
    )
    if checked.content_type not in PHOTO_TYPES:
        raise CounsellingRuleViolation(
            _("The photo must be a JPEG or PNG image."), code="photo_not_an_image", field="photo"
        )
    checked.upload.name = f"{uuid.uuid4().hex}{ALLOWED_CONTENT_TYPES[checked.content_type]}"
    return checked
