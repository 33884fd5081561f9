"""The plain admin screens open, and the timeline in them cannot be edited."""

from urllib.parse import quote

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.urls import reverse

from accounts.tests.factories import UserFactory
from accounts.tests.second_factor import totp_code, totp_device_for
from complaints.services import complaint_acknowledge

from .factories import ComplaintFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_a_complaint_opens_in_the_admin_with_its_timeline_read_only(admin_client, dept_agent, category):
    complaint = complaint_acknowledge(complaint=ComplaintFactory(category=category), actor=dept_agent)

    page = admin_client.get(reverse("admin:complaints_complaint_change", args=[complaint.pk]))

    assert page.status_code == 200
    assert complaint.reference in page.text
    assert page.text.count('class="timeline-event') == 1  # the event is listed
    assert 'name="events-' not in page.text  # shown, not as a form to edit
    assert 'name="_save"' not in page.text  # the complaint changes through the workspace's moves only


@pytest.mark.parametrize(
    "name",
    ["complaint", "category", "complaintrules", "approval", "appeal", "improvementaction"],
)
def test_every_registered_list_opens(admin_client, name):
    ComplaintFactory(responded=True)
    assert admin_client.get(reverse(f"admin:complaints_{name}_changelist")).status_code == 200


QUEUE_BOOKMARK = reverse("admin:complaints_complaint_changelist") + "?queue=mine"


def log_in_through_the_admin(client, user, next_url: str):
    login = reverse("admin:login")
    page = client.get(login, {"next": next_url})
    assert page.status_code == 200 and 'name="password"' in page.text
    return client.post(
        f"{login}?next={quote(next_url)}",
        {"username": user.email, "password": "a-long-test-password", "next": next_url},
    )


def test_a_bookmark_to_the_queue_asks_a_visitor_to_log_in_and_then_opens_it(client, dept_agent):
    device = totp_device_for(dept_agent)
    # given: nobody logged in opens a bookmark to the queue
    answer = client.get(QUEUE_BOOKMARK)

    # then: the log-in page, which remembers where they were going
    assert answer.status_code == 302
    assert answer["Location"] == f"{reverse('admin:login')}?next={quote(QUEUE_BOOKMARK)}"

    # when: they log in there
    logged_in = log_in_through_the_admin(client, dept_agent, QUEUE_BOOKMARK)

    # then: after their app's code, they land on the queue they asked for
    assert (logged_in.status_code, logged_in["Location"]) == (302, QUEUE_BOOKMARK)
    second_step = client.get(QUEUE_BOOKMARK)
    assert second_step.status_code == 302
    assert second_step["Location"] == f"{reverse('second-factor')}?next={quote(QUEUE_BOOKMARK, safe='')}"
    verified = client.post(second_step["Location"], {"code": totp_code(device)})
    assert (verified.status_code, verified["Location"]) == (302, QUEUE_BOOKMARK)
    assert client.get(QUEUE_BOOKMARK).status_code == 200


def test_after_the_session_expired_the_admin_asks_to_log_in_again(client, dept_agent):
    client.force_login(dept_agent)
    Session.objects.all().delete()  # the session ended on the server (expired, or cleared)

    answer = client.get(reverse("admin:index"))
    login = client.get(answer["Location"])

    assert answer.status_code == 302 and answer["Location"].startswith(reverse("admin:login"))
    assert login.status_code == 200 and 'name="username"' in login.text
    logged_in = log_in_through_the_admin(client, dept_agent, reverse("admin:index"))
    assert (logged_in.status_code, logged_in["Location"]) == (302, reverse("admin:index"))


def test_a_complaints_history_page_lists_its_log_entries(admin_client):
    complaint = ComplaintFactory()
    LogEntry.objects.create(
        user=UserFactory(is_staff=True),
        content_type=ContentType.objects.get_for_model(complaint),
        object_id=str(complaint.pk),
        object_repr=complaint.reference,
        action_flag=CHANGE,
        change_message="Severity raised after a phone call",
    )

    page = admin_client.get(reverse("admin:complaints_complaint_history", args=[complaint.pk]))

    assert page.status_code == 200
    assert "Severity raised after a phone call" in page.text
