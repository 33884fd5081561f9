"""Read queries about complaints that pages, the API and the admin share; all go through the access policy.

Whether a user may see a complaint at all is the access policy's question (``complaint_get_for_user``); the
``*_for_user`` readers below answer the next one for a complaint obtained that way: staff handling it read the
whole case, its parties their own part of it. The learners' pages and the API both read through them.
"""

import datetime
from dataclasses import dataclass

from django.db.models import (
    BooleanField,
    Case,
    Count,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from accounts.validators import normalize_cn_mobile
from privacy import policy

from .models import (
    Attachment,
    Complaint,
    ComplaintEvent,
    ComplaintRules,
    EventKind,
    ImprovementAction,
    Remedy,
)
from .permissions import reach
from .services.filing import may_log_on_behalf
from .services.guards import is_party
from .states import State

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
    """Annotate each complaint with the reader's facts, in the same query; ``reader_facts`` reads them.

    Whether the reader may change it is the access policy's condition evaluated on the row itself, not a
    second read of the complaint; who the reader is (guardian, affected learner) comes from their reach.
    """
    attachments = (
        Attachment.objects.filter(complaint=OuterRef("pk"))
        .order_by()
        .values("complaint")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return queryset.annotate(
        reader_may_change=Case(
            When(policy.condition(user, Complaint, policy.CHANGE), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        ),
        attachment_count=Coalesce(Subquery(attachments, output_field=IntegerField()), 0),
    )


def reader_facts(*, user: User, complaint: Complaint) -> ReaderFacts:
    """The facts of a complaint read through ``with_reader_facts`` for this same user."""
    direct = user.pk in (complaint.complainant_id, complaint.learner_id)
    mine = reach(user)
    return ReaderFacts(
        is_party=user.is_active and (direct or complaint.learner_id in mine.wards),
        is_affected=complaint.pk in mine.affecting_them,
        may_change=complaint.reader_may_change,
        attachments=complaint.attachment_count,
    )


def reads_as_staff(*, user: User, complaint: Complaint, facts: ReaderFacts | None = None) -> bool:
    """Say whether the user reads the complaint as staff handling it rather than as one of its parties.

    A staff member who is not the complainant, the learner, their guardian or an affected learner reads the
    whole case; everyone else their own part of it. ``facts``, when given, answer who the reader is without
    asking the database again.
    """
    if not user.is_staff_member:
        return False
    if facts is not None:
        return not (facts.is_party or facts.is_affected)
    if is_party(user, complaint):
        return False
    return not complaint.affected_learners.filter(learner=user).exists()


def _as_staff(user: User, complaint: Complaint, as_staff: bool | None) -> bool:
    return reads_as_staff(user=user, complaint=complaint) if as_staff is None else as_staff


def complaint_timeline_for_user(
    *, user: User, complaint: Complaint, as_staff: bool | None = None, facts: ReaderFacts | None = None
) -> QuerySet[ComplaintEvent]:
    """Return the timeline as this user may read it: the whole of it for staff, public events for the parties.

    Expects a complaint obtained through ``complaint_get_for_user``; ``facts``, when given, answer who the
    reader is without asking the database again.
    """
    if as_staff is None:
        as_staff = reads_as_staff(user=user, complaint=complaint, facts=facts)
    if not as_staff:
        return complaint_public_timeline(complaint=complaint)
    return complaint.events.select_related("actor").order_by("created_at", "id")


def complaint_attachments_for_user(
    *, user: User, complaint: Complaint, as_staff: bool | None = None
) -> QuerySet[Attachment]:
    """Return the evidence files the user may download: all for staff; for the parties, the files added by
    an event on their timeline (the parties' own, and those staff filed for them from their letter or
    message), not the evidence staff gathered for the investigation."""
    attachments = complaint.attachments.select_related("uploaded_by").order_by("uploaded_at", "id")
    if _as_staff(user, complaint, as_staff):
        return attachments
    shared: set[int] = set()
    for data in (
        complaint_public_timeline(complaint=complaint)
        .filter(kind=EventKind.EVIDENCE_ADDED)
        .values_list("data", flat=True)
    ):
        shared.update(data.get("attachments", []))
    return attachments.filter(pk__in=shared)


def complaint_remedies_for_user(
    *, user: User, complaint: Complaint, as_staff: bool | None = None
) -> QuerySet[Remedy]:
    """Return the remedies the user may read: all for staff; for a party, the remedies decided (approved
    or carried out) for themselves or for a learner they are the guardian of."""
    remedies = complaint.remedies.select_related("learner", "enrolment__course").order_by("proposed_at", "id")
    if _as_staff(user, complaint, as_staff):
        return remedies
    return remedies.filter(
        Q(learner=user) | Q(learner__in=reach(user).wards),
        state__in=[Remedy.State.APPROVED, Remedy.State.CARRIED_OUT],
    )


def complaint_improvement_actions_for_user(
    *, user: User, complaint: Complaint, as_staff: bool | None = None
) -> QuerySet[ImprovementAction]:
    """Return the complaint's improvement actions for staff; they are internal follow-up."""
    if not _as_staff(user, complaint, as_staff):
        return ImprovementAction.objects.none()
    return complaint.improvement_actions.select_related("owner", "department").order_by("due_date", "id")


def attachment_get_for_user(*, user: User, complaint: Complaint, pk: int) -> Attachment:
    """Return one evidence file of the complaint that the user may download; raise Http404 otherwise."""
    try:
        return complaint_attachments_for_user(user=user, complaint=complaint).get(pk=pk)
    except Attachment.DoesNotExist as missing:
        raise Http404 from missing


def remedy_get_for_user(*, user: User, pk: int) -> Remedy:
    """Return a remedy the user may read, of a complaint they may see; raise Http404 otherwise."""
    visible = complaint_list_for_user(user=user).values("pk")
    remedy = Remedy.objects.select_related("complaint").filter(pk=pk, complaint__in=visible).first()
    if (
        remedy is None
        or not complaint_remedies_for_user(user=user, complaint=remedy.complaint).filter(pk=pk).exists()
    ):
        raise Http404
    return remedy


def improvement_action_get_for_user(*, user: User, pk: int) -> ImprovementAction:
    """Return an improvement action of a complaint the user reads as staff; raise Http404 otherwise."""
    visible = complaint_list_for_user(user=user).values("pk")
    action = (
        ImprovementAction.objects.select_related("complaint").filter(pk=pk, complaint__in=visible).first()
    )
    if action is None or not reads_as_staff(user=user, complaint=action.complaint):
        raise Http404
    return action


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
