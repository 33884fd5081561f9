"""Every complaint action through the API: what the service wrote on success, and nothing on a refusal."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.roles import Role
from accounts.services import user_add_role
from accounts.tests.factories import DepartmentFactory, LearnerFactory, StaffFactory
from complaints.api.permitted import ACTION_NAMES
from complaints.models import (
    MAX_EXTENSION_DAYS,
    AffectedLearner,
    Appeal,
    Approval,
    Attachment,
    Complaint,
    ComplaintEvent,
    EventKind,
    ImprovementAction,
    Remedy,
    Severity,
)
from complaints.states import State
from notifications.models import Notification
from privacy.models import AccessLogEntry

from .api_helpers import PNG, action_url, detail_url, files_under, logged_in, post_json
from .factories import ComplaintFactory, EnrolmentFactory, RemedyFactory

pytestmark = pytest.mark.django_db


def make(category, learner, **traits) -> Complaint:
    return ComplaintFactory(category=category, complainant=learner, **traits)


def last_event(complaint) -> ComplaintEvent:
    return ComplaintEvent.objects.filter(complaint=complaint).latest("created_at", "id")


def act(user, complaint, action, data=None):
    return post_json(logged_in(user), action_url(complaint, action), data)


# --- Taking a complaint on and routing it -----------------------------------------------------------------


def test_acknowledge_makes_the_actor_owner_and_tells_the_complainant(category, learner, dept_agent):
    complaint = make(category, learner)

    response = act(dept_agent, complaint, "acknowledge")

    assert response.status_code == 200
    body = response.json()
    assert (body["state"], body["owner"]["id"]) == ("acknowledged", dept_agent.pk)
    assert "start-investigation" in body["available_actions"]
    assert "acknowledge" not in body["available_actions"]
    complaint.refresh_from_db()
    assert (complaint.state, complaint.owner) == (State.ACKNOWLEDGED, dept_agent)
    assert last_event(complaint).to_state == State.ACKNOWLEDGED
    assert Notification.objects.filter(recipient=learner).exists()


def test_start_investigation(category, learner):
    complaint = make(category, learner, acknowledged=True)

    response = act(complaint.owner, complaint, "start-investigation")

    assert response.json()["state"] == "investigating"
    assert last_event(complaint).to_state == State.INVESTIGATING


def test_a_supervisor_assigns_to_a_colleague(category, learner, dept_supervisor, dept_agent):
    complaint = make(category, learner, investigating=True)

    response = act(dept_supervisor, complaint, "assign", {"owner": dept_agent.pk})

    assert response.status_code == 200
    assert response.json()["owner"]["id"] == dept_agent.pk
    assert last_event(complaint).kind == EventKind.ASSIGNMENT


def test_assigning_out_of_ones_sight_answers_204(category, learner, dept_supervisor):
    complaint = make(category, learner, investigating=True)
    elsewhere = DepartmentFactory()

    response = act(dept_supervisor, complaint, "assign", {"department": elsewhere.code})

    assert response.status_code == 204
    complaint.refresh_from_db()
    assert complaint.department == elsewhere


def test_the_owner_delegates_to_a_colleague_who_can_then_act(category, learner, outsider_agent):
    complaint = make(category, learner, investigating=True)

    response = act(complaint.owner, complaint, "delegate", {"colleague": outsider_agent.pk})
    note = act(outsider_agent, complaint, "notes", {"body": "协助调查"})

    assert response.status_code == 200
    assert ComplaintEvent.objects.filter(complaint=complaint, kind=EventKind.DELEGATION).exists()
    assert note.status_code == 200
    assert last_event(complaint).actor == outsider_agent


# --- Talking with the complainant --------------------------------------------------------------------------


def test_a_public_reply_reaches_the_complainants_timeline(category, learner):
    complaint = make(category, learner, acknowledged=True)

    response = act(complaint.owner, complaint, "reply", {"body": "您好，我们正在核实。"})

    assert response.status_code == 200
    event = last_event(complaint)
    assert (event.kind, event.is_public, event.body) == (EventKind.PUBLIC_REPLY, True, "您好，我们正在核实。")
    complaint.refresh_from_db()
    assert complaint.first_responded_at is not None
    seen = logged_in(learner).get(detail_url(complaint)).json()["timeline"]
    assert [item["body"] for item in seen] == ["您好，我们正在核实。"]


def test_an_internal_note_stays_off_the_complainants_timeline(category, learner):
    complaint = make(category, learner, investigating=True)

    response = act(complaint.owner, complaint, "notes", {"body": "与授课老师核对考勤"})

    assert [item["body"] for item in response.json()["timeline"]] == ["与授课老师核对考勤"]
    assert last_event(complaint).is_public is False
    assert logged_in(learner).get(detail_url(complaint)).json()["timeline"] == []


def test_request_information_then_the_complainant_replies(category, learner):
    complaint = make(category, learner, investigating=True)

    asked = act(complaint.owner, complaint, "request-information", {"question": "请提供缴费凭证。"})
    answered = act(learner, complaint, "complainant-reply", {"body": "凭证已上传。"})

    assert asked.json()["state"] == "awaiting_complainant"
    assert answered.status_code == 200
    assert answered.json()["state"] == "investigating"
    event = last_event(complaint)
    assert (event.kind, event.actor, event.is_public) == (EventKind.COMPLAINANT_REPLY, learner, True)


# --- Severity and flags ------------------------------------------------------------------------------------


def test_severity_changes_with_a_reason(category, learner):
    complaint = make(category, learner, investigating=True)

    response = act(
        complaint.owner, complaint, "severity", {"severity": "important", "reason": "涉及多名学员"}
    )

    assert response.json()["severity"] == "important"
    assert last_event(complaint).kind == EventKind.SEVERITY_CHANGE


def test_raising_the_legal_flag_makes_the_complaint_major(category, learner):
    complaint = make(category, learner, investigating=True)

    response = act(
        complaint.owner, complaint, "flags", {"flag": "legal_flag", "value": True, "reason": "学员称将起诉"}
    )

    assert response.status_code == 200
    complaint.refresh_from_db()
    assert (complaint.legal_flag, complaint.severity) == (True, Severity.MAJOR)


# --- Resolution and approval -------------------------------------------------------------------------------


def test_a_resolution_with_remedies_per_affected_learner(category, learner):
    classmate = LearnerFactory()
    complaint = make(category, learner, investigating=True, affected=[classmate])
    enrolment = EnrolmentFactory(learner=learner)

    response = act(
        complaint.owner,
        complaint,
        "propose-resolution",
        {
            "response": "经核实，同意部分退费并致歉。",
            "remedies": [
                {"learner": learner.pk, "kind": "refund", "amount": "300.00", "enrolment": enrolment.pk},
                {"learner": classmate.pk, "kind": "apology", "note": "书面致歉"},
            ],
        },
    )

    assert response.status_code == 200
    assert response.json()["state"] == "responded"
    remedies = Remedy.objects.filter(complaint=complaint).order_by("id")
    assert [(r.learner, r.kind, r.amount, r.state) for r in remedies] == [
        (learner, "refund", Decimal("300.00"), "approved"),
        (classmate, "apology", None, "approved"),
    ]
    assert [r["learner"]["id"] for r in response.json()["remedies"]] == [learner.pk, classmate.pk]
    # each learner reads the remedy decided for them, not their classmate's
    own = logged_in(learner).get(detail_url(complaint)).json()["remedies"]
    assert [(r["kind"], r["amount"]) for r in own] == [("refund", "300.00")]


def test_a_major_complaints_resolution_waits_for_approval(category, learner):
    complaint = make(category, learner, investigating=True, major=True)

    response = act(complaint.owner, complaint, "propose-resolution", {"response": "拟同意退费。"})

    assert response.json()["state"] == "pending_approval"
    assert Approval.objects.get(complaint=complaint).decision == Approval.Decision.PENDING


def test_respond_without_remedies(category, learner):
    complaint = make(category, learner, investigating=True)

    response = act(complaint.owner, complaint, "respond", {"response": "已与老师沟通，今后按时上课。"})

    assert response.json()["state"] == "responded"
    assert last_event(complaint).body == "已与老师沟通，今后按时上课。"


def test_leadership_approves_the_pending_resolution(category, learner, leader):
    complaint = make(category, learner, pending_approval=True)

    response = act(leader, complaint, "approve", {"reason": "同意"})

    assert response.json()["state"] == "responded"
    approval = Approval.objects.get(complaint=complaint)
    assert (approval.decision, approval.decided_by) == (Approval.Decision.APPROVED, leader)


def test_leadership_returns_the_pending_resolution(category, learner, leader):
    complaint = make(category, learner, pending_approval=True)

    response = act(leader, complaint, "return", {"reason": "退费金额依据不足"})

    assert response.json()["state"] == "investigating"
    assert Approval.objects.get(complaint=complaint).decision == Approval.Decision.RETURNED


def test_an_approved_validity_extension_is_carried_out(category, learner, dept_agent):
    complaint = make(category, learner, responded=True)
    remedy = RemedyFactory(complaint=complaint, extension=True)
    valid_until = remedy.enrolment.valid_until

    response = post_json(logged_in(dept_agent), f"/api/v1/remedies/{remedy.pk}/carry-out/")

    assert response.status_code == 200
    remedy.refresh_from_db()
    remedy.enrolment.refresh_from_db()
    assert remedy.state == Remedy.State.CARRIED_OUT
    assert remedy.enrolment.valid_until == valid_until + datetime.timedelta(days=30)
    assert [r["state"] for r in response.json()["remedies"]] == ["carried_out"]


def test_a_remedy_of_someone_elses_complaint_is_404(category, learner):
    remedy = RemedyFactory(complaint=make(category, learner, responded=True))

    response = post_json(logged_in(LearnerFactory()), f"/api/v1/remedies/{remedy.pk}/carry-out/")

    assert response.status_code == 404
    remedy.refresh_from_db()
    assert remedy.state == Remedy.State.APPROVED


# --- The complainant's answer, appeals ---------------------------------------------------------------------


def test_the_complainant_confirms_satisfaction(category, learner):
    complaint = make(category, learner, responded=True)

    response = act(learner, complaint, "satisfaction", {"rating": 4, "comment": "处理及时"})

    assert response.json()["state"] == "closed"
    complaint.refresh_from_db()
    assert (complaint.satisfaction_rating, complaint.satisfaction_comment) == (4, "处理及时")


def test_the_complainant_appeals(category, learner):
    complaint = make(category, learner, responded=True)

    response = act(learner, complaint, "appeal", {"reason": "退费金额不合理"})

    assert response.json()["state"] == "appealed"
    assert response.json()["appeal"]["reason"] == "退费金额不合理"
    assert Appeal.objects.get(complaint=complaint).filed_by == learner


def test_an_independent_reviewer_upholds_the_response(category, learner, leader):
    complaint = make(category, learner, appealed=True)

    response = act(leader, complaint, "review-appeal", {"decision": "upheld", "reason": "原处理结果合理"})

    assert response.json()["state"] == "closed"
    appeal = Appeal.objects.get(complaint=complaint)
    assert (appeal.decision, appeal.reviewer) == (Appeal.Decision.UPHELD, leader)


def test_the_owner_cannot_review_the_appeal_403(category, learner, snapshot):
    complaint = make(category, learner, appealed=True)
    owner = complaint.owner
    user_add_role(user=owner, role=Role.SUPERVISOR)  # a reviewer's role, but they handled the complaint
    before = snapshot(complaint)

    response = act(owner, complaint, "review-appeal", {"decision": "revised", "reason": "改判"})

    assert response.status_code == 403
    assert response.json()["code"] == "reviewer_not_independent"
    before.assert_unchanged()


# --- Ending early -----------------------------------------------------------------------------------------


def test_reject_as_out_of_scope(category, learner, dept_agent):
    complaint = make(category, learner)

    response = act(dept_agent, complaint, "reject", {"reason": "不属于本机构受理范围"})

    assert response.json()["state"] == "rejected"
    assert last_event(complaint).body == "不属于本机构受理范围"


def test_merge_into_the_complaint_about_the_same_matter(category, learner, dept_agent):
    target = make(category, learner, acknowledged=True)
    duplicate = make(category, learner)

    response = act(dept_agent, duplicate, "merge", {"into": target.reference})

    assert response.json()["state"] == "merged"
    assert response.json()["merged_into"] == target.reference
    assert ComplaintEvent.objects.filter(complaint=target, kind=EventKind.MERGE).exists()


def test_merge_into_a_complaint_one_cannot_see_is_a_field_error(category, learner, dept_agent, snapshot):
    duplicate = make(category, learner)
    elsewhere = ComplaintFactory(complainant=learner)  # another department's complaint
    before = snapshot(duplicate)

    response = act(dept_agent, duplicate, "merge", {"into": elsewhere.reference})

    assert response.status_code == 400
    assert list(response.json()) == ["into"]
    before.assert_unchanged()


def test_the_complainant_withdraws(category, learner):
    complaint = make(category, learner, investigating=True)

    response = act(learner, complaint, "withdraw", {"reason": "问题已私下解决"})

    assert response.json()["state"] == "withdrawn"
    assert last_event(complaint).to_state == State.WITHDRAWN


# --- Evidence, affected learners, improvement actions ---------------------------------------------------


def test_the_complainant_adds_evidence(category, learner, media_root):
    complaint = make(category, learner, investigating=True)

    response = logged_in(learner).post(
        action_url(complaint, "evidence"), {"attachments": [SimpleUploadedFile("收据.png", PNG)]}
    )

    assert response.status_code == 200
    attachment = Attachment.objects.get(complaint=complaint)
    assert [item["id"] for item in response.json()["attachments"]] == [attachment.pk]
    event = last_event(complaint)
    assert (event.kind, event.is_public, event.data["attachments"]) == (
        EventKind.EVIDENCE_ADDED,
        True,
        [attachment.pk],
    )


def test_evidence_of_the_wrong_type_is_refused_and_nothing_is_stored(category, learner, media_root, snapshot):
    complaint = make(category, learner, investigating=True)
    before = snapshot(complaint)

    response = logged_in(learner).post(
        action_url(complaint, "evidence"),
        {"attachments": [SimpleUploadedFile("scan.pdf", b"not a pdf at all")]},
    )

    assert response.status_code == 400
    assert response.json()["code"] == "file_type_not_allowed"
    assert "attachments" in response.json()
    before.assert_unchanged()
    assert not Attachment.objects.exists()
    assert files_under(media_root) == []


def test_enough_affected_learners_make_a_group_complaint(category, learner, dept_agent, settings):
    complaint = make(category, learner, investigating=True)
    classmates = [LearnerFactory() for _ in range(9)]

    response = act(dept_agent, complaint, "affected-learners", {"learners": [c.pk for c in classmates]})

    assert response.status_code == 200
    assert AffectedLearner.objects.filter(complaint=complaint).count() == 10
    assert response.json()["severity"] == "major"
    assert response.json()["affected_learner_count"] == 10


def test_an_improvement_action_is_added_and_completed(category, learner, dept_agent):
    complaint = make(category, learner, responded=True)
    due = timezone.localdate() + datetime.timedelta(days=14)

    added = act(
        dept_agent,
        complaint,
        "improvement-actions",
        {"title": "完善教师考勤制度", "owner": dept_agent.pk, "due_date": due.isoformat()},
    )
    action = ImprovementAction.objects.get(complaint=complaint)
    completed = post_json(logged_in(dept_agent), f"/api/v1/improvement-actions/{action.pk}/complete/")

    assert added.status_code == 200
    assert [item["title"] for item in added.json()["improvement_actions"]] == ["完善教师考勤制度"]
    assert completed.status_code == 200
    action.refresh_from_db()
    assert action.state == ImprovementAction.State.DONE
    assert completed.json()["improvement_actions"][0]["state"] == "done"
    # improvement actions are internal follow-up
    assert logged_in(learner).get(detail_url(complaint)).json()["improvement_actions"] == []


def test_a_complainant_cannot_complete_an_improvement_action_404(category, learner, dept_agent):
    complaint = make(category, learner, responded=True)
    action = ImprovementAction.objects.create(
        complaint=complaint,
        title="整改",
        owner=dept_agent,
        department=complaint.department,
        due_date=timezone.localdate(),
        created_by=dept_agent,
    )

    response = post_json(logged_in(learner), f"/api/v1/improvement-actions/{action.pk}/complete/")

    assert response.status_code == 404
    action.refresh_from_db()
    assert action.state == ImprovementAction.State.OPEN


# --- Refusals change nothing ---------------------------------------------------------------------------


def test_a_forbidden_transition_is_409_and_changes_nothing(category, learner, snapshot):
    complaint = make(category, learner, investigating=True)
    before = snapshot(complaint)

    response = act(complaint.owner, complaint, "acknowledge")

    assert response.status_code == 409
    body = response.json()
    assert set(body) == {"code", "detail"}
    assert body["code"] == "transition_not_allowed"
    before.assert_unchanged()


def test_responding_to_a_complaint_not_yet_investigated_is_409(category, learner, dept_agent, snapshot):
    complaint = make(category, learner)
    before = snapshot(complaint)

    response = act(dept_agent, complaint, "respond", {"response": "已处理"})

    assert response.status_code == 409
    before.assert_unchanged()


def test_bad_input_answers_per_field_and_changes_nothing(category, learner, snapshot):
    complaint = make(category, learner, investigating=True)
    before = snapshot(complaint)

    response = act(complaint.owner, complaint, "severity", {"severity": "catastrophic"})

    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"severity", "reason"}
    assert all(isinstance(messages, list) and messages for messages in body.values())
    before.assert_unchanged()


def test_a_nested_remedy_error_points_at_the_remedy(category, learner, snapshot):
    complaint = make(category, learner, investigating=True)
    before = snapshot(complaint)

    response = act(
        complaint.owner,
        complaint,
        "propose-resolution",
        {"response": "同意", "remedies": [{"learner": learner.pk, "kind": "cash"}]},
    )

    assert response.status_code == 400
    assert list(response.json()["remedies"]["0"]) == ["kind"]  # DRF keys list errors by position
    before.assert_unchanged()


@pytest.mark.parametrize("days", [0, MAX_EXTENSION_DAYS + 1, 2**31, 2**63])
def test_extension_days_out_of_bounds_are_a_field_error(category, learner, snapshot, days):
    complaint = make(category, learner, investigating=True)
    enrolment = EnrolmentFactory(learner=learner)
    before = snapshot(complaint)
    extension = {"learner": learner.pk, "kind": "validity_extension", "days": days, "enrolment": enrolment.pk}

    response = act(
        complaint.owner, complaint, "propose-resolution", {"response": "延期", "remedies": [extension]}
    )

    assert response.status_code == 400
    assert list(response.json()) == ["remedies"]
    assert list(response.json()["remedies"]["0"]) == ["days"]
    before.assert_unchanged()


def test_a_refund_without_an_enrolment_above_the_ceiling_is_refused_on_the_remedies(
    category, learner, snapshot
):
    complaint = make(category, learner, investigating=True)
    before = snapshot(complaint)
    refund = {"learner": learner.pk, "kind": "refund", "amount": "50000.01"}

    response = act(
        complaint.owner, complaint, "propose-resolution", {"response": "退费", "remedies": [refund]}
    )

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "refund_exceeds_ceiling"
    assert body["remedies"] == [body["detail"]]
    assert "50000.00" in body["detail"]
    before.assert_unchanged()


def test_a_rule_refusal_names_its_field_and_changes_nothing(category, learner, snapshot):
    complaint = make(category, learner, investigating=True)
    stranger = LearnerFactory()
    before = snapshot(complaint)

    response = act(
        complaint.owner,
        complaint,
        "propose-resolution",
        {"response": "同意退费", "remedies": [{"learner": stranger.pk, "kind": "refund", "amount": "100"}]},
    )

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "learner_not_affected"
    assert body["remedies"] == [body["detail"]]
    before.assert_unchanged()


def test_a_rating_out_of_range_is_a_field_error(category, learner, snapshot):
    complaint = make(category, learner, responded=True)
    before = snapshot(complaint)

    response = act(learner, complaint, "satisfaction", {"rating": 9})

    assert response.status_code == 400
    assert list(response.json()) == ["rating"]
    before.assert_unchanged()


def test_approval_by_the_proposer_is_refused(category, learner, snapshot):
    complaint = make(category, learner, pending_approval=True)
    proposer = complaint.owner
    user_add_role(user=proposer, role=Role.LEADERSHIP)
    before = snapshot(complaint)

    response = act(proposer, complaint, "approve")

    assert response.status_code == 400
    assert response.json() == {"code": "approver_is_requester", "detail": response.json()["detail"]}
    before.assert_unchanged()


def test_a_complainant_cannot_take_staff_actions(category, learner, snapshot):
    complaint = make(category, learner)
    before = snapshot(complaint)

    response = act(learner, complaint, "acknowledge")

    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    before.assert_unchanged()


def test_staff_cannot_withdraw_for_the_complainant(category, learner, snapshot):
    complaint = make(category, learner, investigating=True)
    before = snapshot(complaint)

    response = act(complaint.owner, complaint, "withdraw")

    assert response.status_code == 403
    before.assert_unchanged()


def test_an_action_answer_to_staff_is_logged_as_a_read(category, learner, dept_agent):
    complaint = make(category, learner)

    act(dept_agent, complaint, "acknowledge")
    act(learner, complaint, "evidence", None)  # refused input: no read, no row

    entry = AccessLogEntry.objects.get()
    assert (entry.actor, entry.subject, entry.screen) == (dept_agent, learner, "api:complaint-acknowledge")


def test_every_action_is_routed(category, learner):
    complaint = make(category, learner)
    client = logged_in(StaffFactory(roles=[Role.AGENT]))  # sees nothing

    statuses = {name: post_json(client, action_url(complaint, name)).status_code for name in ACTION_NAMES}

    assert set(statuses.values()) == {404}
