"""The reviewers' admin screens and the holder's page: moves, refusals at their fields, reads logged."""

import datetime

import pytest
from django.urls import reverse

from accounts.tests.factories import LearnerFactory, StaffFactory
from notifications.models import Notification
from privacy.models import AccessLogEntry
from qualifications.models import Qualification, State

from .conftest import TODAY, row, scan, submit

pytestmark = pytest.mark.django_db


def _move(qualification, name):
    return reverse("admin:qualifications_qualification_move", args=[qualification.pk, name])


def test_the_reviewer_verifies_from_the_queue_and_the_opening_is_logged(client, mentor, licence, reviewer):
    qualification = submit(mentor, licence)
    client.force_login(reviewer)

    queue = client.get(reverse("admin:qualifications_qualification_changelist"))
    page = client.get(reverse("admin:qualifications_qualification_change", args=[qualification.pk]))
    moved = client.post(_move(qualification, "verify"))

    assert queue.status_code == 200 and str(mentor) in queue.content.decode()
    assert page.status_code == 200
    assert 'id="move-verify"' in page.content.decode() and 'id="move-suspend"' not in page.content.decode()
    assert moved.status_code == 302
    assert row(qualification)["state"] == State.VERIFIED
    logged = AccessLogEntry.objects.get(actor=reviewer)
    assert (logged.subject_id, logged.fields) == (mentor.user_id, ["number"])


def test_a_rejection_without_a_reason_shows_the_error_at_its_field_and_changes_nothing(
    client, mentor, licence, reviewer
):
    qualification = submit(mentor, licence)
    before = row(qualification)
    client.force_login(reviewer)

    refused = client.post(_move(qualification, "reject"), {"reject-reason": ""})

    assert refused.status_code == 400
    assert "errornote" in refused.content.decode()
    assert row(qualification) == before
    assert not Notification.objects.filter(kind="qualification_decided").exists()


def test_the_scan_is_downloaded_by_the_reviewer_and_logged(client, mentor, licence, reviewer):
    qualification = submit(mentor, licence)
    client.force_login(reviewer)

    response = client.get(reverse("admin:qualifications_qualification_scan", args=[qualification.pk]))

    assert response.status_code == 200 and response.content.startswith(b"\x89PNG")
    assert response["Content-Type"] == "image/png" and "no-store" in response["Cache-Control"]
    assert AccessLogEntry.objects.filter(actor=reviewer, fields=["number", "scan"]).count() == 1


@pytest.mark.parametrize("who", ["staff without the permission", "learner"])
def test_others_cannot_open_or_move(client, mentor, licence, who):
    qualification = submit(mentor, licence)
    client.force_login(StaffFactory() if who.startswith("staff") else LearnerFactory())

    answers = [
        client.get(reverse("admin:qualifications_qualification_change", args=[qualification.pk])).status_code,
        client.post(_move(qualification, "verify")).status_code,
        client.get(reverse("admin:qualifications_qualification_scan", args=[qualification.pk])).status_code,
    ]

    assert all(status in {302, 403, 404} for status in answers)
    assert row(qualification)["state"] == State.SUBMITTED
    assert not AccessLogEntry.objects.exists()


def test_the_holder_submits_on_their_page_and_reads_the_result(client, mentor, licence):
    client.force_login(mentor.user)
    key = f"core_testapp.mentor:{mentor.pk}"

    page = client.get(reverse("qualifications:mine"))
    sent = client.post(
        reverse("qualifications:mine"),
        {
            "holder": key,
            f"{key}-kind": licence.pk,
            f"{key}-number": "PSY-9",
            f"{key}-issuer": "人社部",
            f"{key}-valid_from": "2025-01-01",
            f"{key}-valid_until": "2028-12-31",
            f"{key}-scan": scan(),
        },
    )

    assert (
        page.status_code == 200 and "Not qualified" in page.content.decode()
    ) or "未" in page.content.decode()
    assert sent.status_code == 302
    qualification = Qualification.objects.get()
    assert (qualification.number, qualification.valid_until) == ("PSY-9", datetime.date(2028, 12, 31))
    own_scan = client.get(reverse("qualifications:scan", args=[qualification.pk]))
    assert own_scan.status_code == 200 and not AccessLogEntry.objects.exists()


def test_a_bad_submission_shows_the_error_next_to_the_field(client, mentor, licence):
    client.force_login(mentor.user)
    key = f"core_testapp.mentor:{mentor.pk}"

    refused = client.post(
        reverse("qualifications:mine"),
        {
            "holder": key,
            f"{key}-kind": licence.pk,
            f"{key}-number": "PSY-9",
            f"{key}-issuer": "人社部",
            f"{key}-valid_from": "2025-01-01",
            f"{key}-valid_until": (TODAY - datetime.timedelta(days=3)).isoformat(),
            f"{key}-scan": scan(),
        },
    )

    assert refused.status_code == 400
    assert f'id="id_core_testapp.mentor:{mentor.pk}-valid_until_error"' in refused.content.decode()
    assert not Qualification.objects.exists()


def test_another_persons_holder_row_and_scan_are_not_found(client, mentor, licence):
    qualification = submit(mentor, licence)
    client.force_login(LearnerFactory())

    assert client.get(reverse("qualifications:mine")).status_code == 404
    assert client.get(reverse("qualifications:scan", args=[qualification.pk])).status_code == 404
    posted = client.post(reverse("qualifications:mine"), {"holder": f"core_testapp.mentor:{mentor.pk}"})
    assert posted.status_code == 404
    assert Qualification.objects.count() == 1
