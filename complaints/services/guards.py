"""Checks every complaint service shares: who is a party, who may act as staff, who is conflicted."""

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from accounts.models import Guardianship, User
from accounts.roles import Role
from complaints.errors import ComplaintPermissionDenied, ConflictOfInterest, RuleViolation
from complaints.models import Complaint, ComplaintEvent, EventKind
from courses.models import Instructor
from privacy import policy

HANDLING_ROLES = frozenset({Role.AGENT, Role.SUPERVISOR, Role.LEADERSHIP})


def has_any_role(user: User, roles) -> bool:
    return bool(user.role_names & {str(role) for role in roles})


def is_party(user: User, complaint: Complaint) -> bool:
    """Say whether the user speaks for the complaint: complainant, learner, or the learner's guardian."""
    if not user.is_active:
        return False
    if user.pk in (complaint.complainant_id, complaint.learner_id):
        return True
    return Guardianship.objects.filter(guardian=user, learner_id=complaint.learner_id).exists()


def require_party(actor: User, complaint: Complaint) -> None:
    if not is_party(actor, complaint):
        raise ComplaintPermissionDenied(_("Only the complainant, or a guardian of the learner, can do this."))


def conflicted_user_ids(complaint: Complaint) -> set[int]:
    """Return the accounts of the people the complaint is about."""
    ids = set()
    if complaint.subject_staff_id is not None:
        ids.add(complaint.subject_staff_id)
    if complaint.subject_instructor_id is not None and complaint.subject_instructor.user_id is not None:
        ids.add(complaint.subject_instructor.user_id)
    return ids


def people_concerned(complaints: QuerySet[Complaint]) -> Q:
    """The users any of the complaints is about, as ``conflicted_user_ids`` finds them for one complaint."""
    chosen = Complaint.objects.filter(pk__in=complaints.order_by().values("pk"))
    staff = chosen.filter(subject_staff__isnull=False).values("subject_staff_id")
    named = chosen.filter(subject_instructor__isnull=False).values("subject_instructor_id")
    instructors = Instructor.objects.filter(user__isnull=False, pk__in=named).values("user_id")
    return Q(pk__in=staff) | Q(pk__in=instructors)


def refuse_conflict(user: User, complaint: Complaint) -> None:
    if user.pk in conflicted_user_ids(complaint):
        raise ConflictOfInterest()


def require_staff_change(actor: User, complaint: Complaint) -> None:
    """Require a staff member who may act on the complaint and is not the person it is about."""
    refuse_conflict(actor, complaint)
    if not policy.can(actor, policy.CHANGE, complaint):
        raise ComplaintPermissionDenied()


def require_text(value: str, *, field: str) -> str:
    text = (value or "").strip()
    if not text:
        raise RuleViolation(_("This field is required."), code="required", field=field)
    return text


def require_rating(rating: int) -> None:
    """Require a satisfaction rating from 1 to 5 (an int, not a bool)."""
    if not isinstance(rating, int) or isinstance(rating, bool) or not 1 <= rating <= 5:
        raise RuleViolation(_("Choose a rating from 1 to 5."), code="rating_out_of_range", field="rating")


def require_handling_staff(user: User, *, field: str) -> None:
    """Require an active colleague who can take on complaints (agent, supervisor or leadership)."""
    if not (user.is_active and has_any_role(user, HANDLING_ROLES)):
        raise RuleViolation(
            _("Choose an active agent, supervisor or member of the leadership group."),
            code="not_handling_staff",
            field=field,
        )


def is_department_supervisor(user: User, complaint: Complaint) -> bool:
    if complaint.department.supervisor_id == user.pk:
        return True
    return Role.SUPERVISOR in user.role_names and user.department_id == complaint.department_id


def event_add(
    *,
    complaint: Complaint,
    kind: EventKind,
    actor: User | None,
    body: str = "",
    is_public: bool = False,
    data: dict | None = None,
) -> ComplaintEvent:
    """Append an event that is not a state move (moves are written by ``workflow.complaint_transition``)."""
    return ComplaintEvent.objects.create(
        complaint=complaint, kind=kind, actor=actor, body=body, is_public=is_public, data=data or {}
    )
