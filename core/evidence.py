"""Evidence files, for every domain that takes them: checked by their content before anything is written,
then stored privately under random names.

A domain checks the uploads (``evidence_check``), writes them (``evidence_write``) inside
``evidence_transaction`` (which deletes what it wrote if the transaction does not commit), and records them
in its own attachment rows. Nothing here knows a domain.
"""

import hashlib
import os
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import filetype
from django.core.files import File
from django.core.files.storage import FileSystemStorage
from django.db import transaction
from django.http import FileResponse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .errors import DomainError, RuleViolation
from .evidence_content import UnreadablePdf, bytes_after_end, pdf_active_content, second_format_found


class InvalidEvidence(RuleViolation):
    """An uploaded file is of a type, size or number the rules refuse."""

    code = "invalid_evidence"
    default_message = gettext_lazy("The file cannot be accepted as evidence.")

    def __init__(self, message: str | Promise | None = None, *, code: str | None = None):
        super().__init__(message, code=code, field="attachments")


class EvidenceStorage(FileSystemStorage):
    """Private files under MEDIA_ROOT: there is no public URL; an access-checked view must serve them."""

    def url(self, name: str | None) -> str:
        raise ValueError("Evidence has no public URL; serve it through an access-checked view.")


def evidence_storage() -> EvidenceStorage:
    return EvidenceStorage()


# Detected type -> the extension the stored file gets.
ALLOWED_CONTENT_TYPES = {"image/jpeg": ".jpg", "image/png": ".png", "application/pdf": ".pdf"}
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
_SNIFF_BYTES = 8192


@dataclass(frozen=True)
class CheckedFile:
    upload: File
    original_name: str
    content_type: str
    size: int
    sha256: str


def evidence_check(
    *,
    files: Sequence[File],
    limit: int,
    too_many: str | Promise,
    already_attached: int = 0,
    refusal: Callable[..., DomainError] = InvalidEvidence,
) -> list[CheckedFile]:
    """Check every file before any is stored: count, size, and type recognised from the bytes themselves.

    ``limit`` is how many files the record may hold in all, ``too_many`` the refusal the domain words for it,
    ``refusal`` the domain's own error class (called with the message and a code). Raises it for the first
    file refused; reads the files but writes nothing.
    """
    if already_attached + len(files) > limit:
        raise refusal(too_many, code="too_many_files")
    try:
        return [_check_one(upload) for upload in files]
    except InvalidEvidence as error:
        if refusal is InvalidEvidence:
            raise
        raise refusal(error.message, code=error.code) from None


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


def evidence_write(
    *, checked: Sequence[CheckedFile], stored_names: list[str], folder: str = "evidence"
) -> list[str]:
    """Write checked files under random private names, before any row points at them.

    Needs no record and no transaction, so a filing writes its files before it takes a reference number.
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
            f"{folder}/{token[:2]}/{token}{ALLOWED_CONTENT_TYPES[item.content_type]}", item.upload
        )
        stored_names.append(name)
        names.append(name)
    return names


def evidence_discard(names: Sequence[str]) -> None:
    """Delete files written by a transaction that did not commit."""
    storage = evidence_storage()
    for name in names:
        storage.delete(name)


@contextmanager
def evidence_transaction() -> Iterator[list[str]]:
    """Open a transaction that may store evidence; if it does not commit, delete the files written in it.

    Yields the list that ``evidence_write`` appends each written file's name to.
    """
    stored_names: list[str] = []
    try:
        with transaction.atomic():
            yield stored_names
    except BaseException:
        evidence_discard(stored_names)
        raise


def evidence_response(attachment) -> FileResponse:
    """Serve one stored evidence file (a row with ``file``, ``original_name`` and ``content_type``): always as
    a download under its detected type, never sniffed, never cached."""
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
