"""Recompute the stored daily facts of feedback for a range of days (beat refreshes the recent ones)."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from feedback.analysis.services import RECENT_DAYS, feedback_facts_refresh


class Command(BaseCommand):
    help = "Recompute the stored daily facts of feedback received from --from to --to (default: recent days)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--from", dest="first", type=datetime.date.fromisoformat)
        parser.add_argument("--to", dest="last", type=datetime.date.fromisoformat)

    def handle(self, *args, first, last, **options) -> None:
        last = last or timezone.localdate()
        first = first or last - datetime.timedelta(days=RECENT_DAYS - 1)
        if last < first or not (datetime.date(2000, 1, 1) <= first and last <= datetime.date(2100, 12, 31)):
            raise CommandError(_("Give a range from 2000 to 2100 that ends after it starts."))
        result = feedback_facts_refresh(first=first, last=last)
        self.stdout.write(_("Stored fact rows: %(rows)d.") % {"rows": result.rows})
