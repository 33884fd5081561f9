"""What each reader may see of feedback: one rule that the learner pages, the API and the admin all call."""

import secrets
from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import Http404

from accounts.models import User
from complaints.models import ImprovementAction
from core.search import search_condition
from privacy import policy
from sla.selectors import with_running_clocks

from .models import REFERENCE_PREFIX, FeedbackAttachment, FeedbackEvent, FeedbackItem
from .permissions import is_feedback_staff
from .services import follow_key_hash


def feedback_items_visible(*, user: User) -> QuerySet[FeedbackItem]:
    """Every item the user may see (their own and their wards', or all for the learner-services team)."""
    return policy.visible_to(user=user, queryset=FeedbackItem.objects.all())


def feedback_list_for_user(*, user: User) -> QuerySet[FeedbackItem]:
    """The items a learner or parent follows, newest first, with what the list shows."""
    return (
        feedback_items_visible(user=user).select_related("category", "course").order_by("-created_at", "-id")
    )


def feedback_get_for_user(*, user: User, reference: str) -> FeedbackItem:
    """Return the item the user may see, by reference; 404 when it is missing or not theirs."""
    return policy.get_visible_or_404(
        user=user,
        queryset=FeedbackItem.objects.select_related(
            "category", "course", "instructor", "department", "complaint"
        ),
        reference=reference,
    )


def feedback_get_by_follow_key(*, reference: str, key: str) -> FeedbackItem:
    """Return an anonymous item by its reference and secret follow key; 404 otherwise (same for both)."""
    item = (
        FeedbackItem.objects.select_related("category", "course", "instructor", "department")
        .filter(reference=reference, is_anonymous=True)
        .exclude(follow_key_hash="")
        .first()
    )
    if item is None or not secrets.compare_digest(item.follow_key_hash, follow_key_hash(key)):
        raise Http404
    return item


@dataclass(frozen=True)
class FeedbackReading:
    """What one reader sees of one item: its timeline, the giver's evidence and its improvement actions."""

    item: FeedbackItem
    events: list[FeedbackEvent]
    attachments: list[FeedbackAttachment]
    improvement_actions: list[ImprovementAction]
    is_staff_reader: bool

    def attachment(self, pk: int) -> FeedbackAttachment:
        """One of the files this reader may download; 404 for any other."""
        for attachment in self.attachments:
            if attachment.pk == pk:
                return attachment
        raise Http404


def feedback_reading(*, item: FeedbackItem, user: User | None) -> FeedbackReading:
    """The item as this reader may see it: staff every event; the learner (or the follow link) public ones.
    Everyone who may read the item sees the files its giver sent (staff add none to feedback)."""
    staff = user is not None and user.is_authenticated and is_feedback_staff(user)
    events = FeedbackEvent.objects.filter(item=item).select_related("actor").order_by("created_at", "id")
    if not staff:
        events = events.filter(is_public=True)
    actions = ImprovementAction.objects.filter(feedback_item=item).order_by("due_date", "id")
    attachments = FeedbackAttachment.objects.filter(item=item).order_by("uploaded_at", "id")
    return FeedbackReading(
        item=item,
        events=list(events),
        attachments=list(attachments),
        improvement_actions=list(actions),
        is_staff_reader=staff,
    )


def feedback_queue(*, user: User) -> QuerySet[FeedbackItem]:
    """The staff queue: items the user may see, with what each row shows and its running clocks."""
    return with_running_clocks(
        feedback_items_visible(user=user).select_related("category", "course", "owner", "school_class")
    )


def feedback_search(queryset: QuerySet[FeedbackItem], term: str) -> QuerySet[FeedbackItem]:
    """Narrow items a member of staff already reaches (``feedback_queue``) to those a search term names:
    a reference number, or a few characters of the feedback's text (``core.search``)."""
    term = term.strip()
    if not term:
        return queryset
    if term.upper().startswith(f"{REFERENCE_PREFIX}-"):
        return queryset.filter(reference=term.upper())
    condition = search_condition(term, text_fields=("text",))
    if condition is None:
        return queryset.none()
    return queryset.filter(condition.matches)
