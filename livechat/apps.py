from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LivechatConfig(AppConfig):
    name = "livechat"
    verbose_name = _("Online customer service")

    def ready(self) -> None:
        from . import clocks, permissions  # noqa: F401  (permissions registers its access rules)

        clocks.register()
