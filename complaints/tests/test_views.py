"""The learners' and parents' pages: file with evidence, follow, answer, rate, appeal, withdraw."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.roles import Role
from accounts.tests.factories import GuardianshipFactory, LearnerFactory, StaffFactory, UserFactory
from complaints.models import MAX_TEXT_LENGTH, Attachment, Complaint, ComplaintEvent
from complaints.states import State
from courses.tests.factories import EnrolmentFactory
from notifications.models import Notification
from privacy.models import AccessLogEntry

from .factories import ComplaintFactory

pytestmark = pytest.mark.django_db

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00" + b"\x00" * 64
)


def png(name="截图.png"):
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def filing(chosen_category, **overrides) -> dict:
    data = {
        "category": chosen_category.pk,
        "title": "老师连续三次迟到",
        "description": "九月以来每次直播课都迟到二十分钟以上。",
    }
    data.update(overrides)
    return data


def stored_files(media_root) -> list:
    return [path for path in media_root.rglob("*") if path.is_file()] if media_root.exists() else []


def test_a_learner_files_a_complaint_with_evidence_and_gets_a_reference_at_once(client, category, media_root):
    learner = LearnerFactory()
    enrolment = EnrolmentFactory(learner=learner)
    client.force_login(learner)

    response = client.post(
        reverse("complaints:new"),
        filing(category, course=enrolment.course.pk, evidence=[png(), png("b.png")]),
    )

    complaint = Complaint.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("complaints:detail", args=[complaint.reference])
    assert complaint.reference.startswith("TS-")
    assert (complaint.complainant, complaint.learner, complaint.subject_course) == (
        learner,
        learner,
        enrolment.course,
    )
    assert complaint.state == State.SUBMITTED
    assert Attachment.objects.filter(complaint=complaint).count() == 2
    page = client.get(response["Location"])
    assert complaint.reference in page.text
    assert "截图.png" in page.text


def test_a_file_that_is_not_what_it_claims_is_refused_and_nothing_is_left(client, category, media_root):
    learner = LearnerFactory()
    client.force_login(learner)
    fake = SimpleUploadedFile("收据.pdf", b"just some text, not a PDF", content_type="application/pdf")

    response = client.post(reverse("complaints:new"), filing(category, evidence=[png(), fake]))

    assert response.status_code == 400
    assert response.context["form"].errors["evidence"]
    assert not Complaint.objects.exists()
    assert not ComplaintEvent.objects.exists()
    assert not Notification.objects.exists()
    assert stored_files(media_root) == []


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": ""}, "title"),
        ({"description": ""}, "description"),
        ({"category": ""}, "category"),
        ({"co_complainants": "nobody@example.edu.cn"}, "co_complainants"),
        ({"description": "长" * (MAX_TEXT_LENGTH + 1)}, "description"),
        ({"description": "x" * 2_000_000}, "description"),
        ({"title": "退费\u202egpj.exe"}, "title"),
        ({"description": "请看附件\u200f"}, "description"),
    ],
    ids=[
        "no-title",
        "no-description",
        "no-category",
        "unknown-co-complainant",
        "one-too-long",
        "two-million",
        "title-right-to-left-override",
        "description-right-to-left-mark",
    ],
)
def test_bad_input_is_shown_next_to_its_field_and_files_nothing(client, category, overrides, field):
    client.force_login(LearnerFactory())
    response = client.post(reverse("complaints:new"), filing(category, **overrides))
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert f'id="id_{field}_error"' in response.text
    assert not Complaint.objects.exists()


def test_the_web_form_and_the_api_accept_the_same_longest_description(client, category):
    learner = LearnerFactory()
    client.force_login(learner)
    longest = "长" * MAX_TEXT_LENGTH

    page = client.post(reverse("complaints:new"), filing(category, description=longest))
    api = client.post(
        "/api/v1/complaints/",
        {"category": category.code, "title": "同样的长度", "description": longest + "长"},
        content_type="application/json",
    )

    assert page.status_code == 302
    assert Complaint.objects.get().description == longest
    assert api.status_code == 400
    assert list(api.json()) == ["description"]
    assert f'maxlength="{MAX_TEXT_LENGTH}"' in client.get(reverse("complaints:new")).text


def test_a_course_the_learner_is_not_enrolled_in_is_refused(client, category):
    client.force_login(LearnerFactory())
    other_course = EnrolmentFactory().course
    response = client.post(reverse("complaints:new"), filing(category, course=other_course.pk))
    assert "course" in response.context["form"].errors
    assert not Complaint.objects.exists()


def test_co_complainants_are_found_by_email_or_mobile(client, category):
    filer = LearnerFactory()
    by_email = LearnerFactory(email="classmate@example.edu.cn")
    by_mobile = LearnerFactory(mobile="13711112222")
    client.force_login(filer)
    client.post(
        reverse("complaints:new"),
        filing(category, co_complainants="classmate@example.edu.cn\n+86 137 1111 2222\n"),
    )
    complaint = Complaint.objects.get()
    assert set(complaint.affected_learners.values_list("learner_id", flat=True)) >= {
        by_email.pk,
        by_mobile.pk,
    }


@pytest.mark.parametrize("how", ["email", "mobile"])
def test_a_co_complainant_who_is_no_learner_gets_the_same_answer_as_nobody(client, category, how):
    # given entries for nobody, for a member of staff and for a parent, by e-mail or by mobile number
    staff = StaffFactory(email="agent.x@example.edu.cn", mobile="13900001111")
    parent = UserFactory(email="parent.x@example.edu.cn", mobile="13900002222", roles=[Role.PARENT])
    entries = {
        "email": ["nobody.x@example.edu.cn", staff.email, parent.email],
        "mobile": ["13900003333", "13900001111", "13900002222"],
    }[how]
    client.force_login(LearnerFactory())

    # when each is named as another learner affected
    answers = [
        client.post(reverse("complaints:new"), filing(category, co_complainants=entry)) for entry in entries
    ]

    # then the three answers say the same, without naming the entry, and nothing is filed
    errors = [answer.context["form"].errors["co_complainants"] for answer in answers]
    assert errors[0] == errors[1] == errors[2]
    assert all(entry not in str(error) for entry, error in zip(entries, errors, strict=True))
    assert [answer.status_code for answer in answers] == [400, 400, 400]
    assert not Complaint.objects.exists()


def test_a_parent_files_for_their_child_and_not_for_another_learner(client, category):
    link = GuardianshipFactory()
    stranger = LearnerFactory()
    client.force_login(link.guardian)

    response = client.post(reverse("complaints:new"), filing(category, learner=stranger.pk))
    assert "learner" in response.context["form"].errors
    assert not Complaint.objects.exists()

    client.post(reverse("complaints:new"), filing(category, learner=link.learner.pk))
    complaint = Complaint.objects.get()
    assert (complaint.complainant, complaint.learner) == (link.guardian, link.learner)


def test_my_complaints_lists_mine_and_my_childrens_only(client):
    link = GuardianshipFactory()
    own = ComplaintFactory(complainant=link.guardian, learner=link.learner)
    childs = ComplaintFactory(complainant=link.learner)
    others = ComplaintFactory()
    client.force_login(link.guardian)
    page = client.get(reverse("complaints:list"))
    assert set(page.context["page"].object_list) == {own, childs}
    assert others.reference not in page.text


def test_my_complaints_costs_the_same_queries_for_1_or_15(client):
    learner = LearnerFactory()
    ComplaintFactory(complainant=learner)
    client.force_login(learner)
    client.get(reverse("complaints:list"))
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("complaints:list"))
    ComplaintFactory.create_batch(14, complainant=learner)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("complaints:list"))
    assert len(one.captured_queries) == len(many.captured_queries)


def test_another_learners_complaint_is_a_404_everywhere(client, media_root):
    complaint = ComplaintFactory()
    client.force_login(LearnerFactory())
    for name in ("detail", "reply", "evidence", "withdraw", "satisfaction", "appeal"):
        url = reverse(f"complaints:{name}", args=[complaint.reference])
        response = client.get(url) if name == "detail" else client.post(url, {"body": "x", "confirm": "on"})
        assert response.status_code == 404, name
    complaint.refresh_from_db()
    assert complaint.state == State.SUBMITTED


def test_evidence_downloads_only_for_those_who_may_see_the_complaint(client, category, media_root):
    learner = LearnerFactory()
    client.force_login(learner)
    client.post(reverse("complaints:new"), filing(category, evidence=[png()]))
    complaint = Complaint.objects.get()
    attachment = complaint.attachments.get()
    url = reverse("complaints:attachment", args=[complaint.reference, attachment.pk])

    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PNG
    assert "attachment" in response["Content-Disposition"]

    client.force_login(LearnerFactory())
    assert client.get(url).status_code == 404


def test_the_learner_answers_a_question_and_the_complaint_goes_back_to_investigation(client):
    complaint = ComplaintFactory(awaiting_complainant=True)
    client.force_login(complaint.complainant)
    page = client.get(reverse("complaints:detail", args=[complaint.reference]))
    assert page.context["actions"]["reply"]

    response = client.post(
        reverse("complaints:reply", args=[complaint.reference]), {"body": "课程截图已补充。"}
    )
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.state == State.INVESTIGATING


def test_an_empty_answer_shows_the_error_and_changes_nothing(client):
    complaint = ComplaintFactory(awaiting_complainant=True)
    client.force_login(complaint.complainant)
    response = client.post(reverse("complaints:reply", args=[complaint.reference]), {"body": ""})
    assert response.status_code == 400
    assert "body" in response.context["reply_form"].errors
    complaint.refresh_from_db()
    assert complaint.state == State.AWAITING_COMPLAINANT


def test_satisfaction_closes_and_an_appeal_reopens(client):
    complaint = ComplaintFactory(responded=True)
    client.force_login(complaint.complainant)
    client.post(
        reverse("complaints:satisfaction", args=[complaint.reference]), {"rating": "4", "comment": "谢谢"}
    )
    complaint.refresh_from_db()
    assert (complaint.state, complaint.satisfaction_rating) == (State.CLOSED, 4)

    page = client.get(reverse("complaints:detail", args=[complaint.reference]))
    assert page.context["actions"]["appeal"]
    client.post(reverse("complaints:appeal", args=[complaint.reference]), {"reason": "退款金额不对"})
    complaint.refresh_from_db()
    assert complaint.state == State.APPEALED


def test_a_rating_out_of_range_is_refused(client):
    complaint = ComplaintFactory(responded=True)
    client.force_login(complaint.complainant)
    response = client.post(reverse("complaints:satisfaction", args=[complaint.reference]), {"rating": "9"})
    assert response.status_code == 400
    complaint.refresh_from_db()
    assert complaint.state == State.RESPONDED


def test_the_learner_withdraws_only_after_confirming(client):
    complaint = ComplaintFactory(investigating=True)
    client.force_login(complaint.complainant)
    url = reverse("complaints:withdraw", args=[complaint.reference])
    assert client.post(url, {"reason": "已私下解决"}).status_code == 400
    complaint.refresh_from_db()
    assert complaint.state == State.INVESTIGATING
    client.post(url, {"reason": "已私下解决", "confirm": "on"})
    complaint.refresh_from_db()
    assert complaint.state == State.WITHDRAWN


def test_a_finished_complaint_offers_no_actions(client):
    complaint = ComplaintFactory(withdrawn=True)
    client.force_login(complaint.complainant)
    page = client.get(reverse("complaints:detail", args=[complaint.reference]))
    assert not any(page.context["actions"].values())


def test_the_complainant_sees_public_events_only(client):
    complaint = ComplaintFactory(investigating=True)
    staff = StaffFactory(department=complaint.department, roles=[Role.AGENT])
    from complaints.services import complaint_add_internal_note, complaint_add_public_reply

    complaint_add_internal_note(complaint=complaint, body="内部：核实讲师排课记录", actor=staff)
    complaint_add_public_reply(complaint=complaint, body="我们正在核实排课记录。", actor=staff)
    client.force_login(complaint.complainant)
    page = client.get(reverse("complaints:detail", args=[complaint.reference]))
    assert "我们正在核实排课记录" in page.text
    assert "内部：核实讲师排课记录" not in page.text


def test_a_staff_read_of_the_page_is_logged_once_and_the_complainants_is_not(client):
    complaint = ComplaintFactory()
    client.force_login(complaint.complainant)
    client.get(reverse("complaints:detail", args=[complaint.reference]))
    assert not AccessLogEntry.objects.exists()

    agent = StaffFactory(department=complaint.department, roles=[Role.AGENT])
    client.force_login(agent)
    client.get(reverse("complaints:detail", args=[complaint.reference]))
    entry = AccessLogEntry.objects.get()
    assert (entry.actor, entry.subject, entry.channel) == (agent, complaint.complainant, "page")


def test_the_pages_speak_english_too(client):
    complaint = ComplaintFactory()
    client.force_login(complaint.complainant)
    client.post(reverse("choose-language"), {"language": "en", "next": "/"})
    page = client.get(reverse("complaints:detail", args=[complaint.reference]))
    assert "Next step:" in page.text
    assert "A member of staff will take it on within one hour" in page.text


def test_a_refused_answer_leaves_no_evidence_behind(client, media_root, snapshot):
    # given: the question was already answered (staff moved the complaint on), so the answer is refused
    complaint = ComplaintFactory(investigating=True)
    before = snapshot(complaint)
    client.force_login(complaint.complainant)

    response = client.post(
        reverse("complaints:reply", args=[complaint.reference]),
        {"body": "补充截图。", "evidence": [png()]},
    )

    assert response.status_code == 400
    assert response.context["reply_form"].non_field_errors()
    assert not Attachment.objects.exists()
    assert stored_files(media_root) == []
    before.assert_unchanged()


def test_an_answer_with_evidence_sends_both_and_tells_the_owner(client, media_root):
    complaint = ComplaintFactory(awaiting_complainant=True)
    client.force_login(complaint.complainant)

    response = client.post(
        reverse("complaints:reply", args=[complaint.reference]),
        {"body": "补充截图。", "evidence": [png()]},
    )

    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.state == State.INVESTIGATING
    attachment = Attachment.objects.get()
    assert attachment.complaint == complaint
    assert len(stored_files(media_root)) == 1
    kinds = list(complaint.events.order_by("id").values_list("kind", "is_public"))
    assert kinds == [("complainant_reply", True), ("evidence_added", True)]
    assert set(Notification.objects.values_list("recipient", "kind")) == {
        (complaint.owner.pk, "complaint_complainant_replied")
    }
