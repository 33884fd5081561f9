"""What the parties read on the learners' pages agrees with what the API gives them: the same evidence,
events and remedies, the same 404s; and what the page tells them (their remedies, where a merged one went)."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.tests.factories import GuardianshipFactory, LearnerFactory
from complaints.models import Remedy
from complaints.services import (
    complaint_add_evidence,
    complaint_add_internal_note,
    complaint_add_public_reply,
)
from courses.tests.factories import EnrolmentFactory

from .api_helpers import PNG, detail_url, logged_in
from .factories import ComplaintFactory, RemedyFactory

pytestmark = pytest.mark.django_db

QUERIES_OF_THE_COMPLAINT_PAGE = 15  # whatever the number of remedies and evidence files
READERS = ("complainant", "guardian", "co_learner", "another_learner")


def png(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG, content_type="image/png")


@pytest.fixture
def case():
    """A child's complaint under investigation, with a co-learner, the child's parent and a stranger."""
    link = GuardianshipFactory()
    co_learner = LearnerFactory()
    complaint = ComplaintFactory(investigating=True, complainant=link.learner, affected=[co_learner])
    readers = {
        "complainant": link.learner,
        "guardian": link.guardian,
        "co_learner": co_learner,
        "another_learner": LearnerFactory(),
    }
    complaint_add_public_reply(complaint=complaint, body="我们正在核实排课记录。", actor=complaint.owner)
    complaint_add_internal_note(complaint=complaint, body="内部：讲师说明", actor=complaint.owner)
    return complaint, readers


def page_and_api(user, complaint):
    client = logged_in(user)
    return (
        client,
        client.get(reverse("complaints:detail", args=[complaint.reference])),
        client.get(detail_url(complaint)),
    )


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize("added_by", ["learner", "staff"])
def test_the_page_lists_and_serves_the_same_evidence_as_the_api(case, reader, added_by):
    complaint, readers = case
    actor = complaint.complainant if added_by == "learner" else complaint.owner
    (attachment,) = complaint_add_evidence(complaint=complaint, files=[png(f"{added_by}.png")], actor=actor)
    user = readers[reader]

    client, page, api = page_and_api(user, complaint)
    page_download = client.get(reverse("complaints:attachment", args=[complaint.reference, attachment.pk]))
    api_download = client.get(f"{detail_url(complaint)}attachments/{attachment.pk}/")

    if reader == "another_learner":
        assert (page.status_code, api.status_code) == (404, 404)
        assert (page_download.status_code, api_download.status_code) == (404, 404)
        return
    shared = added_by == "learner"
    listed = [item.pk for item in page.context["attachments"]]
    assert listed == [item["id"] for item in api.json()["attachments"]]
    assert listed == ([attachment.pk] if shared else [])
    assert (attachment.original_name in page.text) is shared
    assert page_download.status_code == api_download.status_code == (200 if shared else 404)
    if shared:
        assert b"".join(page_download.streaming_content) == PNG


@pytest.mark.parametrize("reader", ["complainant", "guardian", "co_learner"])
def test_the_page_lists_the_same_events_and_remedies_as_the_api(case, reader):
    complaint, readers = case
    co_learner = readers["co_learner"]
    mine = RemedyFactory(complaint=complaint, learner=complaint.learner, kind=Remedy.Kind.APOLOGY)
    theirs = RemedyFactory(complaint=complaint, learner=co_learner, kind=Remedy.Kind.APOLOGY)
    RemedyFactory(
        complaint=complaint, learner=complaint.learner, kind=Remedy.Kind.APOLOGY, state=Remedy.State.PROPOSED
    )
    user = readers[reader]

    _client, page, api = page_and_api(user, complaint)

    events = [event.pk for event in page.context["timeline"]]
    assert events == [event["id"] for event in api.json()["timeline"]]
    assert events and all(event.is_public for event in page.context["timeline"])
    assert "内部：讲师说明" not in page.text
    remedies = [remedy.pk for remedy in page.context["remedies"]]
    assert remedies == [remedy["id"] for remedy in api.json()["remedies"]]
    assert remedies == {"complainant": [mine.pk], "guardian": [mine.pk], "co_learner": [theirs.pk]}[reader]


def test_the_learner_sees_each_remedy_decided_for_them_with_its_amount_days_and_state(client):
    learner = LearnerFactory()
    complaint = ComplaintFactory(responded=True, complainant=learner)
    enrolment = EnrolmentFactory(learner=learner)
    RemedyFactory(complaint=complaint, kind=Remedy.Kind.REFUND, amount=Decimal("350.00"))
    RemedyFactory(complaint=complaint, kind=Remedy.Kind.VALIDITY_EXTENSION, days=45, enrolment=enrolment)
    RemedyFactory(
        complaint=complaint,
        kind=Remedy.Kind.REFUND,
        amount=Decimal("9999.00"),
        state=Remedy.State.CANCELLED,
    )
    client.post(reverse("choose-language"), {"language": "en", "next": "/"})
    client.force_login(learner)

    page = client.get(reverse("complaints:detail", args=[complaint.reference]))

    assert page.status_code == 200
    section = page.text[page.text.index('id="remedies-title"') :]
    assert "Refund" in section and "350.00" in section
    assert "Course validity extension" in section and "45 days" in section
    assert "Approved" in section
    assert "9999.00" not in page.text


def test_the_page_says_which_complaint_a_merged_one_went_into_with_a_link_only_if_visible(client):
    learner = LearnerFactory()
    own_target = ComplaintFactory(acknowledged=True, complainant=learner)
    mine = ComplaintFactory(merged=True, complainant=learner, merged_into=own_target)
    foreign = ComplaintFactory(merged=True, complainant=learner)
    client.force_login(learner)

    page = client.get(reverse("complaints:detail", args=[mine.reference]))
    assert page.context["merged_into"] == own_target
    link = reverse("complaints:detail", args=[own_target.reference])
    assert f'href="{link}"' in page.text

    page = client.get(reverse("complaints:detail", args=[foreign.reference]))
    assert page.context["merged_into"] is None
    assert foreign.merged_into.reference in page.text
    hidden = reverse("complaints:detail", args=[foreign.merged_into.reference])
    assert f'href="{hidden}"' not in page.text
    assert client.get(hidden).status_code == 404


def test_the_complaint_page_costs_the_same_queries_for_one_or_many_remedies_and_files(
    client, django_assert_num_queries
):
    learner = LearnerFactory()
    complaint = ComplaintFactory(responded=True, complainant=learner)

    def add_one(index: int) -> None:
        enrolment = EnrolmentFactory(learner=learner)
        RemedyFactory(complaint=complaint, kind=Remedy.Kind.VALIDITY_EXTENSION, days=10, enrolment=enrolment)
        complaint_add_evidence(complaint=complaint, files=[png(f"{index}.png")], actor=learner)

    add_one(0)
    client.force_login(learner)
    url = reverse("complaints:detail", args=[complaint.reference])
    client.get(url)  # the session and the policy acceptance are read once per session

    with django_assert_num_queries(QUERIES_OF_THE_COMPLAINT_PAGE):
        one = client.get(url)
    for index in range(1, 4):
        add_one(index)
    with django_assert_num_queries(QUERIES_OF_THE_COMPLAINT_PAGE):
        many = client.get(url)

    assert (len(one.context["remedies"]), len(many.context["remedies"])) == (1, 4)
    assert (len(one.context["attachments"]), len(many.context["attachments"])) == (1, 4)
