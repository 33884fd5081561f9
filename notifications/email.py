"""A console e-mail backend for development that prints one short line per message.

Django's console backend prints every message whole; with a demo's notices the log scrolls away at once.
This one prints who it is to, the subject and the links, which is what a developer follows. For the full
text, send mail to files instead (``EMAIL_URL=filemail:///path/to/folder``).
"""

import re

from django.core.mail.backends.console import EmailBackend as DjangoConsoleBackend
from django.core.mail.message import EmailMessage

# A link runs over the characters a URL may hold, so Chinese text or punctuation right after it stays out.
LINK_RE = re.compile(r"https?://[A-Za-z0-9\-._~:/?#\[\]@!$&*+,;=%]+")


def email_summary(message: EmailMessage) -> str:
    """One line: recipients, subject, and each distinct link in the text body, in order."""
    links = list(dict.fromkeys(link.rstrip(".,;:!?") for link in LINK_RE.findall(message.body or "")))
    line = f"E-mail to {', '.join(message.recipients())}: {message.subject}"
    return " · ".join([line, *links])


class ConsoleSummaryEmailBackend(DjangoConsoleBackend):
    def write_message(self, message: EmailMessage) -> None:
        self.stream.write(email_summary(message) + "\n")
