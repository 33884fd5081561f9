from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CounselingConfig(AppConfig):
    name = "counseling"
    verbose_name = _("Counselling")

    def ready(self) -> None:
        from ratings.registry import RatedSubject, rated_subject_register

        from . import notices, permissions  # noqa: F401  (permissions registers its access rules)
        from .models import Counsellor

        notices.register()
        rated_subject_register(RatedSubject(model=Counsellor, repliers=counsellor_repliers))


def counsellor_repliers(counsellor_id: int) -> list[int]:
    """The counsellor themself answers published comments about them."""
    from .models import Counsellor

    return list(Counsellor.objects.filter(pk=counsellor_id).values_list("user_id", flat=True))
