"""End to end in headless Chromium over the real ASGI server (pages and WebSockets on one origin): an agent
logs in to the admin with the second factor, goes on duty in the chat console by ticking its box; a learner
on their phone opens a chat from the "在线客服" entry on the page they were reading and asks a question; the
chat appears in the open console, and the agent joins it and answers. Each sees the other's message appear
without reloading; the database keeps the transcript in order, and nobody's page shows an error."""

import pytest

from accounts.roles import Role
from accounts.tests.factories import LearnerFactory, StaffFactory
from accounts.tests.second_factor import totp_device_for
from livechat.models import Chat, ChatMessage, DutyStatus
from livechat.tests.conftest import chat_server  # noqa: F401  (the real ASGI server)

from .test_browser_admin_lifecycle import DESKTOP, PASSWORD, PHONE, Screen, admin_log_in, site_log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

QUESTION = "我申请退费两周了，还没有消息。"
ANSWER = "您好，已为您查询，财务将在三个工作日内退回。"
THANKS = "好的，谢谢！"


class Origin:
    """What ``Screen`` needs of a server: its address."""

    def __init__(self, url: str) -> None:
        self.url = url


def wait_for(check, timeout_ms: int = 10_000, page=None) -> None:
    """Poll the database until ``check()`` holds (the server's threads handle the browser's frames)."""
    for _ in range(timeout_ms // 100):
        if check():
            return
        page.wait_for_timeout(100)
    assert check()


def test_a_learner_asks_on_their_phone_and_the_agent_on_duty_answers_in_the_console(
    browser,
    chat_server,  # noqa: F811
):
    server = Origin(chat_server.origin)
    agent = StaffFactory(email="agent@example.edu.cn", password=PASSWORD, roles=[Role.AGENT])
    totp_device_for(agent)
    learner = LearnerFactory(email="xiaoming@example.edu.cn", password=PASSWORD)

    # the agent logs in to the admin and goes on duty in the console
    staff = Screen(browser, server, DESKTOP)
    staff.goto("/admin/")
    admin_log_in(staff, agent)
    staff.goto("/admin/livechat/chat/console/")
    staff.page.get_by_label("我正在值班：新会话将等待我接待").check()
    wait_for(lambda: DutyStatus.objects.filter(staff=agent, on_duty=True).exists(), page=staff.page)
    staff.assert_no_error()

    # the learner opens a chat from the entry on the help centre's page, on their phone
    phone = Screen(browser, server, PHONE)
    site_log_in(phone, learner)
    phone.goto("/help/")
    phone.click(phone.page.get_by_role("link", name="在线客服").first)
    phone.page.get_by_label("您的问题（可选）").fill(QUESTION)
    phone.click(phone.page.get_by_role("button", name="发起会话"))
    chat = Chat.objects.get(learner=learner)
    assert chat.opened_from == "/help/" and not chat.left_as_message  # someone is on duty: no message left
    assert phone.page.url == f"{server.url}/chat/{chat.reference}/"
    assert QUESTION in phone.page.locator("#chat-transcript").inner_text()
    assert phone.page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    phone.assert_no_error()

    # the new chat appears in the agent's console without a reload; they join it and answer
    entry = staff.page.locator(f'#chat-open-list li[data-chat="{chat.reference}"]')
    entry.wait_for()
    assert "unread" in entry.get_attribute("class") and learner.display_name in entry.inner_text()
    entry.get_by_role("button", name=chat.reference).click()
    pane = staff.page.locator(f'.chat-pane[data-chat="{chat.reference}"]')
    pane.locator(".chat-transcript", has_text=QUESTION).wait_for()
    pane.get_by_label("您的回复").fill(ANSWER)
    pane.get_by_role("button", name="发送").click()

    # the answer appears on the learner's phone without a reload; their thanks reach the console the same way
    phone.page.locator("#chat-transcript", has_text=ANSWER).wait_for()
    phone.page.get_by_label("留言内容").fill(THANKS)
    phone.page.get_by_role("button", name="发送").click()
    pane.locator(".chat-transcript", has_text=THANKS).wait_for()

    wait_for(lambda: ChatMessage.objects.filter(chat=chat).count() == 3, page=phone.page)
    transcript = list(ChatMessage.objects.filter(chat=chat).order_by("created_at", "id"))
    expected = [(QUESTION, False), (ANSWER, True), (THANKS, False)]
    assert [(message.body, message.from_staff) for message in transcript] == expected
    chat.refresh_from_db()
    assert chat.agent == agent and chat.first_reply_at is not None
    assert phone.page.locator("#chat-error").inner_text() == ""
    phone.assert_no_error()
    # the console's pane keeps its error line, hidden, for a refused frame: none was refused
    assert pane.locator(".chat-error").is_hidden(), pane.locator(".chat-error").inner_text()
    assert staff.page.locator("#console-status").inner_text() == ""
    assert [entry for entry in staff.statuses if entry[0] >= 400] == []
