"""What each reader sees of a complaint they may see: the one rule for events, evidence and remedies.

The learners' pages, the API and the admin all read a complaint through ``complaint_reading_for_user`` (or
the ``*_for_user`` readers it is made of), so a complainant, a guardian, a co-learner and staff in each role
see the same events, evidence and remedies wherever they look, and may download the same files:

- staff handling the complaint (a staff member who is none of its parties) read the whole case: every
  event, every evidence file, every remedy, the improvement actions;
- its parties (the complainant, the learner, their guardians, the affected learners) read its public
  events; the evidence that an event on that public timeline added (their own, and what staff filed for them
  from their letter or message), never the evidence staff gathered for the investigation; the remedies
  decided (approved or carried out) for themselves or a learner they are the guardian of; no improvement
  actions.
"""

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

from accounts.models import User
from privacy import policy

from ..models import (
    Attachment,
    Complaint,
    ComplaintEvent,
    EventKind,
    ImprovementAction,
    Remedy,
)
from ..permissions import reach
from ..services.guards import is_party
from .access import complaint_list_for_user


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


@dataclass(frozen=True)
class ComplaintReading:
    """What one reader sees of one complaint beyond its own columns (lazy querysets: no query until read)."""

    as_staff: bool
    timeline: QuerySet[ComplaintEvent]
    attachments: QuerySet[Attachment]
    remedies: QuerySet[Remedy]
    improvement_actions: QuerySet[ImprovementAction]


def complaint_reading_for_user(
    *, user: User, complaint: Complaint, facts: ReaderFacts | None = None
) -> ComplaintReading:
    """Return what the user sees of the complaint: its timeline, evidence, remedies and improvement actions.

    Expects a complaint obtained through ``complaint_get_for_user``; ``facts``, when given, answer who the
    reader is without asking the database again.
    """
    as_staff = reads_as_staff(user=user, complaint=complaint, facts=facts)
    return ComplaintReading(
        as_staff=as_staff,
        timeline=complaint_timeline_for_user(user=user, complaint=complaint, as_staff=as_staff),
        attachments=complaint_attachments_for_user(user=user, complaint=complaint, as_staff=as_staff),
        remedies=complaint_remedies_for_user(user=user, complaint=complaint, as_staff=as_staff),
        improvement_actions=complaint_improvement_actions_for_user(
            user=user, complaint=complaint, as_staff=as_staff
        ),
    )
