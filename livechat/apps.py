from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LivechatConfig(AppConfig):
    name = "livechat"
    verbose_name = _("Online customer service")

    def ready(self) -> None:
        # permissions registers its access rules; personal_data its export section and erasure.
        from . import clocks, notices, permissions, personal_data  # noqa: F401

        clocks.register()
        notices.register()
