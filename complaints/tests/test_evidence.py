"""Evidence: types recognised by content, limits, private storage, and nothing left behind on refusal."""

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from complaints.errors import ComplaintPermissionDenied, InvalidEvidence, TransitionNotAllowed
from complaints.models import AffectedLearner, Attachment, Complaint, ComplaintEvent
from complaints.services import complaint_add_evidence, complaint_file
from complaints.services import evidence as evidence_rules
from core import evidence as shared_evidence
from core.models import ReferenceCounter

from .evidence_files import plain_pdf
from .factories import ComplaintFactory

pytestmark = pytest.mark.django_db

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00" + b"\x00" * 64
)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 64
# A PDF a reader opens: one that cannot be read cannot be checked for scripts, and is refused.
PDF = plain_pdf()


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def files_under(root) -> list:
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def file_with(learner, category, attachments):
    return complaint_file(
        actor=learner,
        complainant=learner,
        category=category,
        title="上课录像证据",
        description="附上截图和收据。",
        attachments=attachments,
    )


def test_accepted_evidence_is_stored_privately_with_its_checks(learner, category, media_root):
    complaint = file_with(
        learner, category, [upload("截图.png", PNG), upload("收据.pdf", PDF), upload("a.jpg", JPEG)]
    )

    attachments = list(complaint.attachments.order_by("id"))
    assert [a.content_type for a in attachments] == ["image/png", "application/pdf", "image/jpeg"]
    assert [a.original_name for a in attachments] == ["截图.png", "收据.pdf", "a.jpg"]
    assert attachments[0].size == len(PNG)
    assert attachments[0].sha256 == hashlib.sha256(PNG).hexdigest()
    assert attachments[0].uploaded_by == learner
    stored = files_under(media_root)
    assert len(stored) == 3
    # written before the complaint had its number, so under a random folder, each the file of one attachment
    assert all(path.is_relative_to(media_root / "evidence") for path in stored)
    assert {str(path.relative_to(media_root)) for path in stored} == {a.file.name for a in attachments}
    # stored under a random name, never the uploaded one
    assert all(path.name not in {"截图.png", "收据.pdf", "a.jpg"} for path in stored)
    with pytest.raises(ValueError, match="no public URL"):
        attachments[0].file.url  # noqa: B018
    assert complaint.events.filter(kind="evidence_added", is_public=True).count() == 1


def _assert_nothing_filed(media_root, counter_before):
    assert not Complaint.objects.exists()
    assert not AffectedLearner.objects.exists()
    assert not ComplaintEvent.objects.exists()
    assert not Attachment.objects.exists()
    assert files_under(media_root) == []
    assert list(ReferenceCounter.objects.values_list("year", "last_number")) == counter_before


@pytest.mark.parametrize(
    ("files", "code"),
    [
        ([upload("notes.pdf", b"just some text pretending to be a PDF")], "file_type_not_allowed"),
        ([upload("ok.png", PNG), upload("photo.gif", b"GIF89a" + b"\x00" * 32)], "file_type_not_allowed"),
        ([upload("virus.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64)], "file_type_not_allowed"),
        ([upload(f"p{n}.png", PNG) for n in range(6)], "too_many_files"),
    ],
    ids=["text-named-pdf", "second-file-gif", "executable-named-pdf", "six-files"],
)
def test_a_refused_upload_leaves_nothing_behind(learner, category, media_root, files, code):
    counter_before = list(ReferenceCounter.objects.values_list("year", "last_number"))

    with pytest.raises(InvalidEvidence) as refused:
        file_with(learner, category, files)

    assert (refused.value.code, refused.value.field) == (code, "attachments")
    _assert_nothing_filed(media_root, counter_before)


def test_a_file_over_the_size_limit_is_refused(learner, category, media_root, monkeypatch):
    monkeypatch.setattr(shared_evidence, "MAX_ATTACHMENT_BYTES", len(PNG) - 1)
    counter_before = list(ReferenceCounter.objects.values_list("year", "last_number"))

    with pytest.raises(InvalidEvidence) as refused:
        file_with(learner, category, [upload("big.png", PNG)])

    assert refused.value.code == "file_too_large"
    _assert_nothing_filed(media_root, counter_before)


def test_the_default_limits_are_ten_megabytes_and_five_files():
    assert evidence_rules.MAX_ATTACHMENT_BYTES == 10 * 1024 * 1024
    assert evidence_rules.MAX_ATTACHMENTS_PER_COMPLAINT == 5


def test_the_complainant_adds_evidence_up_to_the_limit(media_root):
    complaint = ComplaintFactory(investigating=True)
    complaint_add_evidence(
        complaint=complaint, files=[upload(f"{n}.png", PNG) for n in range(4)], actor=complaint.complainant
    )

    with pytest.raises(InvalidEvidence) as refused:
        complaint_add_evidence(
            complaint=complaint,
            files=[upload("x.png", PNG), upload("y.png", PNG)],
            actor=complaint.complainant,
        )

    assert refused.value.code == "too_many_files"
    assert complaint.attachments.count() == 4
    assert len(files_under(media_root)) == 4
    assert complaint.events.filter(kind="evidence_added").count() == 1


def test_staff_evidence_is_internal_and_strangers_cannot_add(media_root, outsider_agent):
    complaint = ComplaintFactory(investigating=True)
    complaint_add_evidence(complaint=complaint, files=[upload("memo.pdf", PDF)], actor=complaint.owner)
    assert complaint.events.get(kind="evidence_added").is_public is False

    with pytest.raises(ComplaintPermissionDenied):
        complaint_add_evidence(complaint=complaint, files=[upload("x.png", PNG)], actor=outsider_agent)
    assert complaint.attachments.count() == 1
    assert len(files_under(media_root)) == 1


def test_a_finished_complaint_takes_no_evidence(media_root):
    complaint = ComplaintFactory(closed=True)
    with pytest.raises(TransitionNotAllowed):
        complaint_add_evidence(complaint=complaint, files=[upload("x.png", PNG)], actor=complaint.complainant)
    assert files_under(media_root) == []
    assert not Attachment.objects.exists()
