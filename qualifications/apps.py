from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QualificationsConfig(AppConfig):
    name = "qualifications"
    verbose_name = _("Qualifications")

    def ready(self) -> None:
        from . import notices, permissions  # noqa: F401  (registers the reading rules)

        notices.register()
