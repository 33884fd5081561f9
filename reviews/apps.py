from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = _("Reviews")

    def ready(self) -> None:
        from . import (
            notices,
            opinions,
            permissions,  # noqa: F401  (registers the access rules)
        )

        notices.register()  # the reminders that a review is due
        opinions.register()  # points for the learners whose opinions a review gathered
