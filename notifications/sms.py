"""SMS through a pluggable backend, in the manner of Django's e-mail backends.

``settings.SMS_BACKEND`` names the class; a provider's gateway implements ``SmsBackend.send`` and raises
``SmsDeliveryError`` when the provider refuses or cannot be reached, so the delivery task retries. It passes
the ``idempotency_key`` to the provider (most gateways take a client message id or request id), so that a
notice sent again after a crash, with the same key, reaches the phone once.
Shipped backends: console (development, number masked), file (JSON lines, for staging), locmem (tests).
"""

import json
import sys
from abc import ABC, abstractmethod
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

from core.errors import Unavailable


class SmsDeliveryError(Unavailable):
    """The message was not accepted; sending it again later may succeed."""


class SmsBackend(ABC):
    def __init__(self, **options) -> None:
        self.options = options

    @abstractmethod
    def send(self, *, to: str, text: str, idempotency_key: str = "") -> str:
        """Send one message to an 11-digit mainland mobile number; return the provider's message id.

        ``idempotency_key`` is the same for every attempt of one message: pass it to the provider, which
        then drops a repeat. Empty for a message that is never sent twice (a one-time code).
        """


def masked(number: str) -> str:
    return f"{number[:3]}****{number[-4:]}" if len(number) >= 7 else "****"


class ConsoleSmsBackend(SmsBackend):
    """Print messages; the number is masked so a development log holds no full mobile number."""

    def send(self, *, to: str, text: str, idempotency_key: str = "") -> str:
        stream = self.options.get("stream") or sys.stdout
        stream.write(f"SMS to {masked(to)}: {text}\n")
        stream.flush()
        return f"console-{timezone.now().timestamp()}"


class FileSmsBackend(SmsBackend):
    """Append each message as a JSON line to a file (settings.SMS_FILE_PATH)."""

    def send(self, *, to: str, text: str, idempotency_key: str = "") -> str:
        path = Path(self.options.get("path") or settings.SMS_FILE_PATH)
        path.parent.mkdir(parents=True, exist_ok=True)
        sent_at = timezone.now().isoformat()
        with path.open("a", encoding="utf-8") as file:
            line = {"to": to, "text": text, "sent_at": sent_at, "idempotency_key": idempotency_key}
            file.write(json.dumps(line, ensure_ascii=False) + "\n")
        return f"file-{sent_at}"


outbox: list[dict] = []


class LocmemSmsBackend(SmsBackend):
    """Keep messages in ``notifications.sms.outbox`` (tests); ``fail_next`` makes the next sends fail."""

    fail_next = 0

    def send(self, *, to: str, text: str, idempotency_key: str = "") -> str:
        if LocmemSmsBackend.fail_next > 0:
            LocmemSmsBackend.fail_next -= 1
            raise SmsDeliveryError("The test gateway refused the message.")
        outbox.append({"to": to, "text": text, "idempotency_key": idempotency_key})
        return f"locmem-{len(outbox)}"


def sms_backend() -> SmsBackend:
    return import_string(settings.SMS_BACKEND)(**getattr(settings, "SMS_BACKEND_OPTIONS", {}))
