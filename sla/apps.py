from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SlaConfig(AppConfig):
    name = "sla"
    verbose_name = _("Service levels")

    def ready(self) -> None:
        from core.health import health_detail_register, health_problem_register

        from .coverage import calendar_coverage_detail
        from .selectors import sweep_lag_problem

        health_detail_register("official_calendar", calendar_coverage_detail)
        health_problem_register("sla_sweep", sweep_lag_problem)
