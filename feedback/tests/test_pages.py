"""The learners' feedback pages and the staff's admin screens, through the real URLs."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from accounts.roles import Role
from accounts.tests.factories import LearnerFactory, UserFactory
from feedback import services
from feedback.models import Channel, FeedbackItem, ImportJob, PaperBatch, State
from privacy.models import AccessLogEntry

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_learner_gives_named_feedback_on_the_page(learner, subject):
    from courses.tests.factories import EnrolmentFactory

    EnrolmentFactory(learner=learner, course=subject.course)  # the form offers the learner's own courses
    client = _client(learner)
    assert client.get("/feedback/new/").status_code == 200

    answer = client.post(
        "/feedback/new/",
        {"category": subject.category.pk, "text": "希望图书馆延长开放", "course": subject.course.pk},
    )

    item = FeedbackItem.objects.get()
    assert answer.status_code == 302 and answer["Location"] == f"/feedback/{item.reference}/"
    page = client.get(answer["Location"])
    assert page.status_code == 200 and "希望图书馆延长开放" in page.content.decode()


def test_an_error_shows_next_to_its_field_and_nothing_is_written(learner, subject):
    answer = _client(learner).post("/feedback/new/", {"category": subject.category.pk, "text": ""})
    assert answer.status_code == 400
    assert answer.context["form"].errors.keys() == {"text"}
    assert FeedbackItem.objects.count() == 0


def test_anonymous_feedback_shows_its_private_link_once_and_the_link_opens_it(learner, subject, agent):
    client = _client(learner)
    answer = client.post(
        "/feedback/new/", {"category": subject.category.pk, "text": "匿名意见", "is_anonymous": "on"}
    )
    assert answer.status_code == 200
    link = answer.context["link"]
    item = FeedbackItem.objects.get()
    assert item.learner is None and f"/feedback/follow/{item.reference}/" in link
    path = link.split("testserver", 1)[1]

    anonymous = Client()
    assert anonymous.get(path).status_code == 200
    assert anonymous.get(f"/feedback/follow/{item.reference}/not-the-key/").status_code == 404
    assert client.get(f"/feedback/{item.reference}/").status_code == 404

    item = services.feedback_accept(item=item, actor=agent)
    item = services.feedback_plan(
        item=item, actor=agent, plan_owner=agent, actions="a", due_on=timezone.localdate()
    )
    services.feedback_notify_result(item=item, actor=agent, result="已处理")
    rated = anonymous.post(path, {"rating": "4", "comment": ""})
    assert rated.status_code == 302
    item.refresh_from_db()
    assert (item.state, item.rating) == (State.RATED, 4)


def test_the_learner_sees_public_events_only_and_rates_on_the_page(agent, learner, subject):
    item = services.feedback_accept(
        item=services.feedback_give(actor=learner, subject=subject, text="x").item, actor=agent
    )
    services.feedback_note_add(item=item, actor=agent, body="内部备注：请勿外传")
    item = services.feedback_plan(
        item=item, actor=agent, plan_owner=agent, actions="公开的处理方案", due_on=timezone.localdate()
    )
    services.feedback_notify_result(item=item, actor=agent, result="结果")
    client = _client(learner)

    page = client.get(f"/feedback/{item.reference}/").content.decode()
    assert "公开的处理方案" in page and "内部备注" not in page
    assert client.post(f"/feedback/{item.reference}/rate/", {"rating": "9"}).status_code == 400
    assert (
        client.post(f"/feedback/{item.reference}/rate/", {"rating": "5", "comment": "好"}).status_code == 302
    )
    item.refresh_from_db()
    assert item.rating == 5


def test_another_learners_item_page_is_a_404_and_staff_pages_are_not_for_learners(learner, subject):
    item = services.feedback_give(actor=learner, subject=subject, text="x").item
    other = _client(LearnerFactory())
    assert other.get(f"/feedback/{item.reference}/").status_code == 404
    assert other.post(f"/feedback/{item.reference}/rate/", {"rating": "5"}).status_code == 404
    assert _client(UserFactory(roles=[Role.AGENT])).get("/feedback/new/").status_code == 403


def test_the_list_costs_the_same_queries_whatever_its_length(learner, subject, django_assert_num_queries):
    client = _client(learner)
    services.feedback_give(actor=learner, subject=subject, text="一")
    client.get("/feedback/")
    with django_assert_num_queries(8) as one:
        client.get("/feedback/")
    for number in range(8):
        services.feedback_give(actor=learner, subject=subject, text=f"建议{number}")
    with django_assert_num_queries(len(one.captured_queries)):
        client.get("/feedback/")


def test_staff_work_the_item_in_the_admin_and_each_move_calls_its_service(agent, learner, subject):
    item = services.feedback_give(actor=learner, subject=subject, text="投影仪模糊").item
    staff = _client(agent)
    change = f"/admin/feedback/feedbackitem/{item.pk}/change/"

    page = staff.get(change)
    assert page.status_code == 200 and 'id="move-accept"' in page.content.decode()
    assert AccessLogEntry.objects.filter(actor=agent, subject=learner).exists()
    assert staff.post(f"/admin/feedback/feedbackitem/{item.pk}/move/accept/").status_code == 302
    refused = staff.post(
        f"/admin/feedback/feedbackitem/{item.pk}/move/plan/",
        {"plan-plan_owner": agent.pk, "plan-actions": "", "plan-due_on": timezone.localdate().isoformat()},
    )
    assert refused.status_code == 400
    item.refresh_from_db()
    assert item.state == State.ACCEPTED
    planned = staff.post(
        f"/admin/feedback/feedbackitem/{item.pk}/move/plan/",
        {
            "plan-plan_owner": agent.pk,
            "plan-actions": "更换灯泡",
            "plan-due_on": timezone.localdate().isoformat(),
        },
    )
    assert planned.status_code == 302
    staff.post(
        f"/admin/feedback/feedbackitem/{item.pk}/move/notify_result/", {"notify_result-result": "已更换"}
    )
    item.refresh_from_db()
    assert item.state == State.RESULT_NOTIFIED


def test_a_move_the_state_does_not_allow_says_why_and_changes_nothing(agent, learner, subject):
    item = services.feedback_give(actor=learner, subject=subject, text="x").item
    answer = _client(agent).post(f"/admin/feedback/feedbackitem/{item.pk}/move/close/", follow=True)
    assert "cannot be moved" in answer.content.decode() or "不能" in answer.content.decode()
    item.refresh_from_db()
    assert item.state == State.RECEIVED


@pytest.mark.parametrize("role", [Role.LEGAL, Role.SAFETY_OFFICER])
def test_staff_outside_the_team_see_no_feedback_in_the_admin(learner, subject, role):
    item = services.feedback_give(actor=learner, subject=subject, text="x").item
    outsider = _client(UserFactory(roles=[role]))
    assert outsider.get("/admin/feedback/feedbackitem/").status_code == 403
    assert outsider.post(f"/admin/feedback/feedbackitem/{item.pk}/move/accept/").status_code in (403, 404)
    item.refresh_from_db()
    assert item.state == State.RECEIVED


def test_the_queue_lists_items_with_their_countdown_in_a_fixed_number_of_queries(
    agent, learner, subject, django_assert_num_queries
):
    staff = _client(agent)
    services.feedback_give(actor=learner, subject=subject, text="一", is_urgent=True)
    staff.get("/admin/feedback/feedbackitem/")
    with django_assert_num_queries(13) as one:
        page = staff.get("/admin/feedback/feedbackitem/")
    assert "queue-due" in page.content.decode()
    for number in range(6):
        services.feedback_give(actor=LearnerFactory(), subject=subject, text=f"建议{number}")
    with django_assert_num_queries(len(one.captured_queries)):
        staff.get("/admin/feedback/feedbackitem/")


def test_keying_in_a_stack_remembers_the_term_and_class_and_records_the_batch(agent, subject):
    from courses.tests.factories import SchoolClassFactory, TermFactory

    term, school_class = TermFactory(), SchoolClassFactory()
    staff = _client(agent)
    form = {
        "term": term.pk,
        "school_class": school_class.pk,
        "category": subject.category.pk,
        "text": "第一张",
    }
    assert staff.post("/admin/feedback/feedbackitem/entry/", form).status_code == 302
    again = staff.get("/admin/feedback/feedbackitem/entry/")
    assert again.context["form"].initial == {"term": term.pk, "school_class": school_class.pk}
    staff.post("/admin/feedback/feedbackitem/entry/", {**form, "text": "第二张"})

    items = FeedbackItem.objects.order_by("pk")
    assert [item.text for item in items] == ["第一张", "第二张"]
    assert {(item.batch_id, item.term_id, item.school_class_id, item.channel) for item in items} == {
        (PaperBatch.objects.get().pk, term.pk, school_class.pk, Channel.PAPER)
    }
    bad = staff.post(
        "/admin/feedback/feedbackitem/entry/", {**form, "text": "", "learner": "nobody@example.com"}
    )
    assert bad.status_code == 400 and set(bad.context["form"].errors) == {"text", "learner"}
    assert FeedbackItem.objects.count() == 2


def test_the_import_page_takes_a_file_and_its_job_page_shows_the_errors(agent, course):
    staff = _client(agent)
    content = "类别,内容\n不存在,\n".encode()
    answer = staff.post(
        "/admin/feedback/feedbackitem/import/", {"file": SimpleUploadedFile("batch.csv", content)}
    )
    job = ImportJob.objects.get()
    assert (
        answer.status_code == 302 and answer["Location"] == f"/admin/feedback/feedbackitem/import/{job.pk}/"
    )
    from feedback.imports import import_check

    import_check(job=job)
    page = staff.get(answer["Location"]).content.decode()
    assert "category" in page and "text" in page
    assert staff.get(f"/admin/feedback/feedbackitem/import/{job.pk}/status.json").json()["state"] == "refused"
    assert staff.post(answer["Location"]).status_code == 302
    assert FeedbackItem.objects.count() == 0
    # another member of staff does not reach someone else's import
    other = _client(UserFactory(roles=[Role.AGENT]))
    assert other.get(answer["Location"]).status_code == 404


def test_an_upload_that_is_not_a_spreadsheet_is_refused_at_the_field(agent):
    answer = _client(agent).post(
        "/admin/feedback/feedbackitem/import/",
        {"file": SimpleUploadedFile("batch.csv", b"\x89PNG\r\n\x1a\n\x00\x00")},
    )
    assert answer.status_code == 400 and "file" in answer.context["form"].errors
    assert ImportJob.objects.count() == 0


def test_a_representative_sees_the_meeting_item_and_its_result(agent, subject):
    representative = LearnerFactory()
    meeting = services.meeting_record(
        actor=agent,
        held_on=timezone.localdate() - datetime.timedelta(days=1),
        classes=[],
        representatives=[representative],
    )
    item = services.feedback_enter(
        actor=agent, channel=Channel.MEETING, subject=subject, text="教室太吵", meeting=meeting
    )
    page = _client(representative).get(f"/feedback/{item.reference}/")
    assert page.status_code == 200
