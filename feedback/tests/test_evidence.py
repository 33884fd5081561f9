"""Evidence sent with feedback: checked by content like a complaint's, stored privately, downloadable by the
item's readers only (the page, the follow link, the API, the admin), and carried over when the item becomes a
complaint. A refused file leaves nothing behind: no item, no reference number, no file."""

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from accounts.roles import Role
from accounts.tests.factories import GuardianshipFactory, LearnerFactory, UserFactory
from complaints.models import Category as ComplaintCategory
from complaints.tests import evidence_files as made
from core.models import ReferenceCounter
from feedback import services
from feedback.errors import FeedbackInvalidEvidence
from feedback.models import FeedbackAttachment, FeedbackEvent, FeedbackItem
from privacy.models import AccessLogEntry
from sla.models import Clock

pytestmark = pytest.mark.django_db

PNG = made.png_image()
PDF = made.plain_pdf()


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def stored_files(media_root) -> list:
    return [path for path in media_root.rglob("*") if path.is_file()] if media_root.exists() else []


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _nothing_written(media_root, counters_before) -> None:
    assert FeedbackItem.objects.count() == 0
    assert FeedbackEvent.objects.count() == 0
    assert FeedbackAttachment.objects.count() == 0
    assert Clock.objects.count() == 0
    assert list(ReferenceCounter.objects.values_list("prefix", "year", "last_number")) == counters_before
    assert stored_files(media_root) == []


def _counters() -> list:
    return list(ReferenceCounter.objects.values_list("prefix", "year", "last_number"))


def test_files_sent_with_feedback_are_stored_privately_with_their_checked_type(learner, subject, media_root):
    given = services.feedback_give(
        actor=learner,
        subject=subject,
        text="投影仪坏了",
        attachments=[upload("投影仪.png", PNG), upload("a.pdf", PDF)],
    )

    files = list(given.item.attachments.order_by("id"))
    assert [(f.original_name, f.content_type, f.size) for f in files] == [
        ("投影仪.png", "image/png", len(PNG)),
        ("a.pdf", "application/pdf", len(PDF)),
    ]
    assert files[0].sha256 == hashlib.sha256(PNG).hexdigest()
    assert {f.uploaded_by for f in files} == {learner}
    on_disk = stored_files(media_root)
    assert len(on_disk) == 2 and all(path.relative_to(media_root).parts[0] == "feedback" for path in on_disk)
    assert "投影仪" not in "".join(str(path) for path in on_disk)  # stored under random names
    with pytest.raises(ValueError):
        files[0].file.url  # noqa: B018  (private: no public address)


def test_an_anonymous_items_files_name_nobody(learner, subject):
    given = services.feedback_give(
        actor=learner, subject=subject, text="匿名", is_anonymous=True, attachments=[upload("p.png", PNG)]
    )
    assert given.item.attachments.get().uploaded_by is None


@pytest.mark.parametrize(
    ("files", "code"),
    [
        ([upload("notes.pdf", b"just some text, not a PDF")], "file_type_not_allowed"),
        ([upload("run.pdf", made.pdf_with_document_javascript())], "pdf_active_content"),
        ([upload("zip.png", PNG + made.zip_archive())], "file_holds_another_format"),
        ([upload("e.png", b"")], "file_type_not_allowed"),
        ([upload(f"{n}.png", PNG) for n in range(6)], "too_many_files"),
    ],
    ids=["text-named-pdf", "pdf-javascript", "png-with-zip", "empty", "six-files"],
)
def test_a_refused_file_leaves_nothing_behind(learner, subject, media_root, files, code):
    before = _counters()

    with pytest.raises(FeedbackInvalidEvidence) as refused:
        services.feedback_give(actor=learner, subject=subject, text="建议", attachments=files)

    assert (refused.value.code, refused.value.field) == (code, "attachments")
    _nothing_written(media_root, before)


def test_files_written_for_feedback_that_is_then_refused_are_deleted(learner, subject, media_root):
    before = _counters()
    with pytest.raises(services.FeedbackRuleViolation):
        services.feedback_give(actor=learner, subject=subject, text="   ", attachments=[upload("p.png", PNG)])
    _nothing_written(media_root, before)


def test_the_learner_sends_evidence_on_the_page_and_downloads_it(learner, subject, agent):
    client = _client(learner)
    answer = client.post(
        "/feedback/new/",
        {"category": subject.category.pk, "text": "空调漏水", "evidence": [upload("漏水.png", PNG)]},
    )
    item = FeedbackItem.objects.get()
    attachment = item.attachments.get()
    assert answer.status_code == 302

    page = client.get(f"/feedback/{item.reference}/").content.decode()
    link = f"/feedback/{item.reference}/attachments/{attachment.pk}/"
    assert link in page and "漏水.png" in page

    download = client.get(link)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PNG
    assert download["Content-Type"] == "image/png"
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Disposition"].startswith("attachment;")
    assert AccessLogEntry.objects.count() == 0  # the learner's own read is not a staff read


def test_a_refused_file_on_the_page_is_shown_next_to_the_field_and_nothing_is_written(
    learner, subject, media_root
):
    before = _counters()
    answer = _client(learner).post(
        "/feedback/new/",
        {"category": subject.category.pk, "text": "建议", "evidence": [upload("x.pdf", b"plain text")]},
    )
    assert answer.status_code == 400
    assert list(answer.context["form"].errors) == ["evidence"]
    _nothing_written(media_root, before)


def test_only_the_items_readers_download_its_files_and_a_staff_download_is_logged(learner, subject, agent):
    item = services.feedback_give(
        actor=learner, subject=subject, text="建议", attachments=[upload("p.png", PNG)]
    ).item
    attachment = item.attachments.get()
    link = f"/feedback/{item.reference}/attachments/{attachment.pk}/"
    guardian = UserFactory(roles=[Role.PARENT])
    GuardianshipFactory(guardian=guardian, learner=learner)

    assert _client(LearnerFactory()).get(link).status_code == 404
    assert _client(UserFactory(roles=[Role.PARENT])).get(link).status_code == 404
    assert _client(guardian).get(link).status_code == 200
    assert Client().get(link).status_code == 302  # to the log-in
    # another item's number under this item's reference is not found either
    other = services.feedback_give(
        actor=LearnerFactory(), subject=subject, text="另一条", attachments=[upload("o.png", PNG)]
    ).item
    elsewhere = f"/feedback/{item.reference}/attachments/{other.attachments.get().pk}/"
    assert _client(learner).get(elsewhere).status_code == 404
    assert AccessLogEntry.objects.count() == 0

    assert _client(agent).get(link).status_code == 200
    entry = AccessLogEntry.objects.get()
    assert (entry.actor, entry.subject, entry.fields) == (agent, learner, ["file"])


def test_an_anonymous_giver_downloads_through_the_follow_link_only(learner, subject):
    given = services.feedback_give(
        actor=learner, subject=subject, text="匿名", is_anonymous=True, attachments=[upload("p.png", PNG)]
    )
    attachment = given.item.attachments.get()
    base = f"/feedback/follow/{given.item.reference}"

    page = Client().get(f"{base}/{given.follow_key}/").content.decode()
    assert f"{base}/{given.follow_key}/attachments/{attachment.pk}/" in page
    assert Client().get(f"{base}/{given.follow_key}/attachments/{attachment.pk}/").status_code == 200
    assert Client().get(f"{base}/wrong-key/attachments/{attachment.pk}/").status_code == 404
    assert Client().post(f"{base}/{given.follow_key}/attachments/{attachment.pk}/").status_code == 405


def test_the_api_takes_evidence_as_form_data_and_serves_it_to_readers(learner, subject, agent):
    client = _client(learner)
    answer = client.post(
        "/api/v1/feedback/",
        {"category": subject.category.pk, "text": "教室灯坏了", "attachments": [upload("灯.png", PNG)]},
    )
    assert answer.status_code == 201, answer.json()
    reference = answer.json()["reference"]

    files = client.get(f"/api/v1/feedback/{reference}/").json()["attachments"]
    assert [(f["original_name"], f["content_type"], f["size"]) for f in files] == [
        ("灯.png", "image/png", len(PNG))
    ]
    assert "uploaded_by" not in files[0]
    download_path = files[0]["download_url"].split("testserver", 1)[1]
    assert download_path == f"/api/v1/feedback/{reference}/attachments/{files[0]['id']}/"
    download = client.get(download_path)
    assert download.status_code == 200 and b"".join(download.streaming_content) == PNG
    assert _client(LearnerFactory()).get(download_path).status_code == 404
    assert _client(agent).get(download_path).status_code == 200
    assert AccessLogEntry.objects.filter(actor=agent, channel=AccessLogEntry.Channel.API).count() == 1


def test_the_api_refuses_a_bad_file_at_its_field_and_writes_nothing(learner, subject, media_root):
    before = _counters()
    answer = _client(learner).post(
        "/api/v1/feedback/",
        {"category": subject.category.pk, "text": "建议", "attachments": [upload("x.png", b"GIF89a....")]},
    )
    assert answer.status_code == 400
    assert "attachments" in str(answer.json())
    _nothing_written(media_root, before)


def test_the_workspace_links_the_evidence(agent, learner, subject):
    item = services.feedback_give(
        actor=learner, subject=subject, text="建议", attachments=[upload("证据.pdf", PDF)]
    ).item
    page = _client(agent).get(f"/admin/feedback/feedbackitem/{item.pk}/change/").content.decode()
    assert f"/feedback/{item.reference}/attachments/{item.attachments.get().pk}/" in page
    assert "证据.pdf" in page


def test_converting_to_a_complaint_carries_the_evidence_over(agent, learner, subject):
    item = services.feedback_give(
        actor=learner, subject=subject, text="老师辱骂学生", attachments=[upload("录音截图.png", PNG)]
    ).item

    item = services.feedback_convert(
        item=item, actor=agent, category=ComplaintCategory.objects.filter(is_active=True).first(), title="t"
    )

    carried = item.complaint.attachments.get()
    original = item.attachments.get()
    assert (carried.original_name, carried.sha256, carried.file.name, carried.uploaded_by) == (
        original.original_name,
        original.sha256,
        original.file.name,
        learner,
    )
    download = _client(learner).get(f"/complaints/{item.complaint.reference}/attachments/{carried.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PNG
