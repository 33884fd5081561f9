from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RefundsConfig(AppConfig):
    name = "refunds"
    verbose_name = _("Refunds")

    def ready(self) -> None:
        from . import (
            clocks,
            complaint_drafts,
            notices,
            permissions,  # noqa: F401  (registers the access rules)
            personal_data,  # noqa: F401  (adds refund requests to the data export)
        )

        clocks.register()
        notices.register()
        complaint_drafts.register()
