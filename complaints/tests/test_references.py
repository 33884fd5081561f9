"""Complaint reference numbers: past the millionth, sorted by number, and taken only after the evidence."""

import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError, connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from complaints.models import Attachment, Complaint, ComplaintEvent
from complaints.services import complaint_file
from core.models import ReferenceCounter
from core.references import ReferenceSortKey, reference_allocate

from .evidence_files import plain_pdf
from .factories import ComplaintFactory, LearnerFactory

pytestmark = pytest.mark.django_db

PDF = plain_pdf()


def this_year() -> int:
    return timezone.localdate().year


def file_with(learner, category, attachments=()):
    return complaint_file(
        actor=learner,
        complainant=learner,
        category=category,
        title="课程与宣传不符",
        description="宣传说有一对一辅导，实际没有。",
        attachments=list(attachments),
    )


def evidence(count: int) -> list[SimpleUploadedFile]:
    return [SimpleUploadedFile(f"收据{n}.pdf", PDF, content_type="application/pdf") for n in range(count)]


def files_under(root) -> list:
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def test_the_millionth_complaint_of_a_year_is_followed_by_a_seven_digit_number(learner, category):
    ReferenceCounter.objects.create(prefix="TS", year=this_year(), last_number=999_999)

    filed = [file_with(learner, category) for _ in range(2)]

    year = this_year()
    assert [c.reference for c in filed] == [f"TS-{year}-1000000", f"TS-{year}-1000001"]
    assert Complaint.objects.filter(reference__in=[c.reference for c in filed]).count() == 2


def test_references_sort_by_number_not_by_text(category):
    ReferenceCounter.objects.create(prefix="TS", year=this_year(), last_number=999_997)
    made = [ComplaintFactory(category=category).reference for _ in range(4)]

    ordered = Complaint.objects.order_by(ReferenceSortKey("reference"))
    by_key = list(ordered.values_list("reference", flat=True))

    assert by_key == made
    assert sorted(made) != made  # as text, …-1000000 would come before …-999998


def test_the_queue_sorted_by_reference_lists_the_seven_digit_numbers_last(dept_agent, category):
    ReferenceCounter.objects.create(prefix="TS", year=this_year(), last_number=999_998)
    made = [ComplaintFactory(category=category).reference for _ in range(3)]
    client = Client()
    client.force_login(dept_agent)
    url = reverse("admin:complaints_complaint_changelist")

    # the reference is the first column after the selection boxes
    ascending = client.get(url, {"o": "1"})
    descending = client.get(url, {"o": "-1"})

    assert [c.reference for c in ascending.context["cl"].result_list] == made
    assert [c.reference for c in descending.context["cl"].result_list] == made[::-1]


def test_the_evidence_is_on_disk_before_the_reference_number_is_taken(learner, category, media_root):
    on_disk_when_numbered = []

    def note_files(execute, sql, params, many, context):
        if "referencecounter" in sql.lower():
            on_disk_when_numbered.append(len(files_under(media_root)))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(note_files):
        complaint = file_with(learner, category, evidence(3))

    assert on_disk_when_numbered == [3]
    assert complaint.attachments.count() == 3


@pytest.mark.django_db(transaction=True)
def test_a_filing_that_cannot_take_its_number_leaves_no_file_no_row_and_no_gap(category, media_root):
    # given another filing that holds the year's counter and then gives its number back
    learner = LearnerFactory()
    holding, release = threading.Event(), threading.Event()

    class Abandon(Exception):
        pass

    def hold_the_counter():
        try:
            with transaction.atomic():
                reference_allocate(prefix="TS")
                holding.set()
                release.wait(timeout=10)
                raise Abandon
        except Abandon:
            pass
        finally:
            connection.close()

    holder = threading.Thread(target=hold_the_counter)
    holder.start()
    assert holding.wait(timeout=10)
    try:
        # when a filing with evidence gives up waiting for the counter
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '300ms'")
        try:
            with pytest.raises(OperationalError):
                file_with(learner, category, evidence(2))
        finally:
            with connection.cursor() as cursor:
                cursor.execute("RESET lock_timeout")
    finally:
        release.set()
        holder.join(timeout=10)

    # then its files are deleted, nothing is recorded, and the next filing takes number 1
    assert files_under(media_root) == []
    assert not Complaint.objects.exists()
    assert not Attachment.objects.exists()
    assert not ComplaintEvent.objects.exists()
    assert file_with(learner, category).reference == f"TS-{this_year()}-000001"
