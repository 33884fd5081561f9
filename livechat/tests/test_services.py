"""Opening, answering and ending chats; off duty a chat becomes a message with a reply target (SLA)."""

import datetime

import pytest

from accounts.models import Department
from accounts.roles import Role
from accounts.tests.factories import LearnerFactory, StaffFactory
from livechat import services
from livechat.clocks import SLA_BREACH, chat_clocks
from livechat.errors import ChatClosed, ChatNotAllowed, MessageEmpty, MessageTooLong
from livechat.models import Chat, ChatMessage, State
from livechat.notices import MESSAGE_ANSWERED
from notifications.models import Notification
from sla.models import Escalation, Target
from sla.services import sla_sweep

pytestmark = pytest.mark.django_db


@pytest.fixture
def agent():
    return StaffFactory(is_staff=True, roles=[Role.AGENT])


def test_a_chat_opened_while_an_agent_is_on_duty_waits_for_them_and_has_no_clock(agent):
    services.duty_set(actor=agent, on_duty=True)

    chat = services.chat_open(actor=LearnerFactory(), opened_from="/help/articles/refund/?q=x")

    assert chat.state == State.WAITING and not chat.left_as_message
    assert chat.reference.startswith("KF-")
    assert chat.opened_from == "/help/articles/refund/"
    assert not chat_clocks().filter(subject_id=chat.pk).exists()


def test_a_chat_opened_while_nobody_is_on_duty_becomes_a_message_with_a_reply_target(agent):
    services.duty_set(actor=agent, on_duty=True)
    services.duty_set(actor=agent, on_duty=False)  # gone off duty again

    chat = services.chat_open(actor=LearnerFactory(), first_message="请下班后回复我")

    assert chat.state == State.MESSAGE and chat.left_as_message
    clocks = {clock.target: clock for clock in chat_clocks().filter(subject_id=chat.pk)}
    assert set(clocks) == set(Target)
    reply = clocks[Target.FIRST_RESPONSE]
    assert reply.due_at > chat.created_at and reply.met_at is None
    assert list(ChatMessage.objects.filter(chat=chat).values_list("body", flat=True)) == ["请下班后回复我"]


def test_an_agent_on_duty_who_is_inactive_does_not_count(agent):
    services.duty_set(actor=agent, on_duty=True)
    agent.is_active = False
    agent.save(update_fields=["is_active"])

    assert services.chat_open(actor=LearnerFactory()).state == State.MESSAGE


def test_the_first_staff_reply_takes_the_chat_and_meets_its_reply_target(agent):
    chat = services.chat_open(actor=LearnerFactory())

    services.chat_message_post(chat=chat, actor=agent, body="您好，已看到留言")

    chat.refresh_from_db()
    assert (chat.state, chat.agent, chat.first_reply_at is not None) == (State.ACTIVE, agent, True)
    clocks = {clock.target: clock for clock in chat_clocks().filter(subject_id=chat.pk)}
    assert clocks[Target.FIRST_RESPONSE].met_at == chat.first_reply_at
    assert clocks[Target.ACKNOWLEDGE].met_at == chat.assigned_at
    assert clocks[Target.RESOLUTION].met_at is None

    services.chat_close(chat=chat, actor=agent)
    assert chat_clocks().get(subject_id=chat.pk, target=Target.RESOLUTION).met_at is not None
    # the learner, who left the message, is told it has been answered, once
    told = Notification.objects.filter(kind=MESSAGE_ANSWERED, recipient=chat.learner)
    assert told.filter(channel="in_app").count() == 1


def test_an_unanswered_message_escalates_once_to_the_customer_service_supervisor():
    supervisor = StaffFactory(is_staff=True, roles=[Role.SUPERVISOR])
    Department.objects.filter(code="customer_service").update(supervisor=supervisor)
    chat = services.chat_open(actor=LearnerFactory())
    reply = chat_clocks().get(subject_id=chat.pk, target=Target.FIRST_RESPONSE)

    sla_sweep(now=reply.due_at + datetime.timedelta(minutes=1))
    sla_sweep(now=reply.due_at + datetime.timedelta(minutes=2))

    breaches = Escalation.objects.filter(
        subject_type=reply.subject_type, subject_id=chat.pk, level=Escalation.Level.BREACH
    )
    assert set(breaches.values_list("target", flat=True)) >= {Target.FIRST_RESPONSE}
    assert breaches.filter(target=Target.FIRST_RESPONSE).count() == 1
    told = Notification.objects.filter(kind=SLA_BREACH, channel="in_app")
    assert set(told.values_list("recipient_id", flat=True)) == {supervisor.pk}


@pytest.mark.parametrize(
    ("body", "error"),
    [("", MessageEmpty), ("  \n", MessageEmpty), (None, MessageEmpty), ("字" * 2001, MessageTooLong)],
)
def test_a_bad_message_is_refused_and_nothing_is_stored(agent, body, error):
    chat = services.chat_open(actor=LearnerFactory())

    with pytest.raises(error):
        services.chat_message_post(chat=chat, actor=chat.learner, body=body)

    assert not ChatMessage.objects.exists()


def test_only_the_learner_and_the_answering_staff_write_in_a_chat(agent):
    chat = services.chat_open(actor=LearnerFactory())
    manager = StaffFactory(is_staff=True, roles=[Role.MANAGER])

    for outsider in (LearnerFactory(), manager):
        with pytest.raises(ChatNotAllowed):
            services.chat_message_post(chat=chat, actor=outsider, body="你好")

    assert not ChatMessage.objects.exists()
    assert Chat.objects.get(pk=chat.pk).agent is None


def test_staff_do_not_open_chats_and_an_ended_chat_takes_no_message(agent):
    with pytest.raises(ChatNotAllowed):
        services.chat_open(actor=agent)
    chat = services.chat_open(actor=LearnerFactory())
    services.chat_close(chat=chat, actor=chat.learner)

    with pytest.raises(ChatClosed):
        services.chat_message_post(chat=chat, actor=agent, body="您好")
    assert not ChatMessage.objects.exists()


def test_only_staff_who_answer_chats_go_on_duty():
    with pytest.raises(ChatNotAllowed):
        services.duty_set(actor=StaffFactory(is_staff=True, roles=[Role.LEGAL]), on_duty=True)
    with pytest.raises(ChatNotAllowed):
        services.duty_set(actor=LearnerFactory(), on_duty=True)


def test_transcripts_past_their_retention_are_deleted_and_the_chats_stay(agent, settings):
    import datetime as dt

    from django.utils import timezone

    settings.LIVECHAT_TRANSCRIPT_RETENTION_DAYS = 30
    old = services.chat_open(actor=LearnerFactory(), first_message="旧的")
    services.chat_close(chat=old, actor=old.learner)
    Chat.objects.filter(pk=old.pk).update(closed_at=timezone.now() - dt.timedelta(days=31))
    recent = services.chat_open(actor=LearnerFactory(), first_message="新的")
    services.chat_close(chat=recent, actor=recent.learner)
    still_open = services.chat_open(actor=LearnerFactory(), first_message="进行中")

    assert services.chat_transcripts_purge() == 1
    assert services.chat_transcripts_purge() == 0
    assert Chat.objects.filter(pk=old.pk).exists()
    assert set(ChatMessage.objects.values_list("chat_id", flat=True)) == {recent.pk, still_open.pk}


def test_a_persons_export_holds_their_chats_and_erasure_deletes_the_messages(agent):
    import io
    import json
    import zipfile

    from privacy.services import ANONYMISERS, personal_data_export

    learner = LearnerFactory()
    chat = services.chat_open(actor=learner, first_message="我的问题")
    services.chat_message_post(chat=chat, actor=agent, body="我们的答复")
    other = services.chat_open(actor=LearnerFactory(), first_message="别人的问题")

    archive = zipfile.ZipFile(io.BytesIO(personal_data_export(user=learner)))
    exported = json.loads(archive.read(archive.namelist()[0]))
    assert [entry["reference"] for entry in exported["chats"]] == [chat.reference]
    assert [m["text"] for m in exported["chats"][0]["messages"]] == ["我的问题", "我们的答复"]
    assert "别人的问题" not in json.dumps(exported, ensure_ascii=False)

    for anonymise in ANONYMISERS:
        anonymise(learner)
    assert not ChatMessage.objects.filter(chat=chat).exists()
    assert ChatMessage.objects.filter(chat=other).count() == 1
