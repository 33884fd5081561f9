"""Evidence is checked for what it holds beyond its picture or pages: a PDF that runs scripts, launches a
program or carries another file is refused, and so is a file that is also another format (a polyglot), on the
learner's form and through the API alike, with the reason next to the field and nothing stored."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from complaints.errors import InvalidEvidence
from complaints.models import Attachment, Complaint, ComplaintEvent
from complaints.services import complaint_file
from core.models import ReferenceCounter

from . import evidence_files as made
from .api_helpers import files_under, logged_in

pytestmark = pytest.mark.django_db

HTML_PAGE = b"<!DOCTYPE html><html><body><script>fetch('/api/v1/complaints/')</script></body></html>"

REFUSED = {
    "pdf-document-javascript": ("证据.pdf", made.pdf_with_document_javascript, "pdf_active_content"),
    "pdf-open-action-javascript": ("证据.pdf", made.pdf_with_open_action_javascript, "pdf_active_content"),
    "pdf-hex-escaped-javascript": ("证据.pdf", made.pdf_with_hex_escaped_javascript, "pdf_active_content"),
    "pdf-page-additional-action": ("证据.pdf", made.pdf_with_page_additional_action, "pdf_active_content"),
    "pdf-launch-link": ("证据.pdf", made.pdf_with_launch_link, "pdf_active_content"),
    "pdf-embedded-file": ("证据.pdf", made.pdf_with_embedded_file, "pdf_active_content"),
    "pdf-unreadable": ("证据.pdf", lambda: b"%PDF-1.7\n" + b"\x00" * 200, "pdf_unreadable"),
    "pdf-then-zip": ("证据.pdf", lambda: made.plain_pdf() + made.zip_archive(), "file_holds_another_format"),
    "pdf-then-html": ("证据.pdf", lambda: made.plain_pdf() + HTML_PAGE, "file_holds_another_format"),
    "pdf-then-bytes": ("证据.pdf", lambda: made.plain_pdf() + b"\x01\x02payload", "file_trailing_data"),
    "png-then-zip": ("截图.png", lambda: made.png_image() + made.zip_archive(), "file_holds_another_format"),
    "png-then-html": ("截图.png", lambda: made.png_image() + HTML_PAGE, "file_holds_another_format"),
    "png-then-pdf": ("截图.png", lambda: made.png_image() + made.plain_pdf(), "file_holds_another_format"),
    "png-then-bytes": ("截图.png", lambda: made.png_image() + b"\x01\x02payload", "file_trailing_data"),
    "jpeg-script-in-comment": (
        "照片.jpg",
        lambda: made.jpeg_image(comment=b"*/=alert(document.domain);/*<script src=#></script>"),
        "file_holds_another_format",
    ),
    "jpeg-then-zip": (
        "照片.jpg",
        lambda: made.jpeg_image() + made.zip_archive(),
        "file_holds_another_format",
    ),
    "jpeg-then-bytes": ("照片.jpg", lambda: made.jpeg_image() + b"\x01\x02payload", "file_trailing_data"),
}


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def assert_nothing_stored(media_root, counter_before) -> None:
    assert not Complaint.objects.exists()
    assert not ComplaintEvent.objects.exists()
    assert not Attachment.objects.exists()
    assert files_under(media_root) == []
    counted = ReferenceCounter.objects.filter(prefix="TS").values_list("year", "last_number")
    assert list(counted) == counter_before


def file_with(learner, category, files):
    return complaint_file(
        actor=learner,
        complainant=learner,
        category=category,
        title="证据",
        description="附上文件。",
        attachments=files,
    )


@pytest.mark.parametrize(("name", "make", "code"), REFUSED.values(), ids=REFUSED.keys())
def test_a_file_that_could_run_or_hides_another_is_refused(learner, category, media_root, name, make, code):
    counter_before = list(ReferenceCounter.objects.filter(prefix="TS").values_list("year", "last_number"))

    with pytest.raises(InvalidEvidence) as refused:
        file_with(learner, category, [upload("好的.png", made.png_image()), upload(name, make())])

    assert (refused.value.code, refused.value.field) == (code, "attachments")
    assert name in str(refused.value.message)
    assert_nothing_stored(media_root, counter_before)


@pytest.mark.parametrize(
    ("name", "make"),
    [
        ("收据.pdf", made.plain_pdf),
        ("收据.pdf", made.pdf_opening_at_its_first_page),
        ("收据.pdf", lambda: made.plain_pdf() + b"\r\n\x00\n"),  # whitespace after %%EOF is allowed
        ("截图.png", made.png_image),
        ("照片.jpg", made.jpeg_image),
        ("照片.jpg", lambda: made.jpeg_image(comment=b"Taken on 2026-03-01, classroom 302")),
    ],
    ids=["plain-pdf", "pdf-opening-at-page-one", "pdf-trailing-whitespace", "png", "jpeg", "jpeg-comment"],
)
def test_an_ordinary_photo_or_document_is_accepted(learner, category, media_root, name, make):
    content = make()

    complaint = file_with(learner, category, [upload(name, content)])

    attachment = complaint.attachments.get()
    assert (attachment.original_name, attachment.size) == (name, len(content))
    with attachment.file.open("rb") as stored:
        assert stored.read() == content


@pytest.mark.parametrize(
    ("make", "code"),
    [
        (made.pdf_with_open_action_javascript, "pdf_active_content"),
        (lambda: made.png_image() + made.zip_archive(), "file_holds_another_format"),
    ],
    ids=["pdf-javascript", "png-zip-polyglot"],
)
def test_the_learners_form_shows_the_refusal_next_to_the_evidence(
    client, learner, category, media_root, make, code
):
    client.force_login(learner)
    counter_before = list(ReferenceCounter.objects.filter(prefix="TS").values_list("year", "last_number"))

    response = client.post(
        reverse("complaints:new"),
        {
            "category": category.pk,
            "title": "证据",
            "description": "附上文件。",
            "evidence": [upload("好的.png", made.png_image()), upload("证据.pdf", make())],
        },
    )

    assert response.status_code == 400
    errors = response.context["form"].errors
    assert list(errors) == ["evidence"]
    assert "证据.pdf" in errors["evidence"][0]
    assert_nothing_stored(media_root, counter_before)


@pytest.mark.parametrize(
    ("make", "code"),
    [
        (made.pdf_with_embedded_file, "pdf_active_content"),
        (lambda: made.jpeg_image() + made.zip_archive(), "file_holds_another_format"),
    ],
    ids=["pdf-embedded-file", "jpeg-zip-polyglot"],
)
def test_the_api_answers_the_refusal_on_the_attachments_field(learner, category, media_root, make, code):
    counter_before = list(ReferenceCounter.objects.filter(prefix="TS").values_list("year", "last_number"))

    response = logged_in(learner).post(
        "/api/v1/complaints/",
        {
            "category": category.code,
            "title": "证据",
            "description": "附上文件。",
            "attachments": [upload("证据.pdf", make())],
        },
    )

    assert response.status_code == 400
    body = response.json()
    assert (body["code"], body["attachments"]) == (code, [body["detail"]])
    assert "证据.pdf" in body["detail"]
    assert_nothing_stored(media_root, counter_before)
