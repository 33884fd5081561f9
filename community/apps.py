from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunityConfig(AppConfig):
    name = "community"
    verbose_name = _("Learner community")

    def ready(self) -> None:
        from . import complaint_drafts, notices, personal_data  # noqa: F401  (export and erasure)

        notices.register()
        complaint_drafts.register()
