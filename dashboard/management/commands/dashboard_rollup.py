"""Refresh the dashboard's stored daily facts now (beat does it every minute)."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from dashboard.services import rollup_refresh


class Command(BaseCommand):
    help = "Store the daily facts of the days changed since the last refresh; --rebuild recomputes every day."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--rebuild", action="store_true", help="Recompute every day, not only the changed ones."
        )

    def handle(self, *args, rebuild: bool, **options) -> None:
        result = rollup_refresh(rebuild=rebuild)
        message = _("Recomputed every day: %(days)d.") if result.rebuilt else _("Recomputed days: %(days)d.")
        self.stdout.write(message % {"days": result.days})
