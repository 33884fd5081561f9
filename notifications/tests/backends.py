"""E-mail backends for delivery tests: one that refuses the next messages, one that waits mid-send."""

import smtplib
import threading

from django.core.mail.backends.locmem import EmailBackend


class FailingEmailBackend(EmailBackend):
    """Refuse the next ``fail_next`` messages as a mail server that hangs up would, then keep them."""

    fail_next = 0

    def send_messages(self, messages):
        if FailingEmailBackend.fail_next > 0:
            FailingEmailBackend.fail_next -= 1
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)


class RefusingRecipientBackend(EmailBackend):
    """Refuse the recipient with a server message that quotes the address, as real servers do."""

    def send_messages(self, messages):
        address = messages[0].to[0]
        raise smtplib.SMTPRecipientsRefused({address: (550, f"<{address}>: mailbox unavailable".encode())})


class BlockingEmailBackend(EmailBackend):
    """Signal ``sending`` once a send has begun, then wait for ``release`` before keeping the message."""

    sending = threading.Event()
    release = threading.Event()

    def send_messages(self, messages):
        BlockingEmailBackend.sending.set()
        if not BlockingEmailBackend.release.wait(timeout=20):
            raise TimeoutError("The test never released the send.")
        return super().send_messages(messages)
