"""Run one SLA sweep now (the beat schedule runs it every minute)."""

from django.core.management.base import BaseCommand

from sla.services import sla_sweep


class Command(BaseCommand):
    help = "Warn and escalate due SLA clocks once, now."

    def handle(self, *args, **options) -> None:
        result = sla_sweep()
        self.stdout.write(
            f"{result.warnings} warning(s), {result.breaches} breach(es), "
            f"{result.leadership} leadership escalation(s), {result.notices} notice(s)."
        )
