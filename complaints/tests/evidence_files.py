"""Real evidence files for the tests, made the way a camera, a scanner or an attacker makes them."""

import io
import zipfile

from PIL import Image
from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    TextStringObject,
)


def png_image() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def jpeg_image(*, comment: bytes = b"") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (30, 30, 200)).save(buffer, format="JPEG", comment=comment)
    return buffer.getvalue()


def zip_archive() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("payload.html", "<p>hello</p>")
    return buffer.getvalue()


def _written(writer: PdfWriter) -> bytes:
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _one_page() -> PdfWriter:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    return writer


def plain_pdf() -> bytes:
    return _written(_one_page())


def pdf_opening_at_its_first_page() -> bytes:
    """A harmless open action: go to page one. Nothing runs."""
    writer = _one_page()
    destination = ArrayObject([writer.pages[0].indirect_reference, NameObject("/Fit")])
    writer._root_object[NameObject("/OpenAction")] = destination
    return _written(writer)


def _action(kind: str, **entries) -> DictionaryObject:
    action = DictionaryObject(
        {NameObject("/Type"): NameObject("/Action"), NameObject("/S"): NameObject(kind)}
    )
    action.update({NameObject(f"/{key}"): value for key, value in entries.items()})
    return action


def pdf_with_document_javascript() -> bytes:
    """A script in the document's JavaScript name tree, which a viewer runs when it opens the file."""
    writer = _one_page()
    action = writer._add_object(_action("/JavaScript", JS=TextStringObject("app.alert('opened');")))
    names = DictionaryObject({NameObject("/Names"): ArrayObject([TextStringObject("start"), action])})
    writer._root_object[NameObject("/Names")] = DictionaryObject({NameObject("/JavaScript"): names})
    return _written(writer)


def pdf_with_open_action_javascript() -> bytes:
    writer = _one_page()
    action = _action("/JavaScript", JS=TextStringObject("app.alert('opened');"))
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(action)
    return _written(writer)


def pdf_with_page_additional_action() -> bytes:
    writer = _one_page()
    writer.pages[0][NameObject("/AA")] = DictionaryObject(
        {NameObject("/O"): _action("/URI", URI=TextStringObject("https://example.com/"))}
    )
    return _written(writer)


def pdf_with_launch_link() -> bytes:
    writer = _one_page()
    link = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Link"),
            NameObject("/Rect"): ArrayObject([NumberObject(side) for side in (0, 0, 9, 9)]),
            NameObject("/A"): _action("/Launch", F=TextStringObject("cmd.exe")),
        }
    )
    writer.pages[0][NameObject("/Annots")] = ArrayObject([writer._add_object(link)])
    return _written(writer)


def pdf_with_embedded_file() -> bytes:
    writer = _one_page()
    writer.add_attachment("setup.exe", b"MZ\x90\x00 not really a program")
    return _written(writer)


def pdf_with_hex_escaped_javascript() -> bytes:
    """The JavaScript action's names spelt in hex escapes, as a byte search would miss them."""
    content = pdf_with_open_action_javascript()
    escaped = content.replace(b"/JavaScript", b"/J#61vaScript").replace(b"/JS ", b"/J#53 ")
    assert b"/JavaScript" not in escaped
    return escaped
