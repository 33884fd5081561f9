"""What an evidence file holds beyond its picture or its pages: active PDF content and a second file format.

A file whose first bytes say PNG, JPEG or PDF can still be something else as well (a polyglot): a ZIP archive
or an HTML page appended after the image's end, a script in a JPEG comment, a PDF that runs JavaScript or
launches a program when opened. Staff open evidence on their own machines, so such files are refused.
"""

import io
import re

from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

# Markup a browser would run: searched anywhere in the file, whatever its case. Each is long enough that
# compressed image data holds it by chance about once in 10^10 files.
_MARKUP = re.compile(rb"<(?:script|html|body|iframe|!doctype|\?php|svg[\s/>])", re.IGNORECASE)
# An archive reader finds a ZIP by its end record, in the last 64 KiB of the file; RAR anywhere.
_ZIP_END_RECORD = b"PK\x05\x06"
_ZIP_TAIL = 65_557
_RAR = b"Rar!\x1a\x07"
# PDF readers accept a header anywhere in the first kilobyte; an image holds none.
_PDF_HEADER = b"%PDF-"
# Whitespace a PDF may carry after its last %%EOF marker.
_PDF_WHITESPACE = b"\x00\t\n\x0c\r "

# PDF dictionary keys and values that run something or carry another file.
_ACTIVE_KEYS = frozenset({"/JS", "/JavaScript", "/AA", "/EmbeddedFiles", "/RichMedia", "/XFA"})
_ACTIVE_ACTIONS = frozenset({"/JavaScript", "/Launch", "/ImportData", "/RichMediaExecute"})
_EMBEDDED_TYPES = frozenset({"/EmbeddedFile", "/FileAttachment", "/RichMedia"})


class UnreadablePdf(Exception):
    """The PDF cannot be parsed, or is encrypted with a password, so what it holds cannot be checked."""


def second_format_found(*, content: bytes, content_type: str) -> str | None:
    """Name another file format that ``content`` also holds (``"ZIP"``, ``"HTML"``...), or None."""
    if _MARKUP.search(content):
        return "HTML"
    if _ZIP_END_RECORD in content[-_ZIP_TAIL:]:
        return "ZIP"
    if _RAR in content:
        return "RAR"
    if content_type != "application/pdf" and _PDF_HEADER in content:
        return "PDF"
    return None


def bytes_after_end(*, content: bytes, content_type: str) -> int:
    """Count the bytes after the end of the image or document: where a second file hides. 0 when none.

    A file whose end cannot be found (truncated, or damaged) counts 0 here: its other content is still
    searched by ``second_format_found``.
    """
    end = {"image/png": _png_end, "image/jpeg": _jpeg_end, "application/pdf": _pdf_end}[content_type](content)
    if end is None:
        return 0
    rest = content[end:]
    if content_type == "application/pdf":
        rest = rest.strip(_PDF_WHITESPACE)
    return len(rest)


def _png_end(content: bytes) -> int | None:
    position = 8  # after the signature, chunk after chunk: length, type, data, CRC
    while position + 8 <= len(content):
        length = int.from_bytes(content[position : position + 4], "big")
        chunk_end = position + 12 + length
        if content[position + 4 : position + 8] == b"IEND":
            return chunk_end if chunk_end <= len(content) else None
        position = chunk_end
    return None


def _jpeg_end(content: bytes) -> int | None:
    position = 2  # after the start-of-image marker, segment after segment
    while position + 4 <= len(content):
        if content[position] != 0xFF:
            return None
        marker = content[position + 1]
        if marker == 0xFF:  # fill byte
            position += 1
            continue
        if marker == 0xD9:  # end of image
            return position + 2
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:  # markers without a length
            position += 2
            continue
        position += 2 + int.from_bytes(content[position + 2 : position + 4], "big")
        if marker == 0xDA:  # start of scan: entropy-coded data runs to the next marker that is not a restart
            position = _jpeg_next_marker(content, position)
    return None


def _jpeg_next_marker(content: bytes, position: int) -> int:
    while True:
        position = content.find(b"\xff", position)
        if position == -1 or position + 1 >= len(content):
            return len(content)
        following = content[position + 1]
        if following == 0x00 or 0xD0 <= following <= 0xD7 or following == 0xFF:
            position += 1
            continue
        return position


def _pdf_end(content: bytes) -> int | None:
    last = content.rfind(b"%%EOF")
    return None if last == -1 else last + len(b"%%EOF")


def pdf_active_content(*, content: bytes) -> str | None:
    """Name the first thing in the PDF that a viewer could run or unpack (``"/JavaScript"``...), or None.

    Every object reachable from the trailer is read as pypdf parses it, so a name written in hex escapes
    (``/J#61vaScript``) or kept in a compressed object stream is found as well. Raises UnreadablePdf.
    """
    try:
        reader = PdfReader(io.BytesIO(content))
        if reader.is_encrypted and not reader.decrypt(""):
            raise UnreadablePdf("encrypted")
        return _first_active(reader.trailer)
    except UnreadablePdf:
        raise
    except Exception as error:  # pypdf raises many kinds on a damaged file; none of them may pass the file
        raise UnreadablePdf(str(error)) from error


def _first_active(trailer: DictionaryObject) -> str | None:
    pending: list = [trailer]
    seen: set[tuple[int, int]] = set()
    while pending:
        item = pending.pop()
        if isinstance(item, IndirectObject):
            if (item.idnum, item.generation) in seen:
                continue
            seen.add((item.idnum, item.generation))
            item = item.get_object()
        if isinstance(item, DictionaryObject):  # streams too: their dictionary is checked, not their data
            for key, value in item.items():
                if key in _ACTIVE_KEYS:
                    return str(key)
                if key == "/S" and value in _ACTIVE_ACTIONS:
                    return str(value)
                if key in ("/Type", "/Subtype") and value in _EMBEDDED_TYPES:
                    return str(value)
                pending.append(value)
        elif isinstance(item, ArrayObject):
            pending.extend(item)
    return None
