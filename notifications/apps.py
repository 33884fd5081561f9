from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from core.health import health_problem_register

        from .selectors import delivery_lag_problem

        health_problem_register("outbox", delivery_lag_problem)
