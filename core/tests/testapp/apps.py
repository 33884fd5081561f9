from django.apps import AppConfig

# The mentors the qualifications module said lapsed, call by call (the tests read and clear it).
MENTOR_LAPSES: list[list[int]] = []


class CoreTestAppConfig(AppConfig):
    name = "core.tests.testapp"
    label = "core_testapp"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from qualifications.registry import QualifiedHolder, qualified_holder_register
        from ratings.registry import RatedSubject, rated_subject_register

        from .models import Mentor

        def mentor_repliers(mentor_id: int) -> list[int]:
            return list(
                Mentor.objects.filter(pk=mentor_id, user__isnull=False).values_list("user_id", flat=True)
            )

        rated_subject_register(RatedSubject(model=Mentor, repliers=mentor_repliers))
        qualified_holder_register(
            QualifiedHolder(
                model=Mentor, person_field="user", on_lapse=lambda ids: MENTOR_LAPSES.append(list(ids))
            )
        )
