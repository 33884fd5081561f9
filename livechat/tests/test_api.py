"""The chat API for a learner's app: their chats only, opening one, the transcript, a message that reaches the
chat's open WebSockets, and bad input refused per field with nothing stored."""

import pytest
from rest_framework.test import APIClient

from accounts.roles import Role
from accounts.tests.factories import LearnerFactory, StaffFactory
from livechat import services
from livechat.models import Chat, ChatMessage, State

from .conftest import receive, receive_nothing

LIST_QUERIES = 8  # the session, the user and their consent and roles (middleware), their chats


def api_of(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.mark.django_db
def test_a_learner_opens_a_chat_reads_it_and_writes_in_it():
    learner = LearnerFactory()
    client = api_of(learner)

    opened = client.post(
        "/api/v1/chats/", {"message": "退费多久到账？", "opened_from": "/help/"}, format="json"
    )

    assert opened.status_code == 201
    chat = Chat.objects.get(learner=learner)
    assert opened.json()["reference"] == chat.reference and opened.json()["state"] == State.MESSAGE
    assert [m["body"] for m in opened.json()["messages"]] == ["退费多久到账？"]
    sent = client.post(f"/api/v1/chats/{chat.reference}/messages/", {"body": "订单号 123"}, format="json")
    assert sent.status_code == 201 and sent.json()["from_staff"] is False
    read = client.get(f"/api/v1/chats/{chat.reference}/").json()
    assert [m["body"] for m in read["messages"]] == ["退费多久到账？", "订单号 123"]
    assert [c["reference"] for c in client.get("/api/v1/chats/").json()] == [chat.reference]


@pytest.mark.django_db
def test_another_persons_chat_is_not_found_and_takes_no_message():
    chat = services.chat_open(actor=LearnerFactory(), first_message="我的问题")
    intruder = api_of(LearnerFactory())
    assert intruder.get(f"/api/v1/chats/{chat.reference}/").status_code == 404
    answer = intruder.post(f"/api/v1/chats/{chat.reference}/messages/", {"body": "偷看"}, format="json")
    assert answer.status_code == 404
    assert intruder.get("/api/v1/chats/").json() == []
    assert list(ChatMessage.objects.values_list("body", flat=True)) == ["我的问题"]
    assert APIClient().get("/api/v1/chats/").status_code in {401, 403}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "body, code",
    [
        ({"body": ""}, "blank"),
        ({"body": "字" * 2001}, "max_length"),
        ({}, "required"),
        ({"body": ["x"]}, "invalid"),
    ],
)
def test_a_bad_message_is_refused_next_to_its_field_and_stores_nothing(body, code):
    learner = LearnerFactory()
    chat = services.chat_open(actor=learner)
    answer = api_of(learner).post(f"/api/v1/chats/{chat.reference}/messages/", body, format="json")
    assert answer.status_code == 400 and answer.json()["body"], answer.json()
    assert not ChatMessage.objects.exists()


@pytest.mark.django_db
def test_an_ended_chat_takes_no_message_and_staff_open_no_chat():
    learner = LearnerFactory()
    agent = StaffFactory(roles=[Role.AGENT])
    chat = services.chat_open(actor=learner)
    services.chat_close(chat=chat, actor=agent)
    answer = api_of(learner).post(
        f"/api/v1/chats/{chat.reference}/messages/", {"body": "还在吗"}, format="json"
    )
    assert answer.status_code == 409 and not ChatMessage.objects.exists()
    assert api_of(agent).post("/api/v1/chats/", {"message": "x"}, format="json").status_code == 403
    assert Chat.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("chats", [1, 5])
def test_the_list_costs_the_same_queries_whatever_its_length(chats, django_assert_num_queries):
    learner = LearnerFactory()
    for _ in range(chats):
        services.chat_open(actor=learner)
    client = APIClient()
    client.force_login(learner)
    with django_assert_num_queries(LIST_QUERIES):
        assert len(client.get("/api/v1/chats/").json()) == chats


def test_a_message_sent_through_the_api_reaches_the_open_websockets_of_its_chat_only(
    chat_server, on_duty_agent, chat_learner
):
    chat = services.chat_open(actor=chat_learner)
    other = LearnerFactory()
    other_chat = services.chat_open(actor=other)
    with (
        chat_server.connect(f"/ws/chat/{chat.reference}/", chat_learner) as learner_ws,
        chat_server.connect(f"/ws/chat/{other_chat.reference}/", other) as other_ws,
    ):
        answer = api_of(chat_learner).post(
            f"/api/v1/chats/{chat.reference}/messages/", {"body": "从应用发来的"}, format="json"
        )
        assert answer.status_code == 201
        frame = receive(learner_ws)
        assert (frame["type"], frame["body"], frame["id"]) == ("message", "从应用发来的", answer.json()["id"])
        receive_nothing(other_ws)
