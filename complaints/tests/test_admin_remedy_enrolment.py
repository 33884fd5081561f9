"""The workspace's resolution form names the enrolment a refund or a validity extension is for: the
complaint's learner's enrolments are offered, the one in the course the complaint is about is chosen already,
and staff can propose an extension from the workspace; a wrong or missing enrolment or days is refused at its
field."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from complaints.models import MAX_EXTENSION_DAYS, Remedy
from complaints.states import State
from courses.tests.factories import EnrolmentFactory

from .factories import ComplaintFactory

pytestmark = pytest.mark.django_db


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def propose(client: Client, complaint, **fields):
    url = reverse("admin:complaints_complaint_workspace", args=[complaint.pk, "propose-resolution"])
    return client.post(url, {"response": "为您延长课程有效期。", **fields}, follow=True)


def proposal_form(response):
    [proposal] = [move for move in response.context["moves"] if move["name"] == "propose-resolution"]
    return proposal["form"]


@pytest.fixture
def investigated(dept_agent, category):
    """A complaint about one of its learner's two courses, which the agent investigates."""
    other_course = EnrolmentFactory()
    complaint = ComplaintFactory(category=category, investigating=True, owner=dept_agent)
    concerned = EnrolmentFactory(learner=complaint.learner)
    EnrolmentFactory(learner=complaint.learner, course=other_course.course)
    complaint.subject_course = concerned.course
    complaint.save(update_fields=["subject_course"])
    return complaint, concerned


def test_the_form_offers_the_learners_enrolments_with_the_complaints_course_chosen(dept_agent, investigated):
    complaint, concerned = investigated
    stranger = EnrolmentFactory()

    page = logged_in(dept_agent).get(reverse("admin:complaints_complaint_change", args=[complaint.pk]))

    html = page.text.split('id="move-propose-resolution"')[1].split("</form>")[0]
    menu = re.search(r'<select name="enrolment"[^>]*>(.*?)</select>', html, re.DOTALL).group(1)
    offered = [int(pk) for pk in re.findall(r'<option value="(\d+)"', menu)]
    assert sorted(offered) == sorted(complaint.learner.enrolments.values_list("pk", flat=True))
    assert stranger.pk not in offered
    assert re.findall(r'<option value="(\d+)"[^>]*selected', menu) == [str(concerned.pk)]
    assert concerned.course.title in menu


def test_staff_propose_a_validity_extension_from_the_workspace(dept_agent, investigated):
    complaint, concerned = investigated
    valid_until = concerned.valid_until

    response = propose(
        logged_in(dept_agent), complaint, remedy="validity_extension", enrolment=concerned.pk, days="30"
    )

    assert response.status_code == 200
    complaint.refresh_from_db()
    assert complaint.state == State.RESPONDED
    remedy = complaint.remedies.get()
    assert (remedy.kind, remedy.enrolment, remedy.days, remedy.learner) == (
        Remedy.Kind.VALIDITY_EXTENSION,
        concerned,
        30,
        complaint.learner,
    )
    concerned.refresh_from_db()
    assert concerned.valid_until == valid_until  # changed when the remedy is carried out, not proposed


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"days": str(2**31)}, "days"),
        ({"days": str(MAX_EXTENSION_DAYS + 1)}, "days"),
        ({"days": "0"}, "days"),
        ({"days": ""}, "days"),
        ({"days": "30", "enrolment": ""}, "enrolment"),
        ({"days": "30", "enrolment": "stranger"}, "enrolment"),
    ],
    ids=["2-to-the-31-days", "past-the-longest", "zero-days", "no-days", "no-enrolment", "another-learners"],
)
def test_a_wrong_extension_is_refused_at_its_field_and_changes_nothing(
    dept_agent, investigated, snapshot, fields, field
):
    complaint, concerned = investigated
    before = snapshot(complaint)
    chosen = {"enrolment": concerned.pk, **fields}
    if chosen["enrolment"] == "stranger":
        chosen["enrolment"] = EnrolmentFactory().pk

    response = propose(logged_in(dept_agent), complaint, remedy="validity_extension", **chosen)

    assert response.status_code == 400
    assert list(proposal_form(response).errors) == [field]
    shown = response.text.split('id="move-propose-resolution"')[1].split("</form>")[0]
    assert 'class="errorlist' in shown
    before.assert_unchanged()
    assert not Remedy.objects.exists()


def test_a_refund_names_its_enrolment_and_is_bounded_by_what_was_paid(dept_agent, investigated, snapshot):
    complaint, concerned = investigated
    before = snapshot(complaint)
    client = logged_in(dept_agent)

    too_much = propose(
        client, complaint, remedy="refund", enrolment=concerned.pk, amount=str(concerned.amount_paid + 1)
    )
    assert "不能超过该报名的实付金额" in too_much.text
    before.assert_unchanged()

    propose(client, complaint, remedy="refund", enrolment=concerned.pk, amount=str(concerned.amount_paid))
    remedy = complaint.remedies.get()
    assert (remedy.kind, remedy.enrolment) == (Remedy.Kind.REFUND, concerned)
    assert remedy.amount == concerned.amount_paid
