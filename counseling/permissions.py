"""Who reaches which appointments (see privacy.policy); pages, the API and the admin all filter by these.

VIEW
- the client and their guardians; the counsellor of the appointment;
- the platform's counselling desk: agents, supervisors, managers and the leadership group.

CHANGE
- the client (cancel), the counsellor (attended, no-show, cancel); agents, supervisors and the leadership
  group (waive a no-show). Each service checks which of these may make its move.
"""

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import OuterRef, Q

from accounts.models import Guardianship, User
from accounts.roles import Role
from privacy import policy

from .models import Appointment, Counsellor, SafetyCase

READING_ROLES = frozenset({str(Role.AGENT), str(Role.SUPERVISOR), str(Role.MANAGER), str(Role.LEADERSHIP)})
HANDLING_ROLES = frozenset({str(Role.AGENT), str(Role.SUPERVISOR), str(Role.LEADERSHIP)})


def _read_reach(user: User) -> tuple[tuple[int, ...], tuple[int, ...]]:
    person = OuterRef("pk")
    row = (
        User.objects.filter(pk=user.pk)
        .annotate(
            wards=ArraySubquery(Guardianship.objects.filter(guardian=person).values("learner_id")),
            counsellors=ArraySubquery(Counsellor.objects.filter(user=person).values("pk")),
        )
        .values_list("wards", "counsellors")
        .first()
    )
    wards, counsellors = row or ((), ())
    return tuple(wards), tuple(counsellors)


def reach(user: User) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """The reader's wards and their own counsellor profile (if any), read once per request."""
    return policy.remember(user, "counselling:reach", lambda: _read_reach(user))


def is_counselling_staff(user: User) -> bool:
    return bool(user.is_authenticated and user.role_names & READING_ROLES)


def may_handle_counselling(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active and user.role_names & HANDLING_ROLES)


def counsellor_of(user: User) -> int | None:
    """The id of the user's own counsellor profile, or None."""
    if not user.is_authenticated:
        return None
    counsellors = reach(user)[1]
    return counsellors[0] if counsellors else None


@policy.rule(Appointment, policy.VIEW)
def appointments_visible_by_relation(user: User) -> Q:
    if user.role_names & READING_ROLES:
        return policy.EVERYTHING
    wards, counsellors = reach(user)
    return Q(client=user) | Q(client__in=wards) | Q(counsellor__in=counsellors)


@policy.rule(Appointment, policy.CHANGE)
def appointments_changeable_by_relation(user: User) -> Q:
    if user.role_names & HANDLING_ROLES:
        return policy.EVERYTHING
    _wards, counsellors = reach(user)
    return Q(client=user) | Q(counsellor__in=counsellors)


# --- Session records and supervision ------------------------------------------------------------------------
# Session records follow no relation but the counsellor's own: the desk does not read them. A supervisor reads
# them only through a RecordGrant in force (selectors.records_readable); the platform's managers and the
# leadership group grant, review counsellors, record experts' assessments and impose penalties; supervisors
# (and managers) draw the monthly samples; the safety officer handles the cases a risk flag opens.

SUPERVISING_ROLES = frozenset({str(Role.MANAGER), str(Role.LEADERSHIP)})
SPOT_CHECK_ROLES = frozenset({str(Role.SUPERVISOR), str(Role.MANAGER)})
SAFETY_ROLES = frozenset({str(Role.SAFETY_OFFICER)})


def may_supervise_counsellors(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active and user.role_names & SUPERVISING_ROLES)


def may_spot_check(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active and user.role_names & SPOT_CHECK_ROLES)


def is_safety_officer(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active and user.role_names & SAFETY_ROLES)


@policy.rule(SafetyCase, policy.VIEW)
def safety_cases_visible_by_role(user: User) -> Q:
    """The safety officers handle every safety case; the leadership group reads them."""
    if user.role_names & (SAFETY_ROLES | {str(Role.LEADERSHIP)}):
        return policy.EVERYTHING
    return policy.NOTHING
