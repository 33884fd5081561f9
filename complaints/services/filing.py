"""Filing a complaint, widening it to more affected learners, and adding evidence."""

from collections.abc import Sequence

from django.core.files import File
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Department, Guardianship, User
from accounts.roles import Role
from complaints.clocks import complaint_clocks_sync
from complaints.errors import ComplaintPermissionDenied, RuleViolation, TransitionNotAllowed
from complaints.models import (
    REFERENCE_PREFIX,
    SELF_SERVICE_CHANNELS,
    AffectedLearner,
    Attachment,
    Category,
    Channel,
    Complaint,
    ComplaintEvent,
    ComplaintRules,
    EventKind,
    Severity,
)
from complaints.states import State
from complaints.workflow import complaint_lock
from core.references import reference_allocate
from courses.models import Course, Instructor

from .evidence import (
    evidence_check,
    evidence_discard,
    evidence_record,
    evidence_store,
    evidence_transaction,
    evidence_write,
)
from .guards import event_add, has_any_role, is_party, require_staff_change, require_text
from .notices import NoticeKind, notify_complainant

# Staff who log complaints received by phone, counter, letter, e-mail or WeChat on the complainant's behalf.
INTAKE_ROLES = frozenset({Role.AGENT, Role.SUPERVISOR, Role.MANAGER, Role.LEADERSHIP})
# The channels staff log; the web and the app are the complainants' own.
# (A complaint converted from feedback or from a chat is filed by that service, not logged at the intake
# screen.)
STAFF_CHANNELS = tuple(
    channel
    for channel in Channel
    if channel not in SELF_SERVICE_CHANNELS and channel not in (Channel.FEEDBACK, Channel.CHAT)
)


def may_log_on_behalf(user: User) -> bool:
    """Say whether the user may log a complaint received through another channel in someone's name."""
    return bool(user.is_authenticated and user.is_active and has_any_role(user, INTAKE_ROLES))


def _resolve_learner(*, complainant: User, learner: User | None) -> User:
    if learner is None or learner == complainant:
        if Role.LEARNER not in complainant.role_names:
            raise RuleViolation(
                _("A parent files for a learner: choose the learner concerned."),
                code="learner_required",
                field="learner",
            )
        return complainant
    if not Guardianship.objects.filter(guardian=complainant, learner=learner).exists():
        raise RuleViolation(
            _("You can file only for yourself or for a learner you are the guardian of."),
            code="not_guardian",
            field="learner",
        )
    return learner


def _check_filer(*, actor: User, complainant: User, channel: str) -> None:
    if not complainant.is_active or not has_any_role(complainant, {Role.LEARNER, Role.PARENT}):
        raise RuleViolation(
            _("A complaint is filed by a learner or by a parent."),
            code="not_complainant",
            field="complainant",
        )
    if channel in SELF_SERVICE_CHANNELS:
        if actor != complainant:
            raise ComplaintPermissionDenied(_("Online complaints are filed by the complainants themselves."))
        return
    if not may_log_on_behalf(actor):
        raise RuleViolation(
            _("Complaints received by phone, e-mail, counter, WeChat or letter are logged by staff."),
            code="channel_needs_staff",
            field="channel",
        )


def group_severity(*, severity: str, affected_count: int, rules: ComplaintRules) -> Severity:
    """Return the severity after the group rule: as many affected learners as the threshold makes it major."""
    if affected_count >= rules.group_threshold:
        return Severity.MAJOR
    return Severity(severity)


def complaint_file(
    *,
    actor: User,
    complainant: User,
    category: Category,
    title: str,
    description: str,
    channel: Channel = Channel.WEB,
    learner: User | None = None,
    co_learners: Sequence[User] = (),
    subject_course: Course | None = None,
    subject_instructor: Instructor | None = None,
    subject_department: Department | None = None,
    subject_staff: User | None = None,
    is_urgent: bool = False,
    attachments: Sequence[File] = (),
) -> Complaint:
    """File a complaint: a learner or parent online, or staff on their behalf for the other channels.

    Requires an active category; a learner filing for themselves or a parent for their ward; the complainant
    as actor on the web and app, a staff member otherwise; evidence files that pass ``evidence_check``.
    Raises RuleViolation, InvalidEvidence or ComplaintPermissionDenied, and then writes nothing: no complaint,
    no reference number used, no file, no notice. Causes a reference number, the complaint routed to its
    category's department with the category's severity (major for a group complaint), its affected learners,
    the "submitted" event (by the actor: the staff member who logged it, for the other channels) and an event
    for the evidence. A complaint staff logged also causes a notice of receipt to the complainant, who was not
    at the screen that shows the new reference number.
    """
    title = require_text(title, field="title")
    description = require_text(description, field="description")
    if not category.is_active:
        raise RuleViolation(
            _("Choose a category that is in use."), code="category_inactive", field="category"
        )
    _check_filer(actor=actor, complainant=complainant, channel=channel)
    learner = _resolve_learner(complainant=complainant, learner=learner)
    # A counsellor is the subject of a complaint about their sessions (counselling's own filing names them).
    if subject_staff is not None and not (
        subject_staff.is_staff_member or Role.COUNSELLOR in subject_staff.role_names
    ):
        raise RuleViolation(_("Choose a member of staff."), code="not_staff", field="subject_staff")
    co_learners = [person for person in dict.fromkeys(co_learners) if person != learner]
    if any(Role.LEARNER not in person.role_names for person in co_learners):
        raise RuleViolation(
            _("Only learners can be affected learners."), code="not_learner", field="co_learners"
        )
    checked = evidence_check(files=attachments)

    rules = ComplaintRules.load()
    severity = group_severity(
        severity=category.default_severity, affected_count=1 + len(co_learners), rules=rules
    )
    stored_names: list[str] = []
    try:
        # The files are written before the transaction: every filing of the year waits on the reference
        # counter from the moment this one takes its number until it commits.
        names = evidence_write(checked=checked, stored_names=stored_names)
        with transaction.atomic():
            complaint = Complaint.objects.create(
                reference=reference_allocate(prefix=REFERENCE_PREFIX),
                complainant=complainant,
                learner=learner,
                filed_by=actor,
                channel=channel,
                category=category,
                severity=severity,
                is_urgent=is_urgent,
                subject_course=subject_course,
                subject_instructor=subject_instructor,
                subject_department=subject_department,
                subject_staff=subject_staff,
                title=title,
                description=description,
                # By id: the filing needs no more of the department, so it is not read.
                department_id=category.default_department_id,
            )
            AffectedLearner.objects.bulk_create(
                [AffectedLearner(complaint=complaint, learner=person) for person in [learner, *co_learners]]
            )
            ComplaintEvent.objects.create(
                complaint=complaint,
                kind=EventKind.STATE_CHANGE,
                is_public=True,
                actor=actor,
                to_state=State.SUBMITTED,
                data={"transition": "file", "channel": str(channel)},
                created_at=complaint.created_at,
            )
            if checked:
                attachments = evidence_record(complaint=complaint, checked=checked, names=names, actor=actor)
                _evidence_event(complaint=complaint, attachments=attachments, actor=actor)
            complaint_clocks_sync(complaint=complaint)
            if channel not in SELF_SERVICE_CHANNELS:
                notify_complainant(complaint, NoticeKind.RECEIVED)
    except BaseException:
        evidence_discard(stored_names)
        raise
    return complaint


def _evidence_event(*, complaint, attachments, actor) -> None:
    event_add(
        complaint=complaint,
        kind=EventKind.EVIDENCE_ADDED,
        actor=actor,
        is_public=is_party(actor, complaint),
        data={"attachments": [attachment.pk for attachment in attachments]},
    )


def _record_evidence(*, complaint, checked, actor, stored_names) -> list[Attachment]:
    if not checked:
        return []
    attachments = evidence_store(complaint=complaint, checked=checked, actor=actor, stored_names=stored_names)
    _evidence_event(complaint=complaint, attachments=attachments, actor=actor)
    return attachments


def complaint_add_evidence(*, complaint: Complaint, files: Sequence[File], actor: User) -> list[Attachment]:
    """Attach more evidence to an open complaint, by a party to it or by staff acting on it.

    Raises ComplaintPermissionDenied, TransitionNotAllowed (finished complaint) or InvalidEvidence, and then
    stores nothing. Causes the attachments and an "evidence added" event (public when a party added it).
    """
    with evidence_transaction() as stored_names:
        complaint = complaint_lock(complaint=complaint)
        if not is_party(actor, complaint):
            require_staff_change(actor, complaint)
        if not complaint.is_open:
            raise TransitionNotAllowed(_("Evidence can be added only while the complaint is open."))
        if not files:
            raise RuleViolation(_("Choose at least one file."), code="required", field="attachments")
        return evidence_attach(complaint=complaint, files=files, actor=actor, stored_names=stored_names)


def evidence_attach(
    *, complaint: Complaint, files: Sequence[File], actor: User, stored_names: list[str]
) -> list[Attachment]:
    """Check and store files on a locked complaint, with their "evidence added" event, in the caller's
    ``evidence_transaction``. The caller has checked who acts and the state. Raises InvalidEvidence."""
    checked = evidence_check(files=files, already_attached=complaint.attachments.count())
    return _record_evidence(complaint=complaint, checked=checked, actor=actor, stored_names=stored_names)


def complaint_apply_group_rule(*, complaint: Complaint, actor: User | None) -> Complaint:
    """Make a locked complaint major once its affected learners reach the group threshold."""
    count = complaint.affected_learners.count()
    severity = group_severity(severity=complaint.severity, affected_count=count, rules=ComplaintRules.load())
    if severity != complaint.severity:
        event_add(
            complaint=complaint,
            kind=EventKind.SEVERITY_CHANGE,
            actor=actor,
            body=_("Group complaint: %(count)d affected learners.") % {"count": count},
            data={"from": complaint.severity, "to": str(severity), "rule": "group_threshold"},
        )
        complaint.severity = severity
        complaint.save(update_fields=["severity"])
        complaint_clocks_sync(complaint=complaint)
    return complaint


@transaction.atomic
def complaint_add_affected_learners(
    *, complaint: Complaint, learners: Sequence[User], actor: User
) -> Complaint:
    """Add co-complainants or affected learners to an open complaint; enough make it a group complaint.

    Requires staff who may act on the complaint; learners only. Raises ComplaintPermissionDenied,
    ConflictOfInterest, TransitionNotAllowed or RuleViolation. Causes the new affected learners (those already
    listed are skipped), an event, and a severity change to major when the group threshold is reached.
    """
    complaint = complaint_lock(complaint=complaint)
    require_staff_change(actor, complaint)
    if not complaint.is_open:
        raise TransitionNotAllowed(_("Affected learners can be added only while the complaint is open."))
    if not learners or any(Role.LEARNER not in person.role_names for person in learners):
        raise RuleViolation(
            _("Only learners can be affected learners."), code="not_learner", field="learners"
        )
    known = set(complaint.affected_learners.values_list("learner_id", flat=True))
    new = [person for person in dict.fromkeys(learners) if person.pk not in known]
    if not new:
        raise RuleViolation(
            _("These learners are already listed on the complaint."), code="already_listed", field="learners"
        )
    AffectedLearner.objects.bulk_create(
        [AffectedLearner(complaint=complaint, learner=person) for person in new]
    )
    event_add(
        complaint=complaint,
        kind=EventKind.AFFECTED_LEARNERS_ADDED,
        actor=actor,
        data={"learners": [person.pk for person in new]},
    )
    return complaint_apply_group_rule(complaint=complaint, actor=actor)
