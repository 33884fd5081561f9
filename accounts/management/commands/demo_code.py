"""Print the code the demo staff's authenticator app shows now, for whoever tries the demo without an app."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.demo import demo_totp_code


class Command(BaseCommand):
    help = "Print the current second-factor code of the demo's staff accounts (their shared demo key)."

    def handle(self, *args, **options) -> None:
        if not settings.DEMO_DATA_ALLOWED:
            raise CommandError("Demo data is not allowed here (DEMO_DATA_ALLOWED is off).")
        self.stdout.write(demo_totp_code(totp_secret=settings.DEMO_TOTP_SECRET))
