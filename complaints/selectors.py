"""Read queries about complaints that pages, the API and the admin share; all go through the access policy."""

import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.models import User
from privacy import policy

from .models import Complaint, ComplaintEvent, ComplaintRules
from .services.guards import is_party
from .states import State


def _complaints() -> QuerySet[Complaint]:
    return Complaint.objects.select_related("category", "department", "owner", "complainant", "learner")


def complaint_get_for_user(*, user: User, reference: str) -> Complaint:
    """Return the complaint with this reference if the user may see it; raise Http404 otherwise."""
    return policy.get_visible_or_404(user=user, queryset=_complaints(), reference=reference)


def complaint_list_for_user(*, user: User, state: str | None = None) -> QuerySet[Complaint]:
    """Return the complaints the user may see, newest first, optionally in one state."""
    queryset = policy.visible_to(user=user, queryset=_complaints())
    if state is not None:
        queryset = queryset.filter(state=state)
    return queryset.order_by("-created_at", "-id")


def complaint_public_timeline(*, complaint: Complaint) -> QuerySet[ComplaintEvent]:
    """Return the events a complainant sees: public ones only, oldest first."""
    return complaint.events.filter(is_public=True).select_related("actor").order_by("created_at", "id")


def complaint_timeline_for_user(*, user: User, complaint: Complaint) -> QuerySet[ComplaintEvent]:
    """Return the timeline as this user may read it: the whole of it for staff, public events for the parties.

    Expects a complaint obtained through ``complaint_get_for_user``.
    """
    affected = complaint.affected_learners.filter(learner=user).exists()
    if is_party(user, complaint) or affected or not user.is_staff_member:
        return complaint_public_timeline(complaint=complaint)
    return complaint.events.select_related("actor").order_by("created_at", "id")


def complaint_duplicate_suggestions(*, complaint: Complaint, user: User) -> QuerySet[Complaint]:
    """Suggest complaints that may be the same matter: same complainant or same course, same category,
    filed within the rules' duplicate window of this one, and visible to the user."""
    window = datetime.timedelta(days=ComplaintRules.load().duplicate_window_days)
    same_source = Q(complainant_id=complaint.complainant_id) | Q(learner_id=complaint.learner_id)
    if complaint.subject_course_id is not None:
        same_source |= Q(subject_course_id=complaint.subject_course_id)
    candidates = (
        _complaints()
        .filter(same_source, category_id=complaint.category_id)
        .filter(created_at__gte=complaint.created_at - window, created_at__lte=complaint.created_at + window)
        .exclude(pk=complaint.pk)
        .exclude(state=State.MERGED)
    )
    return policy.visible_to(user=user, queryset=candidates).order_by("-created_at", "-id")


def complaints_due_for_auto_close(*, now: datetime.datetime | None = None) -> QuerySet[Complaint]:
    """Return responded complaints whose waiting period for the complainant has ended."""
    days = ComplaintRules.load().auto_close_days
    cutoff = (now or timezone.now()) - datetime.timedelta(days=days)
    return Complaint.objects.filter(state=State.RESPONDED, responded_at__lte=cutoff).order_by("responded_at")
