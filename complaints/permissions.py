"""Who reaches which complaints through relations (see privacy.policy); grants add delegated cases.

VIEW
- the parties: the complainant, the affected learner, every co-complainant or group member, and the
  guardians of any of those learners (parents act for their children);
- staff by relation: agents and supervisors of the assigned department, the supervisor named on that
  department, the owner; legal counsel the complaints with a legal flag; the safety officer those with a
  safety flag; leadership and managers every complaint.

CHANGE (staff acting on the case)
- agents and supervisors of the assigned department, the department's supervisor, the owner, leadership.

The staff member a complaint is about (named as the staff member concerned, or the account of the
instructor concerned) reaches it through no staff relation, for viewing or changing: the complaint is
about them, and a complainant must be able to speak freely. Services refuse them even through a grant.

What a reader reaches through other tables (their wards, the departments they supervise, their instructor
records, the complaints that affect them or their wards) is read in one query and remembered for the request
(``reach``), so the rules compare the complaint's own columns with short lists.
"""

from dataclasses import dataclass

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import OuterRef, Q

from accounts.models import Department, Guardianship, User
from accounts.roles import STAFF_ROLES, Role
from courses.models import Instructor
from privacy import policy

from .models import AffectedLearner, Complaint

EVERYTHING = policy.EVERYTHING
DEPARTMENT_ROLES = frozenset({str(Role.AGENT), str(Role.SUPERVISOR)})


@dataclass(frozen=True)
class Reach:
    """What a reader reaches of complaints through other tables, as lists of ids."""

    wards: tuple[int, ...]  # the learners they are guardian of
    supervised: tuple[int, ...]  # the departments they are the supervisor of
    instructors: tuple[int, ...]  # their own instructor records
    affecting_them: tuple[int, ...]  # complaints that name them as an affected learner
    affecting_wards: tuple[int, ...]  # complaints that name one of their wards as an affected learner


def _read_reach(user: User) -> Reach:
    person = OuterRef("pk")
    wards = Guardianship.objects.filter(guardian=OuterRef(person)).values("learner_id")
    row = (
        User.objects.filter(pk=user.pk)
        .annotate(
            wards=ArraySubquery(Guardianship.objects.filter(guardian=person).values("learner_id")),
            supervised=ArraySubquery(Department.objects.filter(supervisor=person).values("pk")),
            instructors=ArraySubquery(Instructor.objects.filter(user=person).values("pk")),
            affecting_them=ArraySubquery(
                AffectedLearner.objects.filter(learner=person).values("complaint_id")
            ),
            affecting_wards=ArraySubquery(
                AffectedLearner.objects.filter(learner__in=wards).values("complaint_id")
            ),
        )
        .values_list("wards", "supervised", "instructors", "affecting_them", "affecting_wards")
        .first()
    )
    return Reach(*(tuple(ids) for ids in (row or ((),) * 5)))


def reach(user: User) -> Reach:
    """The reader's reach, read once per request (``privacy.policy.remember``)."""
    return policy.remember(user, "complaints:reach", lambda: _read_reach(user))


def complaints_about(user: User) -> Q:
    """The complaints whose subject is this person, as staff member or as instructor."""
    return Q(subject_staff=user) | Q(subject_instructor__in=reach(user).instructors)


def _as_party(user: User) -> Q:
    mine = reach(user)
    return (
        Q(complainant=user)
        | Q(learner=user)
        | Q(learner__in=mine.wards)
        | Q(pk__in=mine.affecting_them + mine.affecting_wards)
    )


def _by_department(user: User) -> Q:
    condition = Q(department__in=reach(user).supervised)
    if user.role_names & DEPARTMENT_ROLES and user.department_id is not None:
        condition |= Q(department_id=user.department_id)
    return condition


def _is_staff(user: User) -> bool:
    return bool(user.role_names & {str(role) for role in STAFF_ROLES})


@policy.rule(Complaint, policy.VIEW)
def complaints_visible_by_relation(user: User) -> Q:
    roles = user.role_names
    if not _is_staff(user):
        return _as_party(user)
    if roles & {str(Role.LEADERSHIP), str(Role.MANAGER)}:
        as_staff = EVERYTHING
    else:
        as_staff = _by_department(user) | Q(owner=user)
        if Role.LEGAL in roles:
            as_staff |= Q(legal_flag=True)
        if Role.SAFETY_OFFICER in roles:
            as_staff |= Q(safety_flag=True)
    return _as_party(user) | (as_staff & ~complaints_about(user))


@policy.rule(Complaint, policy.CHANGE)
def complaints_changeable_by_relation(user: User) -> Q:
    if not _is_staff(user):
        return policy.NOTHING
    as_staff = EVERYTHING if Role.LEADERSHIP in user.role_names else _by_department(user) | Q(owner=user)
    return as_staff & ~complaints_about(user)
