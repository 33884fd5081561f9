"""Working a complaint: taking it on, routing it, talking with the complainant, severity and flags."""

from collections.abc import Sequence

from django.core.files import File
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Department, User
from accounts.roles import Role
from complaints.clocks import complaint_clocks_sync
from complaints.errors import ComplaintPermissionDenied, RuleViolation, TransitionNotAllowed
from complaints.models import SEVERITY_RANK, Complaint, ComplaintRules, EventKind, Severity
from complaints.states import State
from complaints.workflow import Transition, complaint_lock, complaint_transition
from privacy import policy

from .evidence import evidence_transaction
from .filing import evidence_attach, group_severity
from .guards import (
    event_add,
    is_department_supervisor,
    refuse_conflict,
    require_handling_staff,
    require_party,
    require_staff_change,
    require_text,
)
from .notices import NoticeKind, notify_complainant, notify_parties, notify_role, notify_user


@transaction.atomic
def complaint_acknowledge(*, complaint: Complaint, actor: User) -> Complaint:
    """Take a submitted complaint on: the acknowledger becomes its owner (首问负责).

    Requires staff who may act on it and are not the person it is about. Raises ComplaintPermissionDenied,
    ConflictOfInterest or TransitionNotAllowed. Causes the move to "acknowledged", the owner, and a notice
    to the complainant and affected learners.
    """
    complaint = complaint_lock(complaint=complaint)
    require_staff_change(actor, complaint)
    complaint = complaint_transition(
        complaint=complaint, transition=Transition.ACKNOWLEDGE, actor=actor, changes={"owner": actor}
    )
    notify_parties(complaint, NoticeKind.ACKNOWLEDGED)
    return complaint


@transaction.atomic
def complaint_start_investigation(*, complaint: Complaint, actor: User) -> Complaint:
    """Move an acknowledged complaint to investigation. Raises as ``complaint_acknowledge``."""
    complaint = complaint_lock(complaint=complaint)
    require_staff_change(actor, complaint)
    return complaint_transition(complaint=complaint, transition=Transition.START_INVESTIGATION, actor=actor)


def _may_direct(actor: User, complaint: Complaint) -> bool:
    return Role.LEADERSHIP in actor.role_names or is_department_supervisor(actor, complaint)


@transaction.atomic
def complaint_assign(
    *, complaint: Complaint, actor: User, department: Department | None = None, owner: User | None = None
) -> Complaint:
    """Transfer an open complaint to another department, or to a person (and that person's department).

    Requires the supervisor of the complaint's department or a member of the leadership group; a new owner
    must be handling staff and never the person the complaint is about. Raises ComplaintPermissionDenied,
    ConflictOfInterest, TransitionNotAllowed or RuleViolation. Causes an internal "assignment" event.
    """
    if department is None and owner is None:
        raise RuleViolation(_("Choose a department or a person."), code="required", field="department")
    complaint = complaint_lock(complaint=complaint)
    require_staff_change(actor, complaint)
    if not _may_direct(actor, complaint):
        raise ComplaintPermissionDenied(
            _("Only the department's supervisor or the leadership group can assign.")
        )
    if not complaint.is_open:
        raise TransitionNotAllowed(_("A finished complaint cannot be assigned."))
    before = {"department": complaint.department_id, "owner": complaint.owner_id}
    if owner is not None:
        require_handling_staff(owner, field="owner")
        refuse_conflict(owner, complaint)
        complaint.owner = owner
        department = department or owner.department
    if department is not None:
        complaint.department = department
    complaint.save(update_fields=["department", "owner"])
    event_add(
        complaint=complaint,
        kind=EventKind.ASSIGNMENT,
        actor=actor,
        data={"from": before, "to": {"department": complaint.department_id, "owner": complaint.owner_id}},
    )
    return complaint


@transaction.atomic
def complaint_delegate(*, complaint: Complaint, colleague: User, actor: User) -> Complaint:
    """Let a colleague outside the complaint's department see and act on it, by an explicit grant.

    Requires the owner, the department's supervisor or the leadership group; the colleague must be handling
    staff and not the person the complaint is about. Causes view and change grants and an internal event.
    """
    complaint = complaint_lock(complaint=complaint)
    require_staff_change(actor, complaint)
    if not (complaint.owner_id == actor.pk or _may_direct(actor, complaint)):
        raise ComplaintPermissionDenied(
            _("Only the owner, the supervisor or the leadership group can delegate.")
        )
    require_handling_staff(colleague, field="colleague")
    refuse_conflict(colleague, complaint)
    policy.grant(user=colleague, action=policy.VIEW, obj=complaint)
    policy.grant(user=colleague, action=policy.CHANGE, obj=complaint)
    event_add(complaint=complaint, kind=EventKind.DELEGATION, actor=actor, data={"colleague": colleague.pk})
    return complaint


def _require_in_conversation(complaint: Complaint) -> None:
    if not complaint.is_open or complaint.state == State.SUBMITTED:
        raise TransitionNotAllowed(
            _("Acknowledge the complaint before replying; a finished one takes no replies.")
        )


@transaction.atomic
def complaint_add_public_reply(*, complaint: Complaint, body: str, actor: User) -> Complaint:
    """Write to the complainant on an acknowledged, open complaint.

    Raises ComplaintPermissionDenied, ConflictOfInterest, TransitionNotAllowed or RuleViolation (empty text).
    Causes a public event, the first-response time if none yet, and a notice to the parties.
    """
    body = require_text(body, field="body")
    complaint = complaint_lock(complaint=complaint)
    require_staff_change(actor, complaint)
    _require_in_conversation(complaint)
    if complaint.first_responded_at is None:
        complaint.first_responded_at = timezone.now()
        complaint.save(update_fields=["first_responded_at"])
        complaint_clocks_sync(complaint=complaint)
    event_add(complaint=complaint, kind=EventKind.PUBLIC_REPLY, actor=actor, body=body, is_public=True)
    notify_parties(complaint, NoticeKind.PUBLIC_REPLY)
    return complaint


@transaction.atomic
def complaint_add_internal_note(*, complaint: Complaint, body: str, actor: User) -> Complaint:
    """Record a note that only staff see, in any state. Raises ComplaintPermissionDenied or RuleViolation."""
    body = require_text(body, field="body")
    complaint = complaint_lock(complaint=complaint)
    require_staff_change(actor, complaint)
    event_add(complaint=complaint, kind=EventKind.INTERNAL_NOTE, actor=actor, body=body)
    return complaint


@transaction.atomic
def complaint_request_information(*, complaint: Complaint, question: str, actor: User) -> Complaint:
    """Ask the complainant for information; the complaint waits for them (its clocks pause).

    Raises ComplaintPermissionDenied, ConflictOfInterest, TransitionNotAllowed or RuleViolation. Causes the
    move to "awaiting complainant" with the question as a public event, and a notice to the complainant.
    """
    question = require_text(question, field="question")
    complaint = complaint_lock(complaint=complaint)
    require_staff_change(actor, complaint)
    changes = {"first_responded_at": complaint.first_responded_at or timezone.now()}
    complaint = complaint_transition(
        complaint=complaint,
        transition=Transition.REQUEST_INFORMATION,
        actor=actor,
        body=question,
        kind=EventKind.INFORMATION_REQUEST,
        changes=changes,
    )
    notify_complainant(complaint, NoticeKind.INFORMATION_REQUESTED)
    return complaint


def complaint_add_complainant_reply(
    *, complaint: Complaint, body: str, actor: User, files: Sequence[File] = ()
) -> Complaint:
    """Answer staff's request for information, with optional evidence; the complaint is investigated again.

    Requires a party to the complaint. Raises ComplaintPermissionDenied, TransitionNotAllowed, RuleViolation
    or InvalidEvidence, and then stores nothing: no reply, no attachment, no file. Causes the move to
    "investigating" with the reply as a public event, the evidence with its event, and a notice to the owner.
    """
    body = require_text(body, field="body")
    with evidence_transaction() as stored_names:
        complaint = complaint_lock(complaint=complaint)
        require_party(actor, complaint)
        complaint = complaint_transition(
            complaint=complaint,
            transition=Transition.COMPLAINANT_REPLY,
            actor=actor,
            body=body,
            kind=EventKind.COMPLAINANT_REPLY,
        )
        if files:
            evidence_attach(complaint=complaint, files=files, actor=actor, stored_names=stored_names)
        notify_user(complaint.owner, complaint, NoticeKind.COMPLAINANT_REPLIED)
        return complaint


def complaint_add_complainant_message(
    *, complaint: Complaint, body: str, actor: User, files: Sequence[File] = ()
) -> Complaint:
    """Write to the person handling the complaint without being asked, with optional evidence.

    Requires a party to the complaint, and a complaint that has been acknowledged and is still open (not
    closed, withdrawn, merged or rejected). Raises ComplaintPermissionDenied, TransitionNotAllowed,
    RuleViolation (empty text) or InvalidEvidence, and then stores nothing. Causes a public "message from the
    complainant" event, the evidence with its event, and a notice to the owner; the state and the clocks do
    not change (an answer to a question is ``complaint_add_complainant_reply``).
    """
    body = require_text(body, field="body")
    with evidence_transaction() as stored_names:
        complaint = complaint_lock(complaint=complaint)
        require_party(actor, complaint)
        if not complaint.is_open or complaint.state == State.SUBMITTED:
            raise TransitionNotAllowed(
                _(
                    "You can write to the person handling the complaint once it has been acknowledged, "
                    "until it is finished."
                )
            )
        event_add(
            complaint=complaint,
            kind=EventKind.COMPLAINANT_MESSAGE,
            actor=actor,
            body=body,
            is_public=True,
        )
        if files:
            evidence_attach(complaint=complaint, files=files, actor=actor, stored_names=stored_names)
        notify_user(complaint.owner, complaint, NoticeKind.COMPLAINANT_MESSAGE)
        return complaint


def minimum_severity(complaint: Complaint) -> Severity:
    """Return the lowest severity the rules allow: a legal or safety flag, or a group, make it major."""
    if complaint.legal_flag or complaint.safety_flag:
        return Severity.MAJOR
    return group_severity(
        severity=Severity.GENERAL,
        affected_count=complaint.affected_learners.count(),
        rules=ComplaintRules.load(),
    )


@transaction.atomic
def complaint_set_severity(
    *, complaint: Complaint, severity: Severity, reason: str, actor: User
) -> Complaint:
    """Change an open complaint's severity, with a reason.

    Raises ComplaintPermissionDenied, ConflictOfInterest, TransitionNotAllowed, or RuleViolation when the
    reason is missing, nothing changes, or the rules require more (a flagged or group complaint stays major).
    Causes an internal "severity change" event.
    """
    reason = require_text(reason, field="reason")
    complaint = complaint_lock(complaint=complaint)
    require_staff_change(actor, complaint)
    if not complaint.is_open:
        raise TransitionNotAllowed(_("A finished complaint keeps its severity."))
    severity = Severity(severity)
    if severity == complaint.severity:
        raise RuleViolation(_("The complaint already has this severity."), code="unchanged", field="severity")
    floor = minimum_severity(complaint)
    if SEVERITY_RANK[severity] < SEVERITY_RANK[floor]:
        raise RuleViolation(
            _("The rules make this complaint at least “%(severity)s”.") % {"severity": floor.label},
            code="severity_below_rule",
            field="severity",
        )
    _record_severity(complaint=complaint, severity=severity, reason=reason, actor=actor)
    return complaint


def _record_severity(*, complaint: Complaint, severity: Severity, reason: str, actor: User) -> None:
    event_add(
        complaint=complaint,
        kind=EventKind.SEVERITY_CHANGE,
        actor=actor,
        body=reason,
        data={"from": complaint.severity, "to": str(severity)},
    )
    complaint.severity = severity
    complaint.save(update_fields=["severity"])
    complaint_clocks_sync(complaint=complaint)


class Flag(models.TextChoices):
    URGENT = "is_urgent", gettext_lazy("Urgent")
    LEGAL = "legal_flag", gettext_lazy("Legal")
    SAFETY = "safety_flag", gettext_lazy("Safety")


# Raising these flags starts a parallel track: the complaint becomes major and the specialist is told.
FLAG_TRACKS = {
    Flag.LEGAL: (Role.LEGAL, NoticeKind.LEGAL_FLAG),
    Flag.SAFETY: (Role.SAFETY_OFFICER, NoticeKind.SAFETY_FLAG),
}


@transaction.atomic
def complaint_set_flag(
    *, complaint: Complaint, flag: Flag, value: bool, reason: str, actor: User
) -> Complaint:
    """Raise or clear the urgent, legal or safety flag of a complaint, with a reason.

    Raises ComplaintPermissionDenied, ConflictOfInterest, or RuleViolation (no reason, or no change).
    Causes an internal "flag change" event; raising the legal or safety flag also makes the complaint major
    (with its own event) and notifies legal counsel or the safety officer. Clearing a flag keeps the severity.
    """
    reason = require_text(reason, field="reason")
    flag = Flag(flag)
    complaint = complaint_lock(complaint=complaint)
    require_staff_change(actor, complaint)
    if getattr(complaint, flag.value) == value:
        raise RuleViolation(_("The flag is already set that way."), code="unchanged", field="flag")
    setattr(complaint, flag.value, value)
    complaint.save(update_fields=[flag.value])
    complaint_clocks_sync(complaint=complaint)
    event_add(
        complaint=complaint,
        kind=EventKind.FLAG_CHANGE,
        actor=actor,
        body=reason,
        data={"flag": flag.value, "value": value},
    )
    if value and flag in FLAG_TRACKS:
        if complaint.severity != Severity.MAJOR:
            _record_severity(complaint=complaint, severity=Severity.MAJOR, reason=reason, actor=actor)
        role, kind = FLAG_TRACKS[flag]
        notify_role(role, complaint, kind, exclude={actor.pk})
    return complaint
