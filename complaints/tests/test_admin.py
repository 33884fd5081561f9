"""The plain admin screens open, and the timeline in them cannot be edited."""

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from accounts.tests.factories import UserFactory
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
