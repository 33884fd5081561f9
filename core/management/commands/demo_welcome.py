"""Say where the running demo is and how to log in, once it answers and its first notices are out.

``scripts/run`` starts the web server, the worker and beat, then runs this: the worker's first minute
prints the demo's notices, and the address and the log-ins would scroll away if printed before them.
"""

import time
import urllib.error
import urllib.request
from collections.abc import Callable

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from accounts.demo import demo_login_lines
from notifications.selectors import notifications_due_count

POLL_SECONDS = 1.0


def site_answers(url: str) -> bool:
    """Whether the site's health check answers 200 (database, Redis and a worker all up)."""
    try:
        with urllib.request.urlopen(f"{url}healthz", timeout=2) as response:  # noqa: S310 (our own address)
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


class Command(BaseCommand):
    help = "Wait until the demo answers and its due notices are sent, then print its address and log-ins."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--url", required=True, help="the address the site listens on, ending in /")
        parser.add_argument(
            "--timeout", type=float, default=120.0, help="seconds to wait at most before printing anyway"
        )

    def handle(self, *args, url: str, timeout: float, **options) -> None:
        deadline = time.monotonic() + timeout
        self._wait_until(lambda: site_answers(url), deadline)
        self._wait_until(lambda: notifications_due_count() == 0, deadline)
        line = "─" * 72
        self.stdout.write(f"\n{line}")
        self.stdout.write(self.style.SUCCESS(_("The demo is running at %(url)s") % {"url": url}))
        addresses = {"admin": f"{url}admin/", "health": f"{url}healthz"}
        self.stdout.write(_("Staff workspace: %(admin)s · health: %(health)s") % addresses)
        self.stdout.write(_("Log in with any of these accounts:"))
        for login in demo_login_lines(password=settings.DEMO_PASSWORD, totp_secret=settings.DEMO_TOTP_SECRET):
            self.stdout.write(login)
        self.stdout.write(_("Each e-mail shows in the log as one line, “E-mail to …”. Ctrl-C stops all."))
        self.stdout.write(f"{line}\n")

    @staticmethod
    def _wait_until(condition: Callable[[], bool], deadline: float) -> None:
        while not condition() and time.monotonic() < deadline:
            time.sleep(POLL_SECONDS)
