"""Read queries about complaints that pages, the API and the admin share; all go through the access policy."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import Guardianship, User
from privacy import policy

from .models import AffectedLearner, Attachment, Complaint, ComplaintEvent, ComplaintRules
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


@dataclass(frozen=True)
class ReaderFacts:
    """What a page asks about one reader of one complaint, read with the complaint (``with_reader_facts``)."""

    is_party: bool  # the complainant, the learner, or a guardian of the learner (as ``is_party``)
    is_affected: bool  # one of the learners the complaint affects
    may_change: bool  # the access policy lets the reader change it (grants included)
    attachments: int


def with_reader_facts(queryset: QuerySet[Complaint], *, user: User) -> QuerySet[Complaint]:
    """Annotate each complaint with the reader's facts, in the same query; ``reader_facts`` reads them."""
    attachments = (
        Attachment.objects.filter(complaint=OuterRef("pk"))
        .order_by()
        .values("complaint")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return queryset.annotate(
        reader_guards_learner=Exists(
            Guardianship.objects.filter(guardian=user, learner=OuterRef("learner_id"))
        ),
        reader_is_affected=Exists(AffectedLearner.objects.filter(complaint=OuterRef("pk"), learner=user)),
        reader_may_change=Exists(
            policy.visible_to(
                user=user, queryset=Complaint.objects.filter(pk=OuterRef("pk")), action=policy.CHANGE
            )
        ),
        attachment_count=Coalesce(Subquery(attachments, output_field=IntegerField()), 0),
    )


def reader_facts(*, user: User, complaint: Complaint) -> ReaderFacts:
    """The facts of a complaint read through ``with_reader_facts`` for this same user."""
    direct = user.pk in (complaint.complainant_id, complaint.learner_id)
    return ReaderFacts(
        is_party=user.is_active and (direct or complaint.reader_guards_learner),
        is_affected=complaint.reader_is_affected,
        may_change=complaint.reader_may_change,
        attachments=complaint.attachment_count,
    )


def complaint_timeline_for_user(
    *, user: User, complaint: Complaint, facts: ReaderFacts | None = None
) -> QuerySet[ComplaintEvent]:
    """Return the timeline as this user may read it: the whole of it for staff, public events for the parties.

    Expects a complaint obtained through ``complaint_get_for_user``; ``facts``, when given, answer who the
    reader is without asking the database again.
    """
    if facts is not None:
        as_party = facts.is_party or facts.is_affected
    else:
        as_party = is_party(user, complaint) or complaint.affected_learners.filter(learner=user).exists()
    if as_party or not user.is_staff_member:
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
