"""Backends for delivery tests: e-mail that refuses the next messages or waits mid-send, and e-mail and SMS
that stop the process right after the hand-over."""

import json
import os
import smtplib
import threading
from pathlib import Path

from django.core.mail.backends.locmem import EmailBackend

from notifications.sms import SmsBackend


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


# Exit status of a process that a backend below stopped right after the hand-over.
DIED_AFTER_SEND = 17


class DyingAfterSendEmailBackend(EmailBackend):
    """Write each message to ``EMAIL_FILE_PATH`` as the mail server accepting it, then stop the process at
    once, as a killed worker would: before the delivery can record that it was sent."""

    def send_messages(self, messages):
        from django.conf import settings

        path = Path(settings.EMAIL_FILE_PATH) / "accepted.jsonl"
        with path.open("a", encoding="utf-8") as out:
            for message in messages:
                out.write(json.dumps({"to": message.to, "message_id": message.extra_headers["Message-ID"]}))
                out.write("\n")
        os._exit(DIED_AFTER_SEND)


class DyingAfterSendSmsBackend(SmsBackend):
    """The SMS counterpart: the provider takes the message (with its idempotency key), then the process
    stops."""

    def send(self, *, to: str, text: str, idempotency_key: str = "") -> str:
        path = Path(self.options["path"])
        with path.open("a", encoding="utf-8") as out:
            out.write(json.dumps({"to": to, "idempotency_key": idempotency_key}) + "\n")
        os._exit(DIED_AFTER_SEND)
