"""Which complaints a user reaches, and the read queries around them (lists, duplicates, due, search).

Whether a user may see a complaint at all is the access policy's question (``privacy.policy`` with the rules
in ``complaints.permissions``); every reader here goes through it.
"""

import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from accounts.validators import normalize_cn_mobile
from core.search import search_condition, title_first
from privacy import policy

from ..models import Complaint, ComplaintRules
from ..models.complaint import REFERENCE_PREFIX
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


# A name search names at most this many complainants (a term such as 学 names half the learners: the text
# search still finds their complaints by what they wrote).
NAME_SEARCH_LIMIT = 200


def complaint_search(
    queryset: QuerySet[Complaint], term: str
) -> tuple[QuerySet[Complaint], tuple[QuerySet[Complaint], QuerySet[Complaint]] | None]:
    """Narrow complaints a member of staff already reaches (their queue, narrowed by the access policy) to
    those a search term names: a reference number; the complainant's mobile number (through its blind
    index: the encrypted numbers are never read to search) or e-mail address; otherwise part of the
    complainant's name, or a few characters of the title or description (``core.search``).

    Returns the narrowed complaints and, for a text search, the same in two parts to list one after the
    other: title matches, then the rest, each newest first (``core.search.title_first``). The complainants
    a name matches are read first, so that the database combines their complaints with the text index's
    rather than testing every complaint's text one by one.
    """
    term = term.strip()
    if not term:
        return queryset, None
    if term.upper().startswith(f"{REFERENCE_PREFIX}-"):
        return queryset.filter(reference=term.upper()), None
    digits = normalize_cn_mobile(term)
    if digits.isdigit() and len(digits) == 11:
        index = User._meta.get_field("mobile_index").index_for(digits)
        return queryset.filter(complainant__in=User.objects.filter(mobile_index=index).values("pk")), None
    if "@" in term:
        email = User.objects.normalize_email(term)
        return queryset.filter(complainant__in=User.objects.filter(email=email).values("pk")), None
    named = list(
        User.objects.filter(display_name__icontains=term).values_list("pk", flat=True)[:NAME_SEARCH_LIMIT]
    )
    condition = search_condition(term, text_fields=("title", "description"))
    if condition is None:
        return queryset.filter(complainant__in=named), None
    also = Q(complainant__in=named) if named else None
    found = queryset.filter(condition.matches | also if also is not None else condition.matches)
    return found, title_first(queryset, condition, also=also)
