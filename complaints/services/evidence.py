"""A complaint's evidence files: the shared checks (``core.evidence``) with the complaint's own limit, and the
complaint's attachment rows."""

from collections.abc import Sequence

from django.core.files import File
from django.utils.translation import gettext as _

from accounts.models import User
from complaints.errors import InvalidEvidence
from complaints.models import Attachment, Complaint
from core import evidence as shared_evidence
from core.evidence import (
    ALLOWED_CONTENT_TYPES,
    MAX_ATTACHMENT_BYTES,
    CheckedFile,
    evidence_discard,
    evidence_transaction,
    evidence_write,
)

__all__ = [
    "ALLOWED_CONTENT_TYPES",
    "MAX_ATTACHMENTS_PER_COMPLAINT",
    "MAX_ATTACHMENT_BYTES",
    "CheckedFile",
    "evidence_check",
    "evidence_discard",
    "evidence_record",
    "evidence_store",
    "evidence_transaction",
    "evidence_write",
]

MAX_ATTACHMENTS_PER_COMPLAINT = 5


def evidence_check(*, files: Sequence[File], already_attached: int = 0) -> list[CheckedFile]:
    """Check a complaint's new files by content, up to the complaint's limit; writes nothing."""
    return shared_evidence.evidence_check(
        files=files,
        limit=MAX_ATTACHMENTS_PER_COMPLAINT,
        already_attached=already_attached,
        refusal=InvalidEvidence,
        too_many=_("A complaint can have at most %(count)d files.")
        % {"count": MAX_ATTACHMENTS_PER_COMPLAINT},
    )


def evidence_record(
    *, complaint: Complaint, checked: Sequence[CheckedFile], names: Sequence[str], actor: User
) -> list[Attachment]:
    """Record files that ``evidence_write`` wrote as the complaint's attachments, in the caller's
    transaction."""
    return Attachment.objects.bulk_create(
        [
            Attachment(
                complaint=complaint,
                file=name,
                original_name=item.original_name,
                content_type=item.content_type,
                size=item.size,
                sha256=item.sha256,
                uploaded_by=actor,
            )
            for item, name in zip(checked, names, strict=True)
        ]
    )


def evidence_store(
    *, complaint: Complaint, checked: Sequence[CheckedFile], actor: User, stored_names: list[str]
) -> list[Attachment]:
    """Write checked files and record them as the complaint's attachments; call inside the caller's
    transaction. Appends each written file's name to ``stored_names`` so the caller can delete them if it
    rolls back."""
    names = evidence_write(checked=checked, stored_names=stored_names)
    return evidence_record(complaint=complaint, checked=checked, names=names, actor=actor)
