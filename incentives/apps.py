from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncentivesConfig(AppConfig):
    name = "incentives"
    verbose_name = _("Incentives")

    def ready(self) -> None:
        from . import (
            notices,
            permissions,  # noqa: F401  (registers the access rules)
            reasons,
        )

        reasons.register_builtin()  # the reasons the domains award points for
        notices.register()  # the notice of a reward
