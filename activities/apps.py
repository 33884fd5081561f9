from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivitiesConfig(AppConfig):
    name = "activities"
    verbose_name = _("Rights-knowledge activities")

    def ready(self) -> None:
        from . import notices, permissions  # noqa: F401  (permissions registers its access rules)

        notices.register()
