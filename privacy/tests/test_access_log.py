"""Every staff read of another person's data leaves one row; people see their own log, and only theirs."""

import datetime

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from accounts.tests.factories import LearnerFactory, StaffFactory, UserFactory
from complaints.tests.factories import ComplaintFactory
from privacy import policy
from privacy.models import AccessLogEntry
from privacy.services import access_log_record, access_log_record_list, access_log_record_people

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


def test_a_staff_read_in_the_admin_leaves_exactly_one_row(client, records_officer, person):
    client.force_login(records_officer)
    response = client.get(reverse("admin:accounts_user_change", args=[person.pk]))
    assert response.status_code == 200
    assert "13912345678" in response.text

    entry = AccessLogEntry.objects.get()
    assert entry.actor == records_officer
    assert entry.subject == person
    assert entry.object_id == str(person.pk)
    assert entry.channel == AccessLogEntry.Channel.ADMIN
    assert entry.screen == "admin:accounts_user_change"
    assert "mobile" in entry.fields


def test_a_staff_read_in_the_api_leaves_exactly_one_row(client, records_officer, person):
    client.force_login(records_officer)
    response = client.get(reverse("people-detail", args=[person.pk]))
    assert response.status_code == 200
    assert response.json()["mobile"] == "13912345678"

    entry = AccessLogEntry.objects.get()
    assert (entry.actor, entry.subject, entry.channel) == (
        records_officer,
        person,
        AccessLogEntry.Channel.API,
    )
    assert entry.screen == "api:people-detail"


def test_staff_without_access_get_404_and_leave_no_row(client, person):
    agent = StaffFactory()
    client.force_login(agent)
    assert client.get(reverse("people-detail", args=[person.pk])).status_code == 404
    response = client.get(reverse("admin:accounts_user_change", args=[person.pk]))
    assert response.status_code in (302, 403)
    assert not AccessLogEntry.objects.exists()


def test_a_delegated_grant_opens_one_record_and_is_logged(client, person):
    agent = StaffFactory()
    policy.grant(user=agent, action=policy.VIEW, obj=person)
    client.force_login(agent)
    assert client.get(reverse("people-detail", args=[person.pk])).status_code == 200
    assert AccessLogEntry.objects.filter(actor=agent, subject=person).count() == 1


def test_a_learner_may_not_use_the_staff_api(client, person):
    client.force_login(LearnerFactory())
    assert client.get(reverse("people-detail", args=[person.pk])).status_code == 403
    assert not AccessLogEntry.objects.exists()


def test_reading_ones_own_record_is_not_logged(records_officer):
    assert (
        access_log_record(
            actor=records_officer,
            subject=records_officer,
            record=records_officer,
            fields=["mobile"],
            channel=AccessLogEntry.Channel.ADMIN,
            screen="x",
        )
        is None
    )
    assert not AccessLogEntry.objects.exists()


@pytest.mark.parametrize("count", [1, 12])
def test_the_people_a_list_shows_each_leave_one_row_written_in_one_query(
    records_officer, count, django_assert_num_queries
):
    people = [LearnerFactory() for _ in range(count)]
    ContentType.objects.get_for_model(User)  # warm the content-type cache, as any earlier request does

    with django_assert_num_queries(1):
        entries = access_log_record_people(
            actor=records_officer,
            subjects=[*people, people[0], records_officer],
            fields=["display_name", "mobile"],
            channel=AccessLogEntry.Channel.ADMIN,
            screen="admin:complaints_complaint_intake",
        )

    assert len(entries) == count
    rows = AccessLogEntry.objects.order_by("subject_id").values_list(
        "actor_id", "subject_id", "object_id", "content_type__model", "fields", "channel", "screen"
    )
    assert list(rows) == [
        (
            records_officer.pk,
            person.pk,
            str(person.pk),
            "user",
            ["display_name", "mobile"],
            "admin",
            "admin:complaints_complaint_intake",
        )
        for person in sorted(people, key=lambda person: person.pk)
    ]


def test_a_list_of_nobody_but_oneself_writes_nothing(records_officer, django_assert_num_queries):
    with django_assert_num_queries(0):
        entries = access_log_record_people(
            actor=records_officer, subjects=[records_officer], fields=["mobile"], channel="admin", screen="x"
        )

    assert entries == []
    assert not AccessLogEntry.objects.exists()


def log_read(actor, subject) -> AccessLogEntry:
    return access_log_record(
        actor=actor, subject=subject, record=subject, fields=["mobile"], channel="admin", screen="admin:test"
    )


def test_rows_cannot_be_changed_or_deleted(records_officer, person):
    entry = log_read(records_officer, person)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AccessLogEntry.objects.filter(pk=entry.pk).update(reason="tidied up")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        entry.delete()
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM privacy_accesslogentry")
    assert AccessLogEntry.objects.get(pk=entry.pk).reason == ""


def test_the_admin_offers_no_way_to_change_or_delete_log_rows(client, person, records_officer):
    superuser = UserFactory(is_superuser=True, is_staff=True)
    entry = log_read(records_officer, person)
    client.force_login(superuser)
    assert client.get(reverse("admin:privacy_accesslogentry_delete", args=[entry.pk])).status_code == 403
    response = client.post(reverse("admin:privacy_accesslogentry_change", args=[entry.pk]), {"reason": "x"})
    assert response.status_code == 403
    assert AccessLogEntry.objects.count() == 1


def test_a_learner_sees_their_access_log_and_only_theirs(client, records_officer, person):
    other = LearnerFactory(display_name="别人")
    log_read(records_officer, person)
    someone_else_reads = StaffFactory(display_name="另一位客服")
    log_read(someone_else_reads, other)

    client.force_login(person)
    page = client.get(reverse("privacy:my-data"))
    assert page.status_code == 200
    assert list(page.context["access_page"].object_list) == list(
        AccessLogEntry.objects.filter(subject=person)
    )
    assert records_officer.display_name in page.text
    assert "另一位客服" not in page.text

    api = client.get(reverse("my-access-log")).json()
    assert [row["read_by"] for row in api["results"]] == [records_officer.display_name]


def test_the_access_log_page_costs_the_same_queries_for_1_or_40_rows(client, records_officer, person):
    client.force_login(person)
    log_read(records_officer, person)
    client.get(reverse("privacy:my-data"))  # warm the session
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("privacy:my-data"))
    for _ in range(39):
        log_read(StaffFactory(), person)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("privacy:my-data"))
    assert len(one.captured_queries) == len(many.captured_queries)


def test_the_access_log_api_costs_a_fixed_number_of_queries(
    client, records_officer, person, django_assert_num_queries
):
    for _ in range(30):
        log_read(StaffFactory(), person)
    client.force_login(person)
    client.get(reverse("my-access-log"))  # warm the session
    # session, user, current policy, the page of rows with reader and record kind
    with django_assert_num_queries(4):
        response = client.get(reverse("my-access-log"))
    assert len(response.json()["results"]) == 25


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
