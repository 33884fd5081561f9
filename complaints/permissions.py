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
"""

from django.db.models import Q

from accounts.models import Department, Guardianship, User
from accounts.roles import STAFF_ROLES, Role
from courses.models import Instructor
from privacy import policy

from .models import AffectedLearner, Complaint

EVERYTHING = ~Q(pk=None)
DEPARTMENT_ROLES = frozenset({str(Role.AGENT), str(Role.SUPERVISOR)})


def complaints_about(user: User) -> Q:
    """The complaints whose subject is this person, as staff member or as instructor."""
    return Q(subject_staff=user) | Q(subject_instructor__in=Instructor.objects.filter(user=user).values("pk"))


def _as_party(user: User) -> Q:
    wards = Guardianship.objects.filter(guardian=user).values("learner_id")
    affecting_me = AffectedLearner.objects.filter(Q(learner=user) | Q(learner__in=wards)).values(
        "complaint_id"
    )
    return Q(complainant=user) | Q(learner=user) | Q(learner__in=wards) | Q(pk__in=affecting_me)


def _by_department(user: User) -> Q:
    condition = Q(department__in=Department.objects.filter(supervisor=user).values("pk"))
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
