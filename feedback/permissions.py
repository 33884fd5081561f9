"""Who reaches which feedback items (see privacy.policy); pages, the API and the admin all filter by these.

VIEW
- the learner who gave it, and their guardians; the representatives present at the meeting it was raised at
  (they are told the result and report it back); anonymous items reach no learner (their giver follows them
  through the secret link, ``selectors.feedback_get_by_follow_key``);
- the learner-services team and those who lead it: agents, supervisors, managers and the leadership group.

CHANGE
- agents, supervisors and the leadership group.
"""

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import OuterRef, Q

from accounts.models import Guardianship, User
from accounts.roles import Role
from privacy import policy

from .models import FeedbackItem, RepresentativeMeeting

READING_ROLES = frozenset({str(Role.AGENT), str(Role.SUPERVISOR), str(Role.MANAGER), str(Role.LEADERSHIP)})
HANDLING_ROLES = frozenset({str(Role.AGENT), str(Role.SUPERVISOR), str(Role.LEADERSHIP)})


def _read_reach(user: User) -> tuple[tuple[int, ...], tuple[int, ...]]:
    person = OuterRef("pk")
    row = (
        User.objects.filter(pk=user.pk)
        .annotate(
            wards=ArraySubquery(Guardianship.objects.filter(guardian=person).values("learner_id")),
            meetings=ArraySubquery(RepresentativeMeeting.objects.filter(representatives=person).values("pk")),
        )
        .values_list("wards", "meetings")
        .first()
    )
    wards, meetings = row or ((), ())
    return tuple(wards), tuple(meetings)


def reach(user: User) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """The reader's wards and the meetings they represented their class at, read once per request."""
    return policy.remember(user, "feedback:reach", lambda: _read_reach(user))


def is_feedback_staff(user: User) -> bool:
    return bool(user.is_authenticated and user.role_names & READING_ROLES)


def may_enter_feedback(user: User) -> bool:
    """Whether the user keys in paper forms, imports batches and records meetings."""
    return bool(user.is_authenticated and user.is_active and user.role_names & READING_ROLES)


def may_handle_feedback(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active and user.role_names & HANDLING_ROLES)


@policy.rule(FeedbackItem, policy.VIEW)
def feedback_visible_by_relation(user: User) -> Q:
    if user.role_names & READING_ROLES:
        return policy.EVERYTHING
    wards, meetings = reach(user)
    return Q(learner=user) | Q(learner__in=wards) | Q(meeting__in=meetings)


@policy.rule(FeedbackItem, policy.CHANGE)
def feedback_changeable_by_relation(user: User) -> Q:
    return policy.EVERYTHING if user.role_names & HANDLING_ROLES else policy.NOTHING
