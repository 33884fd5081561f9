from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "feedback"
    verbose_name = _("Feedback")

    def ready(self) -> None:
        from . import clocks, notices, permissions  # noqa: F401  (permissions registers its access rules)

        clocks.register()
        notices.register()
