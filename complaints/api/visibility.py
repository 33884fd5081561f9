"""What a reader sees of a complaint they may see: staff read the whole case, parties their own part of it.

Whether a user may see the complaint at all is the access policy's question (``complaint_get_for_user``);
these functions answer the next one for a complaint obtained that way.
"""

from django.db.models import Q, QuerySet
from django.http import Http404

from accounts.models import Guardianship, User
from complaints.models import Attachment, Complaint, EventKind, ImprovementAction, Remedy
from complaints.selectors import complaint_list_for_user, complaint_public_timeline
from complaints.services.guards import is_party


def reads_as_staff(*, user: User, complaint: Complaint) -> bool:
    """Say whether the user reads the complaint as staff handling it rather than as one of its parties.

    Follows ``complaint_timeline_for_user``: a staff member who is not the complainant, the learner, their
    guardian or an affected learner reads the whole timeline; everyone else its public events.
    """
    if not user.is_staff_member or is_party(user, complaint):
        return False
    return not complaint.affected_learners.filter(learner=user).exists()


def _as_staff(user: User, complaint: Complaint, as_staff: bool | None) -> bool:
    return reads_as_staff(user=user, complaint=complaint) if as_staff is None else as_staff


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
    remedies = complaint.remedies.select_related("learner").order_by("proposed_at", "id")
    if _as_staff(user, complaint, as_staff):
        return remedies
    wards = Guardianship.objects.filter(guardian=user).values("learner_id")
    return remedies.filter(
        Q(learner=user) | Q(learner__in=wards),
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
    remedy = Remedy.objects.select_related("complaint").filter(pk=pk, complaint__in=_visible(user)).first()
    if (
        remedy is None
        or not complaint_remedies_for_user(user=user, complaint=remedy.complaint).filter(pk=pk).exists()
    ):
        raise Http404
    return remedy


def improvement_action_get_for_user(*, user: User, pk: int) -> ImprovementAction:
    """Return an improvement action of a complaint the user reads as staff; raise Http404 otherwise."""
    action = (
        ImprovementAction.objects.select_related("complaint")
        .filter(pk=pk, complaint__in=_visible(user))
        .first()
    )
    if action is None or not reads_as_staff(user=user, complaint=action.complaint):
        raise Http404
    return action


def _visible(user: User) -> QuerySet[Complaint]:
    return complaint_list_for_user(user=user).values("pk")
