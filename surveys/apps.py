from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "surveys"
    verbose_name = _("Surveys")

    def ready(self) -> None:
        from . import (
            notices,
            permissions,  # noqa: F401  (registers the access rules)
        )

        notices.register()  # the survey's notice kinds: opened, reminders
