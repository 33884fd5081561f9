"""Evidence files: checked by their content before anything is written, then stored privately."""

import hashlib
import os
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import filetype
from django.core.files import File
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from complaints.errors import InvalidEvidence
from complaints.models import Attachment, Complaint, evidence_storage

from .evidence_content import UnreadablePdf, bytes_after_end, pdf_active_content, second_format_found

# Detected type -> the extension the stored file gets.
ALLOWED_CONTENT_TYPES = {"image/jpeg": ".jpg", "image/png": ".png", "application/pdf": ".pdf"}
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
MAX_ATTACHMENTS_PER_COMPLAINT = 5
_SNIFF_BYTES = 8192


@dataclass(frozen=True)
class CheckedFile:
    upload: File
    original_name: str
    content_type: str
    size: int
    sha256: str


def evidence_check(*, files: Sequence[File], already_attached: int = 0) -> list[CheckedFile]:
    """Check every file before any is stored: count, size, and type recognised from the bytes themselves.

    Raises InvalidEvidence for the first file refused; reads the files but writes nothing.
    """
    if already_attached + len(files) > MAX_ATTACHMENTS_PER_COMPLAINT:
        raise InvalidEvidence(
            _("A complaint can have at most %(count)d files.") % {"count": MAX_ATTACHMENTS_PER_COMPLAINT},
            code="too_many_files",
        )
    return [_check_one(upload) for upload in files]


def _check_one(upload: File) -> CheckedFile:
    name = os.path.basename(upload.name or "")[:255] or "evidence"
    upload.seek(0)
    kind = filetype.guess(upload.read(_SNIFF_BYTES))
    if kind is None or kind.mime not in ALLOWED_CONTENT_TYPES:
        raise InvalidEvidence(
            _("“%(name)s” is not a JPEG or PNG image or a PDF document.") % {"name": name},
            code="file_type_not_allowed",
        )
    digest, size = hashlib.sha256(), 0
    upload.seek(0)
    for chunk in upload.chunks():
        size += len(chunk)
        if size > MAX_ATTACHMENT_BYTES:
            raise InvalidEvidence(
                _("“%(name)s” is larger than %(megabytes)d MB.")
                % {"name": name, "megabytes": MAX_ATTACHMENT_BYTES // (1024 * 1024)},
                code="file_too_large",
            )
        digest.update(chunk)
    if size == 0:
        raise InvalidEvidence(_("“%(name)s” is empty.") % {"name": name}, code="file_empty")
    upload.seek(0)
    _refuse_hidden_content(upload.read(), content_type=kind.mime, name=name)
    upload.seek(0)
    return CheckedFile(upload, name, kind.mime, size, digest.hexdigest())


def _refuse_hidden_content(content: bytes, *, content_type: str, name: str) -> None:
    """Refuse a file that is also another format, or carries data after its end, or a PDF that runs code."""
    other_format = second_format_found(content=content, content_type=content_type)
    if other_format is not None:
        raise InvalidEvidence(
            _(
                "“%(name)s” also holds another kind of file (%(format)s). "
                "Send the image or the PDF on its own."
            )
            % {"name": name, "format": other_format},
            code="file_holds_another_format",
        )
    if bytes_after_end(content=content, content_type=content_type):
        raise InvalidEvidence(
            _(
                "“%(name)s” carries data after the end of its image or document. "
                "Save it again as a new copy and send that."
            )
            % {"name": name},
            code="file_trailing_data",
        )
    if content_type != "application/pdf":
        return
    try:
        active = pdf_active_content(content=content)
    except UnreadablePdf:
        raise InvalidEvidence(
            _("“%(name)s” cannot be read as a PDF document, or it is protected by a password.")
            % {"name": name},
            code="pdf_unreadable",
        ) from None
    if active is not None:
        raise InvalidEvidence(
            _(
                "“%(name)s” contains scripts, actions or embedded files that a PDF viewer could run. "
                "Print it to a new PDF, or send a photo of it."
            )
            % {"name": name},
            code="pdf_active_content",
        )


def evidence_write(*, checked: Sequence[CheckedFile], stored_names: list[str]) -> list[str]:
    """Write checked files under random private names, before any row points at them.

    Needs no complaint and no transaction, so a filing writes its files before it takes a reference number.
    Appends each written file's name to ``stored_names`` (and returns the names in the order of ``checked``)
    so the caller can delete them if what follows does not commit.
    """
    storage = evidence_storage()
    names = []
    for item in checked:
        item.upload.seek(0)
        # Two levels of random folders keep any one folder small.
        token = uuid.uuid4().hex
        name = storage.save(
            f"evidence/{token[:2]}/{token}{ALLOWED_CONTENT_TYPES[item.content_type]}", item.upload
        )
        stored_names.append(name)
        names.append(name)
    return names


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


def evidence_discard(names: Sequence[str]) -> None:
    """Delete files written by a transaction that did not commit."""
    storage = evidence_storage()
    for name in names:
        storage.delete(name)


@contextmanager
def evidence_transaction() -> Iterator[list[str]]:
    """Open a transaction that may store evidence; if it does not commit, delete the files written in it.

    Yields the list that ``evidence_store`` appends each written file's name to.
    """
    stored_names: list[str] = []
    try:
        with transaction.atomic():
            yield stored_names
    except BaseException:
        evidence_discard(stored_names)
        raise
