"""Chats over real WebSockets against a real ASGI server: order, isolation, refusals and bad frames."""

import pytest
from websockets.exceptions import InvalidStatus

from accounts.tests.factories import LearnerFactory, StaffFactory
from livechat import services
from livechat.models import Chat, ChatMessage, State
from privacy.models import AccessLogEntry
from sla.models import Target

from .conftest import receive, receive_nothing, send

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_learner_and_an_agent_exchange_messages_in_order_and_another_learner_hears_none(
    chat_server, on_duty_agent, chat_learner
):
    # given a chat opened while an agent is on duty, and a second learner in a chat of their own
    chat = services.chat_open(actor=chat_learner, opened_from="/help/")
    other = LearnerFactory()
    other_chat = services.chat_open(actor=other)
    assert chat.state == State.WAITING

    with (
        chat_server.connect(f"/ws/chat/{chat.reference}/", chat_learner) as learner_ws,
        chat_server.connect("/ws/chat-console/", on_duty_agent) as console,
        chat_server.connect(f"/ws/chat/{other_chat.reference}/", other) as other_ws,
    ):
        send(console, {"type": "join", "chat": chat.reference})
        joined = receive(console)
        assert joined["type"] == "joined" and joined["chat"] == chat.reference and joined["messages"] == []

        # when they write in turn, the learner three times in a row at the end
        send(learner_ws, {"type": "message", "body": "你好，我想咨询退费"})
        first = receive(learner_ws)
        assert receive(console)["body"] == first["body"]
        assert receive(console)["type"] == "activity"
        send(console, {"type": "message", "chat": chat.reference, "body": "您好，请讲"})
        reply = receive(learner_ws)
        for number in range(3):
            send(learner_ws, {"type": "message", "body": f"第{number}条"})

        # then both sides see every message once, in the order stored
        learner_seen = [first["body"], reply["body"]] + [receive(learner_ws)["body"] for _ in range(3)]
        console_frames = [receive(console) for _ in range(7)]
        console_seen = [frame["body"] for frame in console_frames if frame["type"] == "message"]
        stored = list(ChatMessage.objects.filter(chat=chat).order_by("created_at", "id"))
        assert learner_seen == [message.body for message in stored]
        assert console_seen == [message.body for message in stored[1:]]
        assert [message.from_staff for message in stored] == [False, True, False, False, False]
        assert reply["from_staff"] is True and reply["author"] == on_duty_agent.display_name
        # and the second learner received none of it
        receive_nothing(other_ws)

    chat.refresh_from_db()
    assert chat.state == State.ACTIVE and chat.agent == on_duty_agent and chat.first_reply_at is not None
    assert not ChatMessage.objects.filter(chat=other_chat).exists()
    # the agent's opening of the transcript in the console is in the learner's access log
    read = AccessLogEntry.objects.get(actor=on_duty_agent, screen="chat console")
    assert (read.subject, read.object_id) == (chat_learner, str(chat.pk))


def test_a_learner_cannot_join_another_learners_chat(chat_server, on_duty_agent, chat_learner):
    chat = services.chat_open(actor=chat_learner)
    intruder = LearnerFactory()

    with pytest.raises(InvalidStatus) as refused:
        chat_server.connect(f"/ws/chat/{chat.reference}/", intruder)

    assert refused.value.response.status_code == 403
    assert ChatMessage.objects.count() == 0


@pytest.mark.parametrize("who", ["anonymous", "staff without a second factor"])
def test_a_connection_without_a_verified_session_is_refused(chat_server, chat_learner, who):
    chat = services.chat_open(actor=chat_learner)
    cookie = None
    if who != "anonymous":
        from django.contrib.auth import SESSION_KEY
        from django.contrib.sessions.backends.db import SessionStore

        agent = StaffFactory(is_staff=True)
        session = SessionStore()
        session[SESSION_KEY] = str(agent.pk)
        session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
        session["_auth_user_hash"] = agent.get_session_auth_hash()
        session.save()
        cookie = session.session_key

    for path in (f"/ws/chat/{chat.reference}/", "/ws/chat-console/"):
        with pytest.raises(InvalidStatus):
            chat_server.connect(path, session_cookie=cookie)


def test_a_connection_from_another_sites_page_is_refused(chat_server, chat_learner):
    chat = services.chat_open(actor=chat_learner)

    with pytest.raises(InvalidStatus) as refused:
        chat_server.connect(f"/ws/chat/{chat.reference}/", chat_learner, origin="https://evil.example.com")

    assert refused.value.response.status_code == 403


def test_staff_read_chats_in_the_console_not_on_the_learners_page(chat_server, on_duty_agent, chat_learner):
    chat = services.chat_open(actor=chat_learner)

    with pytest.raises(InvalidStatus):
        chat_server.connect(f"/ws/chat/{chat.reference}/", on_duty_agent)


def test_a_learner_cannot_open_the_staff_console(chat_server, chat_learner):
    with pytest.raises(InvalidStatus):
        chat_server.connect("/ws/chat-console/", chat_learner)


BAD_FRAMES = {
    "an empty message": ('{"type": "message", "body": ""}', "empty_message"),
    "only spaces": ('{"type": "message", "body": "   \\n "}', "empty_message"),
    "a body that is not text": ('{"type": "message", "body": 42}', "empty_message"),
    "a message over 2,000 characters": (
        '{"type": "message", "body": "' + "长" * 2001 + '"}',
        "message_too_long",
    ),
    "an oversize frame": ('{"type": "message", "body": "' + "x" * 9000 + '"}', "frame_too_large"),
    "not JSON": ("hello", "not_json"),
    "JSON that is not an object": ("[1, 2]", "bad_frame"),
    "an unknown type": ('{"type": "shout", "body": "hi"}', "bad_frame"),
    "a NUL character": ('{"type": "message", "body": "a\\u0000b"}', "invalid_message"),
}


@pytest.mark.parametrize(("frame", "code"), BAD_FRAMES.values(), ids=BAD_FRAMES.keys())
def test_a_bad_frame_gets_a_clear_error_and_stores_nothing(chat_server, chat_learner, frame, code):
    chat = services.chat_open(actor=chat_learner)

    with chat_server.connect(f"/ws/chat/{chat.reference}/", chat_learner) as ws:
        ws.send(frame)
        answer = receive(ws)
        # the connection stays usable after a refused frame
        send(ws, {"type": "message", "body": "还在吗"})
        after = receive(ws)

    assert answer["type"] == "error" and answer["code"] == code and answer["message"]
    assert after["type"] == "message"
    assert list(ChatMessage.objects.values_list("body", flat=True)) == ["还在吗"]


def test_a_binary_frame_gets_a_clear_error_and_stores_nothing(chat_server, chat_learner):
    chat = services.chat_open(actor=chat_learner)

    with chat_server.connect(f"/ws/chat/{chat.reference}/", chat_learner) as ws:
        ws.send(b"\x00\x01")
        answer = receive(ws)

    assert answer == {"type": "error", "code": "not_text", "message": answer["message"]}
    assert ChatMessage.objects.count() == 0


def test_an_ended_chat_refuses_new_messages(chat_server, chat_learner):
    chat = services.chat_open(actor=chat_learner)
    services.chat_close(chat=chat, actor=chat_learner)

    with chat_server.connect(f"/ws/chat/{chat.reference}/", chat_learner) as ws:
        send(ws, {"type": "message", "body": "你好"})
        answer = receive(ws)

    assert answer["type"] == "error" and answer["code"] == "chat_closed"
    assert ChatMessage.objects.count() == 0


def test_access_is_checked_on_every_frame(chat_server, on_duty_agent, chat_learner):
    # given an agent connected to the console, who then loses the agents' role
    chat = services.chat_open(actor=chat_learner)
    with chat_server.connect("/ws/chat-console/", on_duty_agent) as console:
        send(console, {"type": "join", "chat": chat.reference})
        assert receive(console)["type"] == "joined"
        on_duty_agent.groups.clear()

        send(console, {"type": "message", "chat": chat.reference, "body": "您好"})
        answer = receive(console)

    assert answer["type"] == "error" and answer["code"] == "not_found"
    assert ChatMessage.objects.count() == 0


def test_a_chat_opened_when_nobody_is_on_duty_gets_its_reply_target(chat_server, chat_learner):
    from livechat.clocks import chat_clocks

    chat = services.chat_open(actor=chat_learner, first_message="请回电话")

    assert chat.state == State.MESSAGE and chat.left_as_message
    reply = chat_clocks().get(subject_id=chat.pk, target=Target.FIRST_RESPONSE)
    assert reply.due_at is not None and reply.due_at > chat.created_at and reply.met_at is None
    # an agent who comes on duty answers it through the console; the reply target is met
    agent = StaffFactory(is_staff=True)
    with chat_server.connect("/ws/chat-console/", agent) as console:
        send(console, {"type": "duty", "on_duty": True})
        assert receive(console) == {"type": "duty", "on_duty": True}
        send(console, {"type": "join", "chat": chat.reference})
        assert [m["body"] for m in receive(console)["messages"]] == ["请回电话"]
        send(console, {"type": "message", "chat": chat.reference, "body": "已收到您的留言"})
        assert receive(console)["type"] == "message"
    reply.refresh_from_db()
    assert reply.met_at is not None
    assert Chat.objects.get(pk=chat.pk).agent == agent
