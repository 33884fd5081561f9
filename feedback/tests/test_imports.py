"""The import of a scanned batch: checked whole with per-row errors, written whole or not at all."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from accounts.tests.factories import LearnerFactory
from feedback.errors import FeedbackRuleViolation
from feedback.imports import check_upload, import_check, import_write
from feedback.models import Channel, FeedbackEvent, FeedbackItem, ImportJob, PaperBatch
from notifications.models import Notification
from sla.models import Clock

pytestmark = pytest.mark.django_db


def _job(agent, content: bytes, name="batch.csv") -> ImportJob:
    upload = SimpleUploadedFile(name, content)
    kind = check_upload(upload)
    job = ImportJob(file_name=name, file_kind=kind, created_by=agent)
    job.file.save("imports/test", upload, save=False)
    job.save()
    return job


def _csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    import csv

    writer = csv.writer(out)
    writer.writerow(["类别", "内容", "课程", "教师", "学员邮箱", "紧急"])
    writer.writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def test_a_good_csv_is_checked_then_imported_whole(agent, course):
    learner = LearnerFactory()
    teacher = course.instructors.get()
    job = _job(
        agent,
        _csv(
            [
                ["课程内容", "希望多一些案例", course.code, teacher.name, learner.email, "否"],
                ["facilities", "空调太冷", "", "", "", "是"],
            ]
        ),
    )

    job = import_check(job=job)
    assert (job.state, job.total_rows, job.error_count) == (ImportJob.State.READY, 2, 0)
    assert FeedbackItem.objects.count() == 0  # checking writes nothing

    job = import_write(job=job)

    assert job.state == ImportJob.State.DONE
    items = list(FeedbackItem.objects.order_by("reference"))
    assert [(item.channel, item.batch_id, item.filed_by_id) for item in items] == [
        (Channel.PAPER, job.batch_id, agent.pk)
    ] * 2
    assert (items[0].learner, items[0].instructor, items[0].is_urgent) == (learner, teacher, False)
    assert (items[1].learner, items[1].is_anonymous, items[1].is_urgent) == (None, True, True)
    assert FeedbackEvent.objects.count() == 2
    assert Clock.objects.filter(subject_type__model="feedbackitem").count() == 6
    assert set(Notification.objects.values_list("recipient_id", "kind")) == {
        (learner.pk, "feedback_received")
    }
    assert job.batch.kind == PaperBatch.Kind.IMPORTED


def test_a_file_with_bad_rows_is_refused_whole_with_an_error_per_row_and_column(agent, course):
    job = _job(
        agent,
        _csv(
            [
                ["课程内容", "好的一行", course.code, "", "", ""],
                ["不存在的类别", "", "NO-SUCH", "", "nobody@example.com", "也许"],
                ["teacher", "老师很好", course.code, "不教这门课的老师", "", ""],
            ]
        ),
    )

    job = import_check(job=job)

    assert job.state == ImportJob.State.REFUSED
    found = {(error["row"], error["field"]) for error in job.errors}
    assert found == {
        (3, "category"),
        (3, "text"),
        (3, "course"),
        (3, "learner"),
        (3, "urgent"),
        (4, "instructor"),
    }
    with pytest.raises(FeedbackRuleViolation):
        import_write(job=job)
    assert FeedbackItem.objects.count() == 0 and PaperBatch.objects.count() == 0
    assert Clock.objects.count() == 0 and Notification.objects.count() == 0


def test_an_xlsx_workbook_imports_too(agent):
    book = Workbook()
    sheet = book.active
    sheet.append(["category", "text"])
    sheet.append(["other", "图书馆座位不够"])
    stream = io.BytesIO()
    book.save(stream)

    job = import_write(job=import_check(job=_job(agent, stream.getvalue(), name="batch.xlsx")))

    assert job.state == ImportJob.State.DONE
    assert list(FeedbackItem.objects.values_list("text", flat=True)) == ["图书馆座位不够"]


def test_a_gb18030_csv_from_a_chinese_spreadsheet_is_read(agent):
    content = "类别,内容\n其他,食堂排队太久\n".encode("gb18030")
    job = import_check(job=_job(agent, content))
    assert (job.state, job.total_rows) == (ImportJob.State.READY, 1)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "file_type"),
        (b"PK\x03\x04not really a zip", "file_type"),
    ],
)
def test_uploads_are_checked_by_content(content, message):
    with pytest.raises(FeedbackRuleViolation) as refused:
        check_upload(SimpleUploadedFile("batch.csv", content))
    assert refused.value.code == message


def test_a_file_without_the_required_columns_or_rows_is_refused(agent):
    job = import_check(job=_job(agent, "课程,教师\nC-1,张老师\n".encode()))
    assert job.state == ImportJob.State.REFUSED
    assert job.errors[0]["field"] == "file"
    empty = import_check(job=_job(agent, "类别,内容\n".encode()))
    assert empty.state == ImportJob.State.REFUSED


def test_a_row_that_went_bad_after_the_check_refuses_the_whole_import(agent, course):
    job = import_check(
        job=_job(
            agent,
            _csv([["课程内容", "一", course.code, "", "", ""], ["课程内容", "二", course.code, "", "", ""]]),
        )
    )
    assert job.state == ImportJob.State.READY
    course.is_active = False
    course.save(update_fields=["is_active"])

    job = import_write(job=job)

    assert job.state == ImportJob.State.REFUSED
    assert FeedbackItem.objects.count() == 0 and PaperBatch.objects.count() == 0
