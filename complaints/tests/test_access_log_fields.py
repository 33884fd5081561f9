"""Complaints read in the access log: the person sees its fields named as the forms name them, and each
list or search that showed their complaints, in plain words."""

import datetime

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from accounts.tests.factories import LearnerFactory, StaffFactory
from privacy.models import AccessLogEntry
from privacy.services import access_log_record, access_log_record_list

from .factories import ComplaintFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def records_officer():
    """A staff member allowed to read people's records (the model-wide view permission)."""
    officer = StaffFactory(roles=[Role.SUPERVISOR])
    officer.user_permissions.add(Permission.objects.get(codename="view_user"))
    return User.objects.get(pk=officer.pk)


@pytest.fixture
def person():
    return LearnerFactory(mobile="13912345678", home_address="杭州市西湖区")


def log_read(actor, subject):
    return access_log_record(
        actor=actor, subject=subject, record=subject, fields=["mobile"], channel="admin", screen="admin:test"
    )


def test_the_access_log_page_names_the_fields_in_the_readers_language(client, records_officer, person):
    # given a read of the person's own record, and one of a complaint that shows their contact details
    log_read(records_officer, person)
    complaint = ComplaintFactory(complainant=person)
    access_log_record(
        actor=records_officer,
        subject=person,
        record=complaint,
        fields=["display_name", "email", "mobile", "title", "timeline", "attachments"],
        channel="admin",
        screen="admin:complaints_complaint_change",
    )
    client.force_login(person)

    # when the person reads their log, in Chinese and then in English
    chinese = client.get(reverse("privacy:my-data")).text
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(reverse("privacy:my-data")).text

    # then each field is named as the forms name it, never by its column
    assert "<td>显示名称、电子邮箱、手机号码、标题、处理记录、附件</td>" in chinese
    assert "<td>手机号码</td>" in chinese
    assert "<td>display name, e-mail address, mobile number, title, timeline, attachments</td>" in english
    assert "<td>mobile number</td>" in english
    for page in (chinese, english):
        assert "display_name" not in page and ">mobile<" not in page


def _row_text(entry: AccessLogEntry) -> str:
    """Every column of a log row as text, to look for values that must never be logged."""
    return " ".join(str(getattr(entry, field.attname)) for field in AccessLogEntry._meta.concrete_fields)


def test_a_list_of_records_leaves_one_row_per_record_naming_its_person_in_one_insert(
    records_officer, django_assert_num_queries
):
    # given a list showing two complaints of one learner, one of another, and one of the reader's own
    learner, other = LearnerFactory(), LearnerFactory()
    shown = [
        ComplaintFactory(complainant=learner, title="宿舍热水器坏了"),
        ComplaintFactory(complainant=learner),
        ComplaintFactory(complainant=other),
        ComplaintFactory(complainant=records_officer),
    ]
    ContentType.objects.get_for_model(shown[0])  # warm the content-type cache, as any earlier request does

    # when the list's reads are logged (one complaint listed twice)
    with django_assert_num_queries(1):
        entries = access_log_record_list(
            actor=records_officer,
            records=[*shown, shown[0]],
            subject_fields=("complainant_id",),
            fields=["reference", "title"],
            channel=AccessLogEntry.Channel.ADMIN,
            screen="admin:complaints_complaint_changelist",
            kind=AccessLogEntry.Kind.SEARCH,
        )

    # then each complaint shown of another person has one row that names its person, never its values
    assert sorted(entries) == sorted(AccessLogEntry.objects.values_list("pk", flat=True))
    rows = AccessLogEntry.objects.order_by("object_id")
    assert [(row.subject_id, row.object_id) for row in rows] == sorted(
        [(learner.pk, str(shown[0].pk)), (learner.pk, str(shown[1].pk)), (other.pk, str(shown[2].pk))],
        key=lambda pair: pair[1],
    )
    for row in rows:
        assert row.actor == records_officer
        assert row.content_type.model == "complaint"
        assert row.fields == ["reference", "title"]
        assert row.kind == AccessLogEntry.Kind.SEARCH
        assert row.screen == "admin:complaints_complaint_changelist"
        assert row.reason == "" and abs(row.created_at - timezone.now()) < datetime.timedelta(minutes=1)
        assert "宿舍热水器坏了" not in _row_text(row)
        assert shown[0].reference not in _row_text(row)
    assert not AccessLogEntry.objects.filter(subject=records_officer).exists()


def test_an_empty_list_writes_nothing_and_asks_nothing(records_officer, django_assert_num_queries):
    with django_assert_num_queries(0):
        entries = access_log_record_list(
            actor=records_officer,
            records=[],
            subject_fields=("complainant_id",),
            fields=["title"],
            channel="admin",
            screen="x",
        )
    assert entries == []
    assert not AccessLogEntry.objects.exists()


def test_the_person_sees_list_reads_and_searches_in_plain_words(client, records_officer, person):
    # given the person's complaint shown in a list, and found by a search
    complaint = ComplaintFactory(complainant=person)
    for kind in (AccessLogEntry.Kind.LIST, AccessLogEntry.Kind.SEARCH):
        access_log_record_list(
            actor=records_officer,
            records=[complaint],
            subject_fields=("complainant_id",),
            fields=["reference", "title"],
            channel="admin",
            screen="admin:complaints_complaint_changelist",
            kind=kind,
        )
    log_read(records_officer, person)
    client.force_login(person)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    # when they read who read their data
    page = client.get(reverse("privacy:my-data")).text
    api = client.get(reverse("my-access-log")).json()

    # then each read says how, in words, with the reader and the kind of record, and no screen's code name
    assert "<td>Found it by a search</td>" in page
    assert "<td>Saw it in a list</td>" in page
    assert "<td>Opened the record</td>" in page
    assert "<td>reference number, title</td>" in page
    assert "admin:complaints" not in page
    assert [row["kind"] for row in api["results"]] == ["record", "search", "list"]
