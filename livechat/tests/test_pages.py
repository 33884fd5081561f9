"""The learner's chat pages, the staff's chat console and list in the admin, conversion and the read log."""

import pytest
from django.test import Client

from accounts.roles import Role
from accounts.tests.factories import LearnerFactory, StaffFactory
from complaints.models import CannedResponse, Category, Complaint
from feedback.models import FeedbackCategory, FeedbackItem
from livechat import services
from livechat.models import Chat, ChatMessage, State
from privacy.models import AccessLogEntry

pytestmark = pytest.mark.django_db


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def agent():
    return StaffFactory(is_staff=True, roles=[Role.AGENT])


def test_every_page_offers_the_online_customer_service_and_a_help_article_passes_its_address():
    page = Client().get("/").content.decode()
    assert 'href="/chat/?from=/"' in page

    response = client_of(LearnerFactory()).get("/chat/?from=/help/guide/refunds/")
    assert response.status_code == 200
    assert 'value="/help/guide/refunds/"' in response.content.decode()


def test_a_learner_opens_a_chat_and_reads_only_their_own():
    learner = LearnerFactory()
    client = client_of(learner)

    response = client.post("/chat/start/", {"message": "你好", "opened_from": "/help/guide/refunds/"})

    chat = Chat.objects.get(learner=learner)
    assert response.status_code == 302 and response["Location"] == f"/chat/{chat.reference}/"
    assert chat.opened_from == "/help/guide/refunds/"
    page = client.get(f"/chat/{chat.reference}/").content.decode()
    assert "你好" in page and f'data-socket="/ws/chat/{chat.reference}/"' in page
    assert client_of(LearnerFactory()).get(f"/chat/{chat.reference}/").status_code == 404


def test_a_bad_first_message_is_refused_next_to_its_field_and_opens_nothing():
    learner = LearnerFactory()

    response = client_of(learner).post("/chat/start/", {"message": "字" * 2001})

    assert response.status_code == 400
    assert response.context["form"].errors["message"]
    assert not Chat.objects.exists()


def test_staff_do_not_open_chats_as_learners(agent):
    assert client_of(agent).post("/chat/start/", {}).status_code == 403
    assert not Chat.objects.exists()


def test_the_learners_chat_list_costs_the_same_queries_for_one_chat_or_many(django_assert_num_queries):
    learner = LearnerFactory()
    client = client_of(learner)
    services.chat_open(actor=learner)
    client.get("/chat/")  # the session and the policy are read once
    with django_assert_num_queries(6) as few:
        client.get("/chat/")
    for _ in range(5):
        services.chat_open(actor=learner)
    with django_assert_num_queries(len(few.captured_queries)):
        client.get("/chat/")


def test_the_console_lists_the_open_chats_with_the_canned_responses_and_logs_the_list(
    agent, django_assert_num_queries
):
    CannedResponse.objects.create(title="问候", body="您好，请问有什么可以帮您？")
    chats = [services.chat_open(actor=LearnerFactory()) for _ in range(2)]
    client = client_of(agent)
    client.get("/admin/livechat/chat/console/")

    with django_assert_num_queries(11) as few:
        response = client.get("/admin/livechat/chat/console/")
    page = response.content.decode()
    assert all(chat.reference in page for chat in chats)
    assert "您好，请问有什么可以帮您？" in page and 'src="/static/livechat/console.js"' in page
    logged = AccessLogEntry.objects.filter(actor=agent, screen="admin:livechat_chat_console")
    assert set(logged.values_list("subject_id", flat=True)) == {chat.learner_id for chat in chats}
    for _ in range(4):
        services.chat_open(actor=LearnerFactory())
    with django_assert_num_queries(len(few.captured_queries)):
        client.get("/admin/livechat/chat/console/")


def test_the_console_is_for_staff_who_answer_chats():
    manager = StaffFactory(is_staff=True, roles=[Role.MANAGER])
    assert client_of(manager).get("/admin/livechat/chat/console/").status_code == 403
    assert client_of(LearnerFactory()).get("/admin/livechat/chat/console/").status_code == 302


def test_the_admin_list_costs_the_same_queries_for_few_chats_or_many(agent, django_assert_num_queries):
    services.chat_open(actor=LearnerFactory())
    client = client_of(agent)
    client.get("/admin/livechat/chat/")
    with django_assert_num_queries(11) as few:
        client.get("/admin/livechat/chat/")
    for _ in range(5):
        services.chat_open(actor=LearnerFactory())
    with django_assert_num_queries(len(few.captured_queries)):
        client.get("/admin/livechat/chat/")


def test_a_staff_read_of_a_transcript_is_logged_for_the_learner(agent):
    chat = services.chat_open(actor=LearnerFactory(), first_message="我的手机号是多少不重要")

    page = client_of(agent).get(f"/admin/livechat/chat/{chat.pk}/change/").content.decode()

    assert "我的手机号是多少不重要" in page
    entry = AccessLogEntry.objects.get(actor=agent, screen="admin:livechat_chat_change")
    assert (entry.subject, entry.object_id) == (chat.learner, str(chat.pk))


def test_an_agent_turns_a_chat_into_a_complaint_with_its_transcript(agent):
    learner = LearnerFactory()
    chat = services.chat_open(actor=learner, first_message="老师连续三周迟到")
    services.chat_message_post(chat=chat, actor=agent, body="已记录，为您登记投诉")
    category = Category.objects.filter(is_active=True).order_by("pk").first()

    response = client_of(agent).post(
        f"/admin/livechat/chat/{chat.pk}/convert/complaint/", {"category": category.pk}
    )

    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert (complaint.complainant, complaint.channel, complaint.category) == (learner, "chat", category)
    assert complaint.title == "老师连续三周迟到"
    assert "老师连续三周迟到" in complaint.description and "已记录，为您登记投诉" in complaint.description
    assert chat.reference in complaint.description
    chat.refresh_from_db()
    assert chat.converted_to == complaint.reference
    # once only
    client_of(agent).post(f"/admin/livechat/chat/{chat.pk}/convert/feedback/", {"category": category.pk})
    assert not FeedbackItem.objects.exists()


def test_an_agent_turns_a_chat_into_a_feedback_item_with_its_transcript(agent):
    learner = LearnerFactory()
    chat = services.chat_open(actor=learner, first_message="建议自习室晚上开放到十点")
    category = FeedbackCategory.objects.filter(is_active=True).order_by("pk").first()

    client_of(agent).post(f"/admin/livechat/chat/{chat.pk}/convert/feedback/", {"category": category.pk})

    item = FeedbackItem.objects.get()
    assert (item.learner, item.channel) == (learner, "chat")
    assert "建议自习室晚上开放到十点" in item.text
    assert Chat.objects.get(pk=chat.pk).converted_to == item.reference


@pytest.mark.parametrize("category", ["", "999999", "x"])
def test_a_conversion_without_a_category_in_use_files_nothing(agent, category):
    chat = services.chat_open(actor=LearnerFactory(), first_message="你好")

    response = client_of(agent).post(
        f"/admin/livechat/chat/{chat.pk}/convert/complaint/", {"category": category}
    )

    assert response.status_code == 302
    assert not Complaint.objects.exists()
    assert Chat.objects.get(pk=chat.pk).converted_to == ""


def test_only_answering_staff_convert_chats():
    chat = services.chat_open(actor=LearnerFactory(), first_message="你好")
    manager = StaffFactory(is_staff=True, roles=[Role.MANAGER])
    category = Category.objects.filter(is_active=True).first()

    response = client_of(manager).post(
        f"/admin/livechat/chat/{chat.pk}/convert/complaint/", {"category": category.pk}
    )

    assert response.status_code == 403
    assert not Complaint.objects.exists()
    assert ChatMessage.objects.count() == 1 and Chat.objects.get().state == State.MESSAGE
