"""The roles people play; each is a Django group of the same name."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    LEARNER = "learner", _("Learner")
    PARENT = "parent", _("Parent")
    AGENT = "agent", _("Support agent")
    SUPERVISOR = "supervisor", _("Supervisor")
    MANAGER = "manager", _("Manager")
    LEADERSHIP = "leadership", _("Leadership group")
    COUNSELLOR = "counsellor", _("Counsellor")
    INSTRUCTOR = "instructor", _("Instructor")
    LEGAL = "legal", _("Legal counsel")
    SAFETY_OFFICER = "safety_officer", _("Safety officer")


# Roles whose holders work in the staff admin.
STAFF_ROLES = frozenset(
    {Role.AGENT, Role.SUPERVISOR, Role.MANAGER, Role.LEADERSHIP, Role.LEGAL, Role.SAFETY_OFFICER}
)
