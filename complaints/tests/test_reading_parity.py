"""One rule for what each reader sees of a complaint: the learner page and the API agree for every role.

For each reader (the complainant, their guardian, a co-learner, staff in each role, and people who may not
see the complaint) and for evidence added by the learner and by staff, the page and the API list the same
events, evidence and remedies, and allow or refuse the same downloads; and what they list is what the rule
says that reader sees, worked out here from the case itself.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.roles import Role
from accounts.tests.factories import GuardianshipFactory, LearnerFactory, StaffFactory
from complaints.models import Complaint, ComplaintEvent, Remedy
from complaints.services import (
    complaint_add_evidence,
    complaint_add_internal_note,
    complaint_add_public_reply,
)

from .api_helpers import PNG, detail_url, logged_in
from .factories import ComplaintFactory, RemedyFactory

pytestmark = pytest.mark.django_db

PARTIES = ("complainant", "guardian", "co_learner")
STAFF = (
    "owner",
    "department_agent",
    "department_supervisor",
    "leadership",
    "manager",
    "legal_counsel",
    "safety_officer",
)
NOBODY = ("another_learner", "agent_of_another_department", "staff_member_complained_about", "instructor")


@pytest.fixture
def case():
    """A child's flagged complaint under investigation, with a co-learner, remedies and all readers."""
    link = GuardianshipFactory()
    co_learner = LearnerFactory()
    complaint = ComplaintFactory(investigating=True, complainant=link.learner, affected=[co_learner])
    department = complaint.department
    about = StaffFactory(department=department, roles=[Role.AGENT])
    Complaint.objects.filter(pk=complaint.pk).update(legal_flag=True, safety_flag=True, subject_staff=about)
    complaint.refresh_from_db()
    readers = {
        "complainant": link.learner,
        "guardian": link.guardian,
        "co_learner": co_learner,
        "owner": complaint.owner,
        "department_agent": StaffFactory(department=department, roles=[Role.AGENT]),
        "department_supervisor": StaffFactory(department=department, roles=[Role.SUPERVISOR]),
        "leadership": StaffFactory(roles=[Role.LEADERSHIP]),
        "manager": StaffFactory(roles=[Role.MANAGER]),
        "legal_counsel": StaffFactory(roles=[Role.LEGAL]),
        "safety_officer": StaffFactory(roles=[Role.SAFETY_OFFICER]),
        "another_learner": LearnerFactory(),
        "agent_of_another_department": StaffFactory(roles=[Role.AGENT]),
        "staff_member_complained_about": about,
        "instructor": StaffFactory(roles=[Role.INSTRUCTOR]),
    }
    complaint_add_public_reply(complaint=complaint, body="我们正在核实排课记录。", actor=complaint.owner)
    complaint_add_internal_note(complaint=complaint, body="内部：讲师说明", actor=complaint.owner)
    remedies = {
        "learner": RemedyFactory(complaint=complaint, learner=complaint.learner, kind=Remedy.Kind.APOLOGY),
        "co_learner": RemedyFactory(complaint=complaint, learner=co_learner, kind=Remedy.Kind.APOLOGY),
        "proposed": RemedyFactory(
            complaint=complaint,
            learner=complaint.learner,
            kind=Remedy.Kind.APOLOGY,
            state=Remedy.State.PROPOSED,
        ),
    }
    return complaint, readers, remedies


def expected_remedies(reader: str, remedies: dict) -> list[int]:
    """The remedies the reader sees: staff all of them; a party those decided for them or their ward."""
    if reader in STAFF:
        return sorted(remedy.pk for remedy in remedies.values())
    own = "co_learner" if reader == "co_learner" else "learner"
    return [remedies[own].pk]


@pytest.mark.parametrize("added_by", ["learner", "staff"])
@pytest.mark.parametrize("reader", [*PARTIES, *STAFF, *NOBODY])
def test_the_page_and_the_api_show_each_reader_the_same_part_of_the_complaint(case, reader, added_by):
    # given evidence added by the learner or by the owner for the investigation
    complaint, readers, remedies = case
    actor = complaint.complainant if added_by == "learner" else complaint.owner
    (attachment,) = complaint_add_evidence(complaint=complaint, files=[png(f"{added_by}.png")], actor=actor)
    client = logged_in(readers[reader])

    # when the reader opens the page and the API, and asks both for the file
    page = client.get(reverse("complaints:detail", args=[complaint.reference]))
    api = client.get(detail_url(complaint))
    page_download = client.get(reverse("complaints:attachment", args=[complaint.reference, attachment.pk]))
    api_download = client.get(f"{detail_url(complaint)}attachments/{attachment.pk}/")

    # then both refuse those who may not see it alike
    if reader in NOBODY:
        assert (page.status_code, api.status_code) == (404, 404)
        assert (page_download.status_code, api_download.status_code) == (404, 404)
        return
    assert (page.status_code, api.status_code) == (200, 200)
    body = api.json()

    # and list the same events, evidence and remedies, which are what the rule gives this reader
    events = [event.pk for event in page.context["timeline"]]
    assert events == [event["id"] for event in body["timeline"]]
    every_event = ComplaintEvent.objects.filter(complaint=complaint).order_by("created_at", "id")
    if reader in STAFF:
        assert events == list(every_event.values_list("pk", flat=True))
    else:
        assert events == list(every_event.filter(is_public=True).values_list("pk", flat=True))
        assert "内部：讲师说明" not in page.text
    assert ("内部：讲师说明" in page.text) is (reader in STAFF)

    listed = [item.pk for item in page.context["attachments"]]
    assert listed == [item["id"] for item in body["attachments"]]
    sees_file = reader in STAFF or added_by == "learner"
    assert listed == ([attachment.pk] if sees_file else [])
    assert (attachment.original_name in page.text) is sees_file

    page_remedies = sorted(remedy.pk for remedy in page.context["remedies"])
    assert page_remedies == sorted(remedy["id"] for remedy in body["remedies"])
    assert page_remedies == expected_remedies(reader, remedies)

    # and allow or refuse the same download
    assert page_download.status_code == api_download.status_code == (200 if sees_file else 404)
    if sees_file:
        assert b"".join(page_download.streaming_content) == PNG
        assert b"".join(api_download.streaming_content) == PNG


def png(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG, content_type="image/png")
