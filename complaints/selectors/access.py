"""Which complaints a user reaches, and the read queries around them (lists, duplicates, due, search).

Whether a user may see a complaint at all is the access policy's question (``privacy.policy`` with the rules
in ``complaints.permissions``); every reader here goes through it.
"""

import datetime

from django.db.models import BooleanField, Q, QuerySet, Value
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from accounts.validators import normalize_cn_mobile
from core.search import search_condition
from privacy import policy

from ..models import Complaint, ComplaintRules
from ..models.complaint import REFERENCE_PREFIX, SEARCH_VECTOR
from ..services.filing import may_log_on_behalf
from ..states import State

COMPLAINANT_ROLES = (Role.LEARNER, Role.PARENT)


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


def complaint_merged_into_for_user(*, user: User, complaint: Complaint) -> Complaint | None:
    """Return the complaint this one was merged into if the user may see it; None otherwise."""
    if complaint.merged_into_id is None:
        return None
    return complaint_list_for_user(user=user).filter(pk=complaint.merged_into_id).first()


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


def complainant_candidates() -> QuerySet[User]:
    """Return the people a complaint can be filed by: active learners and parents."""
    in_roles = User.groups.through.objects.filter(group__name__in=[str(role) for role in COMPLAINANT_ROLES])
    return User.objects.filter(is_active=True, pk__in=in_roles.values("user_id"))


def complainant_search(*, actor: User, term: str, limit: int) -> list[User]:
    """Find learners and parents for staff logging a complaint on their behalf; none for anyone else.

    A term with "@" is an e-mail address, matched exactly; an 11-digit mainland mobile number is matched
    through its blind index (the encrypted numbers are never read to search); anything else is part of a
    name. Returns at most ``limit + 1`` people, ordered by name, with their roles loaded, so the caller can
    tell that there are more than ``limit``.
    """
    if not may_log_on_behalf(actor):
        return []
    term = term.strip()
    people = complainant_candidates()
    mobile = normalize_cn_mobile(term)
    if mobile.isdigit():
        people = people.filter(mobile_index=User._meta.get_field("mobile_index").index_for(mobile))
    elif "@" in term:
        people = people.filter(email=User.objects.normalize_email(term))
    else:
        people = people.filter(display_name__icontains=term)
    return list(people.prefetch_related("groups").order_by("display_name", "pk")[: limit + 1])


def complaint_search(queryset: QuerySet[Complaint], term: str) -> QuerySet[Complaint]:
    """Narrow complaints a member of staff already reaches (their queue, narrowed by the access policy) to
    those a search term names: a reference number; the complainant's mobile number (through its blind
    index: the encrypted numbers are never read to search) or e-mail address; otherwise part of the
    complainant's name, or a few characters of the title or description (``core.search``). Every row found
    carries ``search_title_hit`` (true when a text search matched its title), for listing those first."""
    term = term.strip()
    if not term:
        return queryset
    not_by_title = Value(False, output_field=BooleanField())
    if term.upper().startswith(f"{REFERENCE_PREFIX}-"):
        return queryset.filter(reference=term.upper()).annotate(search_title_hit=not_by_title)
    digits = normalize_cn_mobile(term)
    if digits.isdigit() and len(digits) == 11:
        index = User._meta.get_field("mobile_index").index_for(digits)
        people = User.objects.filter(mobile_index=index)
    elif "@" in term:
        people = User.objects.filter(email=User.objects.normalize_email(term))
    else:
        named = Q(complainant__in=User.objects.filter(display_name__icontains=term).values("pk"))
        condition = search_condition(term, vector=SEARCH_VECTOR, text_fields=("title", "description"))
        if condition is not None:
            return queryset.filter(named | condition.matches).annotate(search_title_hit=condition.title_hit)
        return queryset.filter(named).annotate(search_title_hit=not_by_title)
    return queryset.filter(complainant__in=people.values("pk")).annotate(search_title_hit=not_by_title)
