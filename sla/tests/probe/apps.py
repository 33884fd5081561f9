"""A second clock subject, installed in the test settings only, to show the SLA engine serves any domain."""

from django.apps import AppConfig


class ProbeConfig(AppConfig):
    name = "sla.tests.probe"
    label = "sla_probe"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from .clocks import register

        register()
