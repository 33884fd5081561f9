from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "complaints"
    verbose_name = _("Complaints")

    def ready(self) -> None:
        from . import (
            clocks,
            drafts,
            permissions,  # noqa: F401  (registers the access rules)
            personal_data,  # noqa: F401  (adds complaints to the data export and to erasure)
        )

        drafts.register()  # a course not as advertised: the complaint filled in from the promise
        clocks.register()  # the complaint as an SLA clock subject, and its SLA notices
