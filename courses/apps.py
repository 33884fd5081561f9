from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = _("Courses")

    def ready(self) -> None:
        from qualifications.registry import QualifiedHolder, qualified_holder_register

        from .models import Instructor

        # An instructor must hold a verified, valid teaching certificate to be assigned to a course; one who
        # lapses is flagged on the courses they teach (by the query, at once), so no callback is needed.
        qualified_holder_register(QualifiedHolder(model=Instructor, person_field="user"))
