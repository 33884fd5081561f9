"""The queue's actions and the workspace's moves call the services, write the events, and refuse cleanly."""

import datetime
import threading

import pytest
from django.contrib.messages import constants
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from accounts.tests.factories import DepartmentFactory, StaffFactory, UserFactory
from complaints.errors import ConflictOfInterest
from complaints.models import (
    MAX_EXTENSION_DAYS,
    Approval,
    CannedResponse,
    ComplaintEvent,
    EventKind,
    ImprovementAction,
    Severity,
)
from complaints.states import State
from courses.tests.factories import EnrolmentFactory

from .factories import ComplaintFactory

QUEUE = reverse("admin:complaints_complaint_changelist")


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def levels(response) -> list[int]:
    return [message.level for message in response.context["messages"]]


def run_action(client: Client, action: str, complaints, **fields):
    data = {"action": action, "_selected_action": [complaint.pk for complaint in complaints], **fields}
    return client.post(QUEUE, data, follow=True)


def move(client: Client, complaint, action: str, **fields):
    url = reverse("admin:complaints_complaint_workspace", args=[complaint.pk, action])
    return client.post(url, fields, follow=True)


@pytest.mark.django_db
class TestQueueActions:
    def test_claim_acknowledges_and_owns(self, dept_agent, category):
        complaint = ComplaintFactory(category=category)

        response = run_action(logged_in(dept_agent), "claim", [complaint])

        complaint.refresh_from_db()
        assert levels(response) == [constants.SUCCESS]
        assert (complaint.state, complaint.owner) == (State.ACKNOWLEDGED, dept_agent)
        event = ComplaintEvent.objects.get(complaint=complaint)
        assert (event.kind, event.to_state, event.actor) == (
            EventKind.STATE_CHANGE,
            State.ACKNOWLEDGED,
            dept_agent,
        )

    def test_a_bulk_claim_with_one_refusal_changes_nothing(self, dept_agent, category, snapshot):
        fresh = ComplaintFactory(category=category)
        taken = ComplaintFactory(category=category, acknowledged=True)
        untouched = [snapshot(fresh), snapshot(taken)]

        response = run_action(logged_in(dept_agent), "claim", [fresh, taken])

        assert levels(response) == [constants.ERROR]
        for complaint in untouched:
            complaint.assert_unchanged()

    def test_bulk_assign_to_a_department_by_the_supervisor(self, dept_supervisor, category):
        complaints = [ComplaintFactory(category=category) for _ in range(3)]
        finance = DepartmentFactory()
        client = logged_in(dept_supervisor)

        form = run_action(client, "assign", complaints)
        response = run_action(client, "assign", complaints, apply="1", department=finance.pk)

        assert form.status_code == 200 and 'name="department"' in form.text
        assert levels(response) == [constants.SUCCESS]
        for complaint in complaints:
            complaint.refresh_from_db()
            assert complaint.department == finance
            assert ComplaintEvent.objects.get(complaint=complaint).kind == EventKind.ASSIGNMENT

    def test_assign_to_a_person_makes_them_owner(self, leader, category):
        complaint = ComplaintFactory(category=category)
        colleague = StaffFactory(roles=[Role.AGENT])

        run_action(logged_in(leader), "assign", [complaint], apply="1", owner=colleague.pk)

        complaint.refresh_from_db()
        assert (complaint.owner, complaint.department) == (colleague, colleague.department)

    def test_an_agent_may_not_assign_and_nothing_changes(self, dept_agent, category, snapshot):
        complaint = ComplaintFactory(category=category)
        before = snapshot(complaint)

        response = run_action(
            logged_in(dept_agent), "assign", [complaint], apply="1", department=DepartmentFactory().pk
        )

        assert levels(response) == [constants.ERROR]
        before.assert_unchanged()

    def test_request_information_moves_to_awaiting_the_complainant(self, dept_agent, category):
        complaint = ComplaintFactory(category=category, investigating=True)

        response = run_action(
            logged_in(dept_agent), "request_information", [complaint], apply="1", question="请提供缴费凭证。"
        )

        complaint.refresh_from_db()
        assert levels(response) == [constants.SUCCESS]
        assert complaint.state == State.AWAITING_COMPLAINANT
        event = ComplaintEvent.objects.get(complaint=complaint)
        assert (event.kind, event.body, event.is_public) == (
            EventKind.INFORMATION_REQUEST,
            "请提供缴费凭证。",
            True,
        )

    def test_respond_answers_a_complaint_under_investigation(self, dept_agent, category):
        complaint = ComplaintFactory(category=category, investigating=True)

        run_action(logged_in(dept_agent), "respond", [complaint], apply="1", response="已核实并致歉。")

        complaint.refresh_from_db()
        assert complaint.state == State.RESPONDED

    def test_the_person_a_complaint_is_about_is_told_why_they_cannot_claim_it(
        self, department, category, snapshot
    ):
        about = StaffFactory(department=department, roles=[Role.AGENT])
        complaint = ComplaintFactory(category=category, subject_staff=about)
        before = snapshot(complaint)

        response = run_action(logged_in(about), "claim", [complaint])

        assert [(message.level, message.message) for message in response.context["messages"]] == [
            (constants.ERROR, f"{ConflictOfInterest.default_message} 未作任何更改。")
        ]
        before.assert_unchanged()

    def test_a_selection_partly_out_of_the_queue_is_refused_whole(
        self, dept_agent, category, outsider_agent, snapshot
    ):
        mine = ComplaintFactory(category=category)
        elsewhere = ComplaintFactory(category__default_department=outsider_agent.department)
        untouched = [snapshot(mine), snapshot(elsewhere)]

        response = run_action(logged_in(dept_agent), "claim", [mine, elsewhere])

        assert [(message.level, message.message) for message in response.context["messages"]] == [
            (constants.ERROR, "所选投诉中有的不在（或已不在）您的工作队列中。 未作任何更改。")
        ]
        for complaint in untouched:
            complaint.assert_unchanged()

    def test_the_bulk_assign_form_leaves_out_the_people_the_complaints_are_about(
        self, dept_supervisor, department, category, snapshot
    ):
        about = StaffFactory(department=department, roles=[Role.AGENT])
        colleague = StaffFactory(department=department, roles=[Role.AGENT])
        complaints = [
            ComplaintFactory(category=category, subject_staff=about),
            ComplaintFactory(category=category),
        ]
        before = snapshot(complaints[0])
        client = logged_in(dept_supervisor)

        form = run_action(client, "assign", complaints)
        forced = run_action(client, "assign", complaints, apply="1", owner=about.pk)

        choices = [choice.value for choice, _label in form.context["form"].fields["owner"].choices if choice]
        assert colleague.pk in choices and about.pk not in choices
        assert forced.status_code == 200 and list(forced.context["form"].errors) == ["owner"]
        before.assert_unchanged()

    def test_a_manager_has_no_actions_and_a_forced_post_changes_nothing(self, category, snapshot):
        manager = StaffFactory(roles=[Role.MANAGER])
        complaint = ComplaintFactory(category=category)
        before = snapshot(complaint)

        run_action(logged_in(manager), "claim", [complaint])

        before.assert_unchanged()


@pytest.mark.django_db(transaction=True)
def test_two_agents_claiming_at_once_one_wins_and_the_other_is_told(department, category):
    complaint = ComplaintFactory(category=category)
    agents = [StaffFactory(department=department, roles=[Role.AGENT]) for _ in range(2)]
    clients = [logged_in(agent) for agent in agents]
    start = threading.Barrier(2)
    outcomes: dict[int, list[str]] = {}

    def claim(index: int) -> None:
        try:
            start.wait()
            # Read the message from the page: captured template contexts mix across threads.
            page = run_action(clients[index], "claim", [complaint]).text
            outcomes[index] = [tag for tag in ("success", "error") if f'<li class="{tag}">' in page]
        finally:
            connection.close()

    threads = [threading.Thread(target=claim, args=(index,)) for index in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    complaint.refresh_from_db()
    assert sorted(outcomes.values()) == [["error"], ["success"]]
    winner = agents[next(index for index, result in outcomes.items() if result == ["success"])]
    assert (complaint.state, complaint.owner) == (State.ACKNOWLEDGED, winner)
    assert ComplaintEvent.objects.filter(complaint=complaint).count() == 1


@pytest.mark.django_db
class TestWorkspaceMoves:
    def test_only_the_moves_allowed_now_are_offered(self, dept_agent, category):
        complaint = ComplaintFactory(category=category)

        page = logged_in(dept_agent).get(reverse("admin:complaints_complaint_change", args=[complaint.pk]))

        assert 'id="move-acknowledge"' in page.text
        assert 'id="move-notes"' in page.text
        assert 'id="move-reply"' not in page.text  # not before it is acknowledged
        assert 'id="move-approve"' not in page.text

    def test_public_reply_and_internal_note_are_styled_apart(self, dept_agent, category):
        complaint = ComplaintFactory(category=category, acknowledged=True, owner=dept_agent)
        client = logged_in(dept_agent)

        move(client, complaint, "reply", body="您好，我们已受理。")
        page = move(client, complaint, "notes", body="需联系教务核实。")

        kinds = list(ComplaintEvent.objects.filter(complaint=complaint).values_list("kind", "is_public"))
        assert kinds == [(EventKind.PUBLIC_REPLY, True), (EventKind.INTERNAL_NOTE, False)]
        assert page.text.count("timeline-public") == 1
        assert page.text.count("timeline-internal") == 1

    def test_a_move_not_allowed_now_is_refused_even_if_posted(self, dept_agent, category, snapshot):
        complaint = ComplaintFactory(category=category)
        before = snapshot(complaint)

        response = move(logged_in(dept_agent), complaint, "reply", body="越权回复")

        assert levels(response) == [constants.ERROR]
        before.assert_unchanged()

    def test_another_departments_agent_cannot_post_a_move(self, outsider_agent, category, snapshot):
        complaint = ComplaintFactory(category=category)
        before = snapshot(complaint)
        url = reverse("admin:complaints_complaint_workspace", args=[complaint.pk, "notes"])

        response = logged_in(outsider_agent).post(url, {"body": "越权备注"})

        assert response.status_code == 404
        before.assert_unchanged()

    def test_propose_a_resolution_with_a_refund_for_approval_and_leadership_approves(
        self, dept_agent, category
    ):
        complaint = ComplaintFactory(
            category=category, investigating=True, owner=dept_agent, severity=Severity.MAJOR
        )
        leader = StaffFactory(roles=[Role.LEADERSHIP])

        move(
            logged_in(dept_agent),
            complaint,
            "propose-resolution",
            response="退还部分学费。",
            remedy="refund",
            amount="500.00",
        )
        complaint.refresh_from_db()
        assert complaint.state == State.PENDING_APPROVAL
        assert complaint.remedies.get().amount == 500

        page = logged_in(leader).get(reverse("admin:complaints_complaint_change", args=[complaint.pk]))
        assert 'id="move-approve"' in page.text
        move(logged_in(leader), complaint, "approve", reason="同意。")

        complaint.refresh_from_db()
        assert complaint.state == State.RESPONDED
        assert Approval.objects.get(complaint=complaint).decision == Approval.Decision.APPROVED

    @pytest.mark.parametrize("days", [str(MAX_EXTENSION_DAYS + 1), str(2**31)])
    def test_extension_days_past_the_longest_are_refused_next_to_the_field(
        self, dept_agent, category, snapshot, days
    ):
        complaint = ComplaintFactory(category=category, investigating=True, owner=dept_agent)
        enrolment = EnrolmentFactory(learner=complaint.learner)
        before = snapshot(complaint)

        response = move(
            logged_in(dept_agent),
            complaint,
            "propose-resolution",
            response="延长有效期。",
            remedy="validity_extension",
            enrolment=enrolment.pk,
            days=days,
        )

        assert response.status_code == 400
        [proposal] = [move for move in response.context["moves"] if move["name"] == "propose-resolution"]
        form = proposal["form"]
        assert list(form.errors) == ["days"]
        shown = response.text.split('id="move-propose-resolution"')[1].split("</form>")[0]
        assert 'class="errorlist' in shown
        before.assert_unchanged()

    def test_add_an_improvement_action(self, dept_agent, category):
        complaint = ComplaintFactory(category=category, investigating=True, owner=dept_agent)
        due = timezone.localdate() + datetime.timedelta(days=14)

        move(
            logged_in(dept_agent),
            complaint,
            "improvement-actions",
            title="排课提醒制度",
            owner=dept_agent.pk,
            due_date=due.isoformat(),
        )

        action = ImprovementAction.objects.get(complaint=complaint)
        assert (action.title, action.owner, action.due_date) == ("排课提醒制度", dept_agent, due)


@pytest.mark.django_db
def test_canned_responses_are_seeded_offered_in_the_workspace_and_editable(dept_agent, category):
    complaint = ComplaintFactory(category=category, acknowledged=True, owner=dept_agent)
    seeded = CannedResponse.objects.get(title="受理确认")
    CannedResponse.objects.create(title="停用话术", body="不再使用", is_active=False)
    superuser = UserFactory(is_staff=True, is_superuser=True)

    page = logged_in(dept_agent).get(reverse("admin:complaints_complaint_change", args=[complaint.pk]))
    edit = logged_in(superuser).get(reverse("admin:complaints_cannedresponse_change", args=[seeded.pk]))

    assert CannedResponse.objects.filter(is_active=True).count() >= 4
    assert f'<option value="{seeded.body}">{seeded.title}</option>' in page.text
    assert "停用话术" not in page.text
    assert edit.status_code == 200 and 'name="body"' in edit.text
