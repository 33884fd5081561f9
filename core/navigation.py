"""The site's navigation: each entry names the roles that see it."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.roles import STAFF_ROLES, Role


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    roles: frozenset[str] | None  # None: every logged-in user

    @property
    def url(self) -> str:
        return reverse(self.url_name)


NAVIGATION: tuple[NavItem, ...] = (
    NavItem(_("Home"), "home", None),
    NavItem(_("My complaints"), "complaints:list", frozenset({str(Role.LEARNER), str(Role.PARENT)})),
    NavItem(_("File a complaint"), "complaints:new", frozenset({str(Role.LEARNER), str(Role.PARENT)})),
    NavItem(_("My feedback"), "feedback:list", frozenset({str(Role.LEARNER), str(Role.PARENT)})),
    NavItem(_("My courses"), "refunds:my-courses", frozenset({str(Role.LEARNER), str(Role.PARENT)})),
    NavItem(_("My evaluations"), "courses:my-evaluations", frozenset({str(Role.INSTRUCTOR)})),
    NavItem(_("Counselling"), "counseling:find", frozenset({str(Role.LEARNER)})),
    NavItem(_("My schedule"), "counseling:schedule", frozenset({str(Role.COUNSELLOR)})),
    NavItem(_("Activities"), "activities:list", None),
    NavItem(_("My points"), "incentives:my-points", frozenset({str(Role.LEARNER)})),
    # Term surveys ask learners; opinion surveys may ask teachers and the team as well.
    NavItem(
        _("My surveys"),
        "surveys:list",
        frozenset(str(role) for role in {Role.LEARNER, Role.INSTRUCTOR} | STAFF_ROLES),
    ),
    NavItem(_("Help centre"), "helpcentre:index", None),
    NavItem(_("Community"), "community:home", None),
    NavItem(_("My notices"), "notifications:inbox", None),
    NavItem(_("My data"), "privacy:my-data", None),
    NavItem(_("My account"), "account", None),
    NavItem(_("Dashboard"), "dashboard:page", frozenset({str(Role.MANAGER), str(Role.LEADERSHIP)})),
    NavItem(_("Reviews"), "reviews:list", frozenset({str(Role.MANAGER), str(Role.LEADERSHIP)})),
    NavItem(_("Staff workspace"), "admin:index", frozenset(str(role) for role in STAFF_ROLES)),
    NavItem(
        _("API documentation"), "api-docs", frozenset(str(role) for role in STAFF_ROLES | {Role.MANAGER})
    ),
)
