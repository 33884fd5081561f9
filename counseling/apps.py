from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CounselingConfig(AppConfig):
    name = "counseling"
    verbose_name = _("Counselling")

    def ready(self) -> None:
        from qualifications.registry import QualifiedHolder, qualified_holder_register
        from ratings.registry import RatedSubject, rated_subject_register

        from . import clocks, notices, permissions, personal_data  # noqa: F401  (rules, export part)
        from .models import Counsellor

        notices.register()
        clocks.register()
        rated_subject_register(RatedSubject(model=Counsellor, repliers=counsellor_repliers))
        qualified_holder_register(
            QualifiedHolder(model=Counsellor, person_field="user", on_lapse=counsellors_lapsed)
        )


def counsellor_repliers(counsellor_id: int) -> list[int]:
    """The counsellor themself answers published comments about them."""
    from .models import Counsellor

    return list(Counsellor.objects.filter(pk=counsellor_id).values_list("user_id", flat=True))


def counsellors_lapsed(counsellor_ids) -> None:
    """A counsellor's qualification lapsed or was suspended: their future appointments are cancelled and each
    client is offered counsellors of the same speciality."""
    from .services import counsellors_lapsed_handle

    counsellors_lapsed_handle(counsellor_ids=counsellor_ids)
