"""Fill the database with one demo institution; running it again changes nothing."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.demo import demo_login_lines, seed_people
from complaints.demo import seed_complaints
from courses.demo import seed_courses


class Command(BaseCommand):
    help = "Create demo departments, staff of every role, courses, learners with enrolments and a parent."

    def handle(self, *args, **options) -> None:
        if not settings.DEMO_DATA_ALLOWED:
            raise CommandError(
                "Demo data is not allowed here (DEMO_DATA_ALLOWED is off): it has known passwords."
            )
        password = settings.DEMO_PASSWORD
        with transaction.atomic():
            seed_people(password=password, totp_secret=settings.DEMO_TOTP_SECRET)
            seed_courses()
            seed_complaints()
        if options["verbosity"] == 0:
            return
        self.stdout.write(self.style.SUCCESS(_("Demo data is ready. Log in with any of these accounts:")))
        for line in demo_login_lines(password=password, totp_secret=settings.DEMO_TOTP_SECRET):
            self.stdout.write(line)
