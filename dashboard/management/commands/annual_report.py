"""Generate the year's complaints report (PDF and CSVs) from the command line."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from tqdm import tqdm

from dashboard.models import ReportRun
from dashboard.selectors import Scope, year_period
from dashboard.services import report_generate, report_run_start


class Command(BaseCommand):
    help = "Generate the year's complaints report (PDF and CSVs) and print where the files are."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument(
            "--language", default=settings.LANGUAGE_CODE, choices=[code for code, _n in settings.LANGUAGES]
        )

    def handle(self, *args, year: int, language: str, **options) -> None:
        if not 2000 <= year <= 2100:
            raise CommandError(_("Give a year between 2000 and 2100."))
        run = report_run_start(actor=None, scope=Scope(period=year_period(year)), language=language)
        with tqdm(total=100, unit="%", desc=str(year), file=self.stderr) as bar:

            def advance(percent: int) -> None:
                bar.update(percent - bar.n)

            run = report_generate(run=run, progress=advance)
        if run.state != ReportRun.State.DONE:
            raise CommandError(run.error)
        self.stdout.write(run.pdf.path)
        self.stdout.write(run.figures_csv.path)
        self.stdout.write(run.complaints_csv.path)
