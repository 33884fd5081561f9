from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HelpcentreConfig(AppConfig):
    name = "helpcentre"
    verbose_name = _("Help centre")

    def ready(self) -> None:
        from . import personal_data  # noqa: F401  (adds the person's helpful votes to the data export)
