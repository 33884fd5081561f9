"""The development console prints one short line per e-mail: recipients, subject and links, not the text."""

import io

from django.core.mail import EmailMessage, EmailMultiAlternatives

from notifications.email import ConsoleSummaryEmailBackend


def test_each_message_is_one_line_with_its_recipients_subject_and_links():
    # given two messages, one with a link twice and an HTML part
    stream = io.StringIO()
    first = EmailMultiAlternatives(
        subject="投诉 TS-2026-000002 已受理",
        body=(
            "您好：\n您的投诉已由王客服受理。\n查看：http://127.0.0.1:8104/complaints/TS-2026-000002/\n"
            "再次查看：http://127.0.0.1:8104/complaints/TS-2026-000002/\n"
            "通知设置：http://127.0.0.1:8104/notifications/preferences/。谢谢。\n"
        ),
        to=["learner2@demo.edu.cn"],
        cc=["parent@demo.edu.cn"],
    )
    first.attach_alternative('<p><a href="http://127.0.0.1:8104/other/">查看</a></p>', "text/html")
    second = EmailMessage(subject="Password reset", body="No link here.", to=["agent@demo.edu.cn"])
    third = EmailMessage(
        subject="Reset", body="Go to https://example.edu.cn/reset/a1-b2/.", to=["x@demo.edu.cn"]
    )

    # when the backend sends them
    sent = ConsoleSummaryEmailBackend(stream=stream).send_messages([first, second, third])

    # then each is one line, links in order and once each, and neither the text nor the HTML is printed
    assert sent == 3
    assert stream.getvalue() == (
        "E-mail to learner2@demo.edu.cn, parent@demo.edu.cn: 投诉 TS-2026-000002 已受理"
        " · http://127.0.0.1:8104/complaints/TS-2026-000002/"
        " · http://127.0.0.1:8104/notifications/preferences/\n"
        "E-mail to agent@demo.edu.cn: Password reset\n"
        "E-mail to x@demo.edu.cn: Reset · https://example.edu.cn/reset/a1-b2/\n"
    )
