from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivitiesConfig(AppConfig):
    name = "activities"
    verbose_name = _("Rights-knowledge activities")

    def ready(self) -> None:
        # permissions registers its access rules; personal_data adds registrations to the data export
        from . import notices, permissions, personal_data  # noqa: F401

        notices.register()
