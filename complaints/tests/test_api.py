"""The complaint API: listing, filing, reading, evidence downloads, who reaches what, and the error shapes."""

import jsonschema
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client

from accounts.models import User
from accounts.roles import Role
from accounts.services import user_add_role
from accounts.tests.factories import GuardianshipFactory, LearnerFactory, ParentFactory, StaffFactory
from complaints.models import Attachment, Channel, Complaint, ComplaintEvent, EventKind
from complaints.services import complaint_add_evidence, complaint_add_internal_note, complaint_delegate
from complaints.states import State
from privacy.models import AccessLogEntry

from .api_helpers import PNG, action_url, detail_url, files_under, logged_in, post_json
from .factories import CategoryFactory, ComplaintFactory

pytestmark = pytest.mark.django_db

LIST_URL = "/api/v1/complaints/"


@pytest.fixture
def complaint(category, learner):
    return ComplaintFactory(category=category, complainant=learner)


# --- Listing ----------------------------------------------------------------------------------------------


def test_a_learner_lists_their_own_and_their_childrens_complaints_only(category):
    guardianship = GuardianshipFactory()
    parent, child = guardianship.guardian, guardianship.learner
    own = ComplaintFactory(category=category, complainant=child)
    filed_by_parent = ComplaintFactory(category=category, complainant=parent, learner=child)
    ComplaintFactory(category=category)  # someone else's

    child_list = logged_in(child).get(LIST_URL).json()
    parent_list = logged_in(parent).get(LIST_URL).json()

    assert {row["reference"] for row in child_list["results"]} == {own.reference, filed_by_parent.reference}
    assert {row["reference"] for row in parent_list["results"]} == {own.reference, filed_by_parent.reference}


def test_staff_list_follows_the_access_policy(category, dept_agent, outsider_agent):
    in_department = ComplaintFactory(category=category)
    ComplaintFactory()  # routed to another department

    mine = logged_in(dept_agent).get(LIST_URL).json()["results"]
    theirs = logged_in(outsider_agent).get(LIST_URL).json()["results"]

    assert [row["reference"] for row in mine] == [in_department.reference]
    assert theirs == []


def test_the_list_filters_by_state_and_refuses_an_unknown_state(category, learner):
    submitted = ComplaintFactory(category=category, complainant=learner)
    ComplaintFactory(category=category, complainant=learner, investigating=True)
    client = logged_in(learner)

    filtered = client.get(LIST_URL, {"state": "submitted"})
    unknown = client.get(LIST_URL, {"state": "lost"})

    assert [row["reference"] for row in filtered.json()["results"]] == [submitted.reference]
    assert unknown.status_code == 400
    assert list(unknown.json()) == ["state"]


def test_the_list_is_newest_first_and_pages_with_a_cursor(category, learner):
    complaints = [ComplaintFactory(category=category, complainant=learner) for _ in range(3)]
    client = logged_in(learner)

    first = client.get(LIST_URL, {"page_size": 2}).json()
    second = client.get(first["next"]).json()

    newest_first = sorted(complaints, key=lambda c: (c.created_at, c.id), reverse=True)
    seen = [row["reference"] for row in first["results"] + second["results"]]
    assert seen == [c.reference for c in newest_first]
    assert second["next"] is None


@pytest.mark.parametrize("rows", [1, 25])
def test_a_learners_list_costs_the_same_queries_whatever_the_page_size(
    rows, category, learner, django_assert_num_queries
):
    for _ in range(rows):
        ComplaintFactory(category=category, complainant=learner, investigating=True)
    client = logged_in(learner)
    client.get(LIST_URL)  # the first request records the policy acceptance in the session

    # session, user, the current policy version, the user's roles, their reach and grants, the page
    with django_assert_num_queries(7):
        response = client.get(LIST_URL)

    assert len(response.json()["results"]) == rows


@pytest.mark.parametrize("rows", [1, 25])
def test_a_staff_list_costs_the_same_queries_whatever_the_page_size(
    rows, category, dept_agent, django_assert_num_queries
):
    for _ in range(rows):
        ComplaintFactory(category=category, acknowledged=True)
    client = logged_in(dept_agent)
    client.get(LIST_URL)

    # session, user, the second factor's device, privacy policy, roles, the reader's reach and grants, the
    # page, and the access-log rows of the complaints shown (one INSERT)
    with django_assert_num_queries(9):
        response = client.get(LIST_URL)

    assert len(response.json()["results"]) == rows


def test_categories_lists_the_active_ones(category):
    CategoryFactory(is_active=False, code="retired")

    response = logged_in(LearnerFactory()).get("/api/v1/categories/")

    codes = [row["code"] for row in response.json()["results"]]
    assert category.code in codes
    assert "retired" not in codes


def test_an_anonymous_visitor_gets_403_with_a_code():
    response = post_json(Client(), LIST_URL)

    assert response.status_code == 403
    assert response.json()["code"] == "not_authenticated"


# --- Filing -----------------------------------------------------------------------------------------------


def test_a_learner_files_on_the_web(category, learner):
    response = post_json(
        logged_in(learner),
        LIST_URL,
        {"category": category.code, "title": "退费迟迟未到账", "description": "申请退费已一个月。"},
    )

    assert response.status_code == 201
    complaint = Complaint.objects.get(reference=response.json()["reference"])
    assert (complaint.complainant, complaint.learner, complaint.filed_by) == (learner, learner, learner)
    assert complaint.channel == Channel.WEB
    assert complaint.department == category.default_department
    assert ComplaintEvent.objects.get(complaint=complaint).to_state == State.SUBMITTED


def test_a_learner_files_with_evidence_as_multipart(category, learner, media_root):
    response = logged_in(learner).post(
        LIST_URL,
        {
            "category": category.code,
            "title": "课程内容与宣传不符",
            "description": "截图见附件。",
            "attachments": [SimpleUploadedFile("截图.png", PNG, content_type="image/png")],
        },
    )

    assert response.status_code == 201
    complaint = Complaint.objects.get(reference=response.json()["reference"])
    attachment = complaint.attachments.get()
    assert (attachment.original_name, attachment.content_type) == ("截图.png", "image/png")
    assert len(files_under(media_root)) == 1


def test_a_parent_files_for_their_child(category):
    guardianship = GuardianshipFactory()

    response = post_json(
        logged_in(guardianship.guardian),
        LIST_URL,
        {
            "category": category.code,
            "title": "孩子被罚站",
            "description": "班主任体罚。",
            "learner": guardianship.learner.pk,
        },
    )

    assert response.status_code == 201
    complaint = Complaint.objects.get(reference=response.json()["reference"])
    assert (complaint.complainant, complaint.learner) == (guardianship.guardian, guardianship.learner)


def test_staff_log_a_phone_complaint_on_a_learners_behalf(category, dept_agent, learner):
    response = post_json(
        logged_in(dept_agent),
        LIST_URL,
        {
            "category": category.code,
            "title": "电话投诉：教室空调坏了",
            "description": "来电反映。",
            "channel": "phone",
            "complainant": learner.pk,
        },
    )

    assert response.status_code == 201
    complaint = Complaint.objects.get(reference=response.json()["reference"])
    assert (complaint.complainant, complaint.filed_by, complaint.channel) == (learner, dept_agent, "phone")


def test_a_learner_cannot_log_a_phone_complaint(category, learner):
    response = post_json(
        logged_in(learner),
        LIST_URL,
        {"category": category.code, "title": "标题", "description": "内容", "channel": "phone"},
    )

    assert response.status_code == 400
    assert response.json()["code"] == "channel_needs_staff"
    assert response.json()["channel"] == [response.json()["detail"]]
    assert not Complaint.objects.exists()


def test_filing_with_missing_fields_answers_per_field_and_files_nothing(category, learner):
    response = post_json(logged_in(learner), LIST_URL, {"category": "no-such-category", "description": ""})

    assert response.status_code == 400
    assert set(response.json()) == {"category", "title", "description"}
    assert all(isinstance(messages, list) for messages in response.json().values())
    assert not Complaint.objects.exists()


@pytest.mark.parametrize("field", ["title", "description"])
def test_a_text_direction_control_is_a_field_error_and_files_nothing(category, learner, field):
    filing = {"category": category.code, "title": "退费迟迟未到账", "description": "申请退费已一个月。"}
    filing[field] = "\u202e" + filing[field]

    response = post_json(logged_in(learner), LIST_URL, filing)

    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert not Complaint.objects.exists()
    assert not ComplaintEvent.objects.exists()


def test_a_file_that_is_not_what_its_name_says_files_nothing(category, learner, media_root):
    response = logged_in(learner).post(
        LIST_URL,
        {
            "category": category.code,
            "title": "收据",
            "description": "见附件。",
            "attachments": [
                SimpleUploadedFile("receipt.png", PNG, content_type="image/png"),
                SimpleUploadedFile("收据.pdf", b"just some plain text", content_type="application/pdf"),
            ],
        },
    )

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "file_type_not_allowed"
    assert body["attachments"] == [body["detail"]]
    assert not Complaint.objects.exists()
    assert not ComplaintEvent.objects.exists()
    assert not Attachment.objects.exists()
    assert files_under(media_root) == []


# --- Reading one complaint ---------------------------------------------------------------------------------


def test_the_complainant_reads_the_public_timeline_and_their_actions(complaint, learner, dept_agent):
    complaint_add_internal_note(complaint=complaint, body="内部：疑似重复投诉", actor=dept_agent)
    ComplaintEvent.objects.create(
        complaint=complaint, kind=EventKind.PUBLIC_REPLY, is_public=True, actor=dept_agent, body="已收到"
    )

    body = logged_in(learner).get(detail_url(complaint)).json()

    assert body["reference"] == complaint.reference
    assert [event["body"] for event in body["timeline"]] == ["已收到"]
    assert body["available_actions"] == ["withdraw", "evidence"]
    assert body["affected_learners"] == []
    assert body["affected_learner_count"] == 1


def test_staff_read_the_whole_timeline_and_their_actions(complaint, dept_agent):
    complaint_add_internal_note(complaint=complaint, body="内部：疑似重复投诉", actor=dept_agent)

    body = logged_in(dept_agent).get(detail_url(complaint)).json()

    assert [event["body"] for event in body["timeline"]] == ["内部：疑似重复投诉"]
    assert body["timeline"][0]["is_public"] is False
    assert "acknowledge" in body["available_actions"]
    assert "withdraw" not in body["available_actions"]
    assert [person["id"] for person in body["affected_learners"]] == [complaint.learner_id]


@pytest.mark.parametrize(
    ("traits", "actions"),
    [
        ({}, ["withdraw", "evidence"]),
        ({"acknowledged": True}, ["message", "withdraw", "evidence"]),
        ({"awaiting_complainant": True}, ["complainant-reply", "message", "withdraw", "evidence"]),
        ({"responded": True}, ["message", "satisfaction", "appeal", "withdraw", "evidence"]),
        ({"closed": True}, ["appeal"]),
        ({"rejected": True}, []),
    ],
)
def test_the_complainant_is_offered_what_the_state_allows(traits, actions, category, learner):
    complaint = ComplaintFactory(category=category, complainant=learner, **traits)

    body = logged_in(learner).get(detail_url(complaint)).json()

    assert body["available_actions"] == actions


def test_approval_is_offered_to_leadership_other_than_the_proposer(category, learner, leader):
    complaint = ComplaintFactory(category=category, complainant=learner, pending_approval=True)
    proposer = complaint.owner
    user_add_role(user=proposer, role=Role.LEADERSHIP)

    offered = logged_in(leader).get(detail_url(complaint)).json()["available_actions"]
    to_proposer = logged_in(proposer).get(detail_url(complaint)).json()["available_actions"]

    assert {"approve", "return"} <= set(offered)
    assert not {"approve", "return"} & set(to_proposer)


def test_an_appeal_review_is_offered_to_an_independent_reviewer_only(category, learner, leader):
    complaint = ComplaintFactory(category=category, complainant=learner, appealed=True)
    user_add_role(user=complaint.owner, role=Role.SUPERVISOR)

    offered = logged_in(leader).get(detail_url(complaint)).json()["available_actions"]
    to_owner = logged_in(complaint.owner).get(detail_url(complaint)).json()["available_actions"]

    assert "review-appeal" in offered
    assert "review-appeal" not in to_owner


def test_a_staff_read_writes_exactly_one_access_log_row(complaint, dept_agent):
    response = logged_in(dept_agent).get(detail_url(complaint))

    assert response.status_code == 200
    entry = AccessLogEntry.objects.get()
    assert (entry.actor, entry.subject, entry.channel) == (dept_agent, complaint.complainant, "api")
    assert entry.object_id == str(complaint.pk)
    assert entry.screen == "api:complaint-detail"


def test_the_parties_own_reads_write_no_access_log_row(category):
    guardianship = GuardianshipFactory()
    complaint = ComplaintFactory(category=category, complainant=guardianship.learner)

    for reader in (guardianship.learner, guardianship.guardian):
        assert logged_in(reader).get(detail_url(complaint)).status_code == 200

    assert not AccessLogEntry.objects.exists()


def test_another_learners_complaint_is_404_everywhere(complaint, learner, media_root):
    complaint_add_evidence(complaint=complaint, files=[SimpleUploadedFile("a.png", PNG)], actor=learner)
    attachment = complaint.attachments.get()
    stranger = logged_in(LearnerFactory())
    before = Complaint.objects.get(pk=complaint.pk).state

    responses = [
        stranger.get(detail_url(complaint)),
        post_json(stranger, action_url(complaint, "withdraw")),
        stranger.get(f"{detail_url(complaint)}attachments/{attachment.pk}/"),
    ]

    assert [response.status_code for response in responses] == [404, 404, 404]
    assert responses[0].json()["code"] == "not_found"
    assert Complaint.objects.get(pk=complaint.pk).state == before


def test_an_unknown_reference_is_404(learner):
    assert logged_in(learner).get("/api/v1/complaints/TS-2026-999999/").status_code == 404


def test_staff_of_another_department_get_404_until_the_case_is_delegated(
    complaint, outsider_agent, dept_supervisor
):
    client = logged_in(outsider_agent)
    assert client.get(detail_url(complaint)).status_code == 404
    assert post_json(client, action_url(complaint, "acknowledge")).status_code == 404

    complaint_delegate(complaint=complaint, colleague=outsider_agent, actor=dept_supervisor)
    response = post_json(client, action_url(complaint, "acknowledge"))

    assert response.status_code == 200
    complaint.refresh_from_db()
    assert (complaint.state, complaint.owner) == (State.ACKNOWLEDGED, outsider_agent)


def test_staff_who_may_see_but_not_act_get_403_and_nothing_changes(complaint, snapshot):
    manager = StaffFactory(roles=[Role.MANAGER])
    before = snapshot(complaint)

    response = post_json(logged_in(manager), action_url(complaint, "acknowledge"))

    assert response.status_code == 403
    assert response.json() == {"code": "permission_denied", "detail": response.json()["detail"]}
    before.assert_unchanged()


def test_the_person_complained_about_cannot_even_see_it(category, department):
    accused = StaffFactory(department=department, roles=[Role.AGENT])
    complaint = ComplaintFactory(category=category, subject_staff=accused)

    client = logged_in(accused)

    assert client.get(detail_url(complaint)).status_code == 404
    assert post_json(client, action_url(complaint, "acknowledge")).status_code == 404


# --- Evidence downloads --------------------------------------------------------------------------------


def test_the_complainant_downloads_their_evidence_safely(complaint, learner, media_root):
    complaint_add_evidence(complaint=complaint, files=[SimpleUploadedFile("截图.png", PNG)], actor=learner)
    attachment = complaint.attachments.get()
    listed = logged_in(learner).get(detail_url(complaint)).json()["attachments"]

    response = logged_in(learner).get(listed[0]["download_url"])

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PNG
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert listed[0]["id"] == attachment.pk
    assert not AccessLogEntry.objects.exists()


def test_a_staff_download_is_logged(complaint, learner, dept_agent, media_root):
    complaint_add_evidence(complaint=complaint, files=[SimpleUploadedFile("a.png", PNG)], actor=learner)
    attachment = complaint.attachments.get()

    response = logged_in(dept_agent).get(f"{detail_url(complaint)}attachments/{attachment.pk}/")

    assert response.status_code == 200
    entry = AccessLogEntry.objects.get()
    assert (entry.actor, entry.subject, entry.object_id) == (dept_agent, learner, str(attachment.pk))


def test_evidence_staff_gathered_is_not_shown_to_the_complainant(complaint, learner, dept_agent, media_root):
    complaint_add_evidence(complaint=complaint, files=[SimpleUploadedFile("内部.png", PNG)], actor=dept_agent)
    attachment = complaint.attachments.get()

    listed = logged_in(learner).get(detail_url(complaint)).json()["attachments"]
    download = logged_in(learner).get(f"{detail_url(complaint)}attachments/{attachment.pk}/")
    staff_listed = logged_in(dept_agent).get(detail_url(complaint)).json()["attachments"]

    assert listed == []
    assert download.status_code == 404
    assert [item["id"] for item in staff_listed] == [attachment.pk]


def test_an_attachment_of_another_complaint_is_404(complaint, learner, category, media_root):
    other = ComplaintFactory(category=category)
    complaint_add_evidence(complaint=other, files=[SimpleUploadedFile("a.png", PNG)], actor=other.complainant)
    foreign = other.attachments.get()

    response = logged_in(learner).get(f"{detail_url(complaint)}attachments/{foreign.pk}/")

    assert response.status_code == 404


# --- Duplicates ----------------------------------------------------------------------------------------


def test_staff_see_suggested_duplicates_and_parties_may_not_ask(complaint, learner, dept_agent):
    twin = ComplaintFactory(category=complaint.category, complainant=learner)

    staff = logged_in(dept_agent).get(action_url(complaint, "duplicates"))
    party = logged_in(learner).get(action_url(complaint, "duplicates"))

    assert [row["reference"] for row in staff.json()["results"]] == [twin.reference]
    assert party.status_code == 403
    assert party.json()["code"] == "permission_denied"


# --- The schema ------------------------------------------------------------------------------------------


def test_the_schema_lists_every_endpoint(learner):
    response = logged_in(learner).get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")

    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/v1/complaints/" in paths
    assert "/api/v1/complaints/{reference}/" in paths
    for action in ("acknowledge", "propose-resolution", "review-appeal", "evidence", "improvement-actions"):
        assert f"/api/v1/complaints/{{reference}}/{action}/" in paths
    assert "/api/v1/remedies/{id}/carry-out/" in paths
    assert "/api/v1/improvement-actions/{id}/complete/" in paths


def test_the_schema_generates_without_warnings(tmp_path):
    # --fail-on-warn raises if drf-spectacular had to guess anything
    call_command("spectacular", "--fail-on-warn", "--validate", "--file", str(tmp_path / "schema.yaml"))

    assert (tmp_path / "schema.yaml").read_text().startswith("openapi:")


def test_the_interactive_docs_are_served(learner):
    assert logged_in(learner).get("/api/v1/docs/").status_code == 200


def json_schema(openapi):
    """Read an OpenAPI 3.0 schema as JSON Schema: ``nullable`` becomes a choice with null."""
    if isinstance(openapi, list):
        return [json_schema(item) for item in openapi]
    if not isinstance(openapi, dict):
        return openapi
    converted = {key: json_schema(value) for key, value in openapi.items() if key != "nullable"}
    return {"anyOf": [converted, {"type": "null"}]} if openapi.get("nullable") else converted


def test_a_complaint_as_the_api_answers_it_matches_its_schema(category, learner, dept_agent):
    # given a complaint with running clocks and a timeline of moves and notes
    filed = post_json(
        logged_in(learner),
        LIST_URL,
        {"category": category.code, "title": "退费未到账", "description": "已一个月。"},
    )
    complaint = Complaint.objects.get(reference=filed.json()["reference"])
    assert post_json(logged_in(dept_agent), action_url(complaint, "acknowledge")).status_code == 200
    assert (
        post_json(logged_in(dept_agent), action_url(complaint, "notes"), {"body": "需核实"}).status_code
        == 200
    )
    schema = logged_in(learner).get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    components = json_schema(schema["components"])

    def validate(answer, name):
        jsonschema.Draft7Validator(
            {"$ref": f"#/components/schemas/{name}", "components": components}
        ).validate(answer)

    # when staff and the complainant read it
    answers = [logged_in(reader).get(detail_url(complaint)).json() for reader in (dept_agent, learner)]

    # then each answer is what the schema says, clocks and blank states of the note included
    for answer in answers:
        validate(answer, "ComplaintDetail")
    validate(logged_in(learner).get(LIST_URL).json(), "PaginatedComplaintSummaryList")
    staff_answer = answers[0]
    assert [clock["target"] for clock in staff_answer["clocks"]]
    assert "" in {event["from_state"] for event in staff_answer["timeline"]}


# --- Who is registered is not told ------------------------------------------------------------------------


def unused_user_id() -> int:
    return (User.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1000


@pytest.mark.parametrize(
    ("field", "wrap"),
    [("co_learners", lambda pk: [pk]), ("subject_staff", lambda pk: pk)],
    ids=["co_learners", "subject_staff"],
)
def test_a_miss_gets_one_answer_whoever_the_id_belongs_to(category, learner, field, wrap):
    # given ids of nobody, of a member of staff, of a parent and of a learner
    staff, parent, other_learner = StaffFactory(), ParentFactory(), LearnerFactory()
    misses = {
        "co_learners": [unused_user_id(), staff.pk, parent.pk],
        "subject_staff": [unused_user_id(), other_learner.pk, parent.pk],
    }[field]
    client = logged_in(learner)

    # when each is named in a complaint
    answers = [
        post_json(
            client,
            LIST_URL,
            {"category": category.code, "title": "退费未到账", "description": "已一个月。", field: wrap(pk)},
        )
        for pk in misses
    ]

    # then the answers are the same bytes: an error on the field that names no one; nothing is filed
    assert [answer.status_code for answer in answers] == [400, 400, 400]
    assert answers[0].content == answers[1].content == answers[2].content
    assert list(answers[0].json()) == [field]
    assert not Complaint.objects.exists()


def test_the_people_a_complaint_names_are_still_found(category, learner):
    classmate, staff = LearnerFactory(), StaffFactory()

    response = post_json(
        logged_in(learner),
        LIST_URL,
        {
            "category": category.code,
            "title": "老师态度恶劣",
            "description": "课上辱骂学员。",
            "co_learners": [classmate.pk],
            "subject_staff": staff.pk,
        },
    )

    assert response.status_code == 201
    complaint = Complaint.objects.get()
    assert complaint.subject_staff == staff
    assert set(complaint.affected_learners.values_list("learner_id", flat=True)) == {learner.pk, classmate.pk}
