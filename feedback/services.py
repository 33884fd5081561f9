"""Every change to a feedback item, one service per intent, each in a transaction with its timeline event.

Refusals raise a ``FeedbackError`` (``core.errors.DomainError``) and change nothing: no item, no reference
number used, no event, no notice.
"""

import datetime
import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import Department, Guardianship, User
from accounts.roles import Role
from complaints.models import Attachment as ComplaintAttachment
from complaints.models import Category as ComplaintCategory
from complaints.models import Channel as ComplaintChannel
from complaints.models import EventKind as ComplaintEventKind
from complaints.models import ImprovementAction
from complaints.services import complaint_file
from complaints.services.guards import event_add
from core.evidence import CheckedFile, evidence_check, evidence_transaction, evidence_write
from core.references import reference_allocate
from courses.models import Course, Instructor, SchoolClass, Term
from incentives.reasons import AwardReason
from incentives.services import points_award

from .clocks import feedback_clocks_sync
from .errors import FeedbackInvalidEvidence, FeedbackPermissionDenied, FeedbackRuleViolation
from .models import (
    MAX_TEXT_LENGTH,
    REFERENCE_PREFIX,
    Channel,
    EventKind,
    FeedbackAttachment,
    FeedbackCategory,
    FeedbackEvent,
    FeedbackItem,
    PaperBatch,
    RepresentativeMeeting,
    State,
)
from .notices import NoticeKind, notify_learner, notify_representatives
from .permissions import may_handle_feedback
from .workflow import Transition, feedback_transition

# The channels staff enter for learners; the online form is the learners' own.
STAFF_CHANNELS = (Channel.PAPER, Channel.MEETING, Channel.SURVEY, Channel.CHAT)
ENTRY_ROLES = frozenset({Role.AGENT, Role.SUPERVISOR, Role.MANAGER, Role.LEADERSHIP})
MAX_ATTACHMENTS_PER_ITEM = 5


@dataclass(frozen=True)
class GivenFeedback:
    item: FeedbackItem
    # The secret of an anonymous item's follow link: shown once to its giver, never stored.
    follow_key: str | None = None


def follow_key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _require_text(value: str | None, *, field: str, limit: int = MAX_TEXT_LENGTH) -> str:
    text = (value or "").strip()
    if not text:
        raise FeedbackRuleViolation(_("This field is required."), code="required", field=field)
    if len(text) > limit:
        raise FeedbackRuleViolation(
            _("Keep this within %(limit)d characters.") % {"limit": limit}, code="too_long", field=field
        )
    return text


def _require_handler(actor: User) -> None:
    if not may_handle_feedback(actor):
        raise FeedbackPermissionDenied()


def _require_entry_staff(actor: User) -> None:
    if not (actor.is_active and actor.role_names & {str(role) for role in ENTRY_ROLES}):
        raise FeedbackPermissionDenied(_("Feedback from paper forms and meetings is entered by staff."))


@dataclass(frozen=True)
class Subject:
    """What feedback is about, checked: the course, one of its instructors, the department."""

    category: FeedbackCategory
    course: Course | None = None
    instructor: Instructor | None = None
    department: Department | None = None


def _check_subject(subject: Subject) -> Department | None:
    if not subject.category.is_active:
        raise FeedbackRuleViolation(
            _("Choose a category that is in use."), code="category_inactive", field="category"
        )
    if subject.course is not None and not subject.course.is_active:
        raise FeedbackRuleViolation(
            _("Choose a course that is running."), code="course_inactive", field="course"
        )
    if (
        subject.course is not None
        and subject.instructor is not None
        and not subject.course.instructors.filter(pk=subject.instructor.pk).exists()
    ):
        raise FeedbackRuleViolation(
            _("Choose an instructor who teaches the course."),
            code="instructor_not_teaching",
            field="instructor",
        )
    if subject.department is not None:
        return subject.department
    if subject.course is not None:
        return subject.course.department
    if subject.instructor is not None:
        return subject.instructor.department
    return None


def _create(
    *,
    subject: Subject,
    text: str,
    channel: str,
    learner: User | None,
    filed_by: User | None,
    is_urgent: bool,
    term: Term | None,
    school_class: SchoolClass | None,
    batch: PaperBatch | None = None,
    meeting: RepresentativeMeeting | None = None,
    follow_key: str | None = None,
    actor: User,
) -> FeedbackItem:
    """Write the item, its first event and its clocks; the reference is taken last, just before commit."""
    text = _require_text(text, field="text")
    department = _check_subject(subject)
    now = timezone.now()
    item = FeedbackItem(
        channel=channel,
        category=subject.category,
        course=subject.course,
        instructor=subject.instructor,
        department=department,
        is_urgent=is_urgent,
        text=text,
        learner=learner,
        is_anonymous=learner is None,
        follow_key_hash=follow_key_hash(follow_key) if follow_key else "",
        filed_by=filed_by,
        term=term,
        school_class=school_class,
        batch=batch,
        meeting=meeting,
        created_at=now,
    )
    item.reference = reference_allocate(prefix=REFERENCE_PREFIX, year=timezone.localdate(now).year)
    item.save(force_insert=True)
    FeedbackEvent.objects.create(
        item=item,
        kind=EventKind.STATE_CHANGE,
        is_public=True,
        actor=actor,
        to_state=State.RECEIVED,
        data={"transition": "give", "channel": str(channel)},
        created_at=now,
    )
    feedback_clocks_sync(item=item, now=now)
    return item


def feedback_evidence_check(files: Sequence[File]) -> list[CheckedFile]:
    """Check the files sent with an item by content, up to the item's limit; writes nothing."""
    return evidence_check(
        files=files,
        limit=MAX_ATTACHMENTS_PER_ITEM,
        too_many=gettext("Feedback can have at most %(count)d files.") % {"count": MAX_ATTACHMENTS_PER_ITEM},
        refusal=FeedbackInvalidEvidence,
    )


def _evidence_record(
    *, item: FeedbackItem, checked: Sequence[CheckedFile], stored_names: list[str], actor: User | None
) -> list[FeedbackAttachment]:
    names = evidence_write(checked=checked, stored_names=stored_names, folder="feedback")
    return FeedbackAttachment.objects.bulk_create(
        [
            FeedbackAttachment(
                item=item,
                file=name,
                original_name=file.original_name,
                content_type=file.content_type,
                size=file.size,
                sha256=file.sha256,
                uploaded_by=actor,
            )
            for file, name in zip(checked, names, strict=True)
        ]
    )


def feedback_give(
    *,
    actor: User,
    subject: Subject,
    text: str,
    learner: User | None = None,
    is_anonymous: bool = False,
    is_urgent: bool = False,
    term: Term | None = None,
    school_class: SchoolClass | None = None,
    attachments: Sequence[File] = (),
) -> GivenFeedback:
    """Give feedback online: a learner for themselves, or a parent for their ward; named or anonymous; with
    up to five evidence files (JPEG, PNG or PDF, checked by content).

    An anonymous item keeps no person: its giver gets a secret follow key, returned once, and its files name
    no uploader. Raises FeedbackRuleViolation, FeedbackInvalidEvidence or FeedbackPermissionDenied, writing
    nothing (no item, no reference number, no file). Causes the item, its "received" event, its files and its
    clocks.
    """
    checked = feedback_evidence_check(attachments)
    with evidence_transaction() as stored_names:
        given = _give(
            actor=actor,
            subject=subject,
            text=text,
            learner=learner,
            is_anonymous=is_anonymous,
            is_urgent=is_urgent,
            term=term,
            school_class=school_class,
        )
        _evidence_record(
            item=given.item, checked=checked, stored_names=stored_names, actor=None if is_anonymous else actor
        )
    return given


def _give(
    *,
    actor: User,
    subject: Subject,
    text: str,
    learner: User | None,
    is_anonymous: bool,
    is_urgent: bool,
    term: Term | None,
    school_class: SchoolClass | None,
) -> GivenFeedback:
    if not actor.is_active or not actor.role_names & {str(Role.LEARNER), str(Role.PARENT)}:
        raise FeedbackPermissionDenied(_("Online feedback is given by learners and parents."))
    learner = learner or actor
    if learner != actor and not Guardianship.objects.filter(guardian=actor, learner=learner).exists():
        raise FeedbackRuleViolation(
            _("You can give feedback only for yourself or for a learner you are the guardian of."),
            code="not_guardian",
            field="learner",
        )
    if learner == actor and Role.LEARNER not in actor.role_names:
        raise FeedbackRuleViolation(
            _("A parent gives feedback for a learner: choose the learner concerned."),
            code="learner_required",
            field="learner",
        )
    follow_key = secrets.token_urlsafe(24) if is_anonymous else None
    item = _create(
        subject=subject,
        text=text,
        channel=Channel.ONLINE,
        learner=None if is_anonymous else learner,
        filed_by=None,
        is_urgent=is_urgent,
        term=term,
        school_class=school_class,
        follow_key=follow_key,
        actor=None if is_anonymous else actor,
    )
    return GivenFeedback(item=item, follow_key=follow_key)


@transaction.atomic
def feedback_enter(
    *,
    actor: User,
    channel: str,
    subject: Subject,
    text: str,
    learner: User | None = None,
    is_urgent: bool = False,
    term: Term | None = None,
    school_class: SchoolClass | None = None,
    batch: PaperBatch | None = None,
    meeting: RepresentativeMeeting | None = None,
) -> FeedbackItem:
    """Enter feedback that came on paper, at a representative meeting or in a term survey's free text.

    Requires staff who enter feedback and a staff channel; a named learner must be an active learner (a
    paper form without a name is anonymous). Raises FeedbackRuleViolation or FeedbackPermissionDenied, writing
    nothing. Causes the item (recording who keyed it and from which batch or meeting), its event, its clocks,
    and a notice of receipt to a named learner.
    """
    _require_entry_staff(actor)
    if channel not in STAFF_CHANNELS:
        raise FeedbackRuleViolation(
            _("Choose a paper form, a meeting or a survey."), code="channel", field="channel"
        )
    if learner is not None and (not learner.is_active or Role.LEARNER not in learner.role_names):
        raise FeedbackRuleViolation(_("Choose an active learner."), code="not_learner", field="learner")
    if channel == Channel.MEETING and meeting is None:
        raise FeedbackRuleViolation(
            _("Choose the meeting it was raised at."), code="required", field="meeting"
        )
    item = _create(
        subject=subject,
        text=text,
        channel=channel,
        learner=learner,
        filed_by=actor,
        is_urgent=is_urgent,
        term=term or (batch.term if batch else None) or (meeting.term if meeting else None),
        school_class=school_class or (batch.school_class if batch else None),
        batch=batch,
        meeting=meeting,
        actor=actor,
    )
    notify_learner(item, NoticeKind.RECEIVED)
    return item


@transaction.atomic
def feedback_from_survey_answers(*, answers, actor: User, category: FeedbackCategory) -> list[FeedbackItem]:
    """Raise reviewed free-text answers of a term survey as feedback items (channel "term survey").

    Each item is anonymous, as the answer is, and names the answer's course, teacher, class and the survey's
    term; an answer raised before is skipped. Requires staff who enter feedback. Raises as ``feedback_enter``.
    Returns the items made.
    """
    made = []
    for answer in answers:
        if not answer.text or FeedbackItem.objects.filter(survey_answer=answer.pk).exists():
            continue
        item = feedback_enter(
            actor=actor,
            channel=Channel.SURVEY,
            subject=Subject(category=category, course=answer.course, instructor=answer.instructor),
            text=answer.text,
            term=answer.survey.term,
            school_class=answer.school_class,
        )
        FeedbackItem.objects.filter(pk=item.pk).update(survey_answer=answer.pk)
        item.survey_answer = answer.pk
        made.append(item)
    return made


@transaction.atomic
def feedback_accept(*, item: FeedbackItem, actor: User) -> FeedbackItem:
    """Accept an item after checking it is genuine and valid (真实性/有效性审核); the reviewer owns it.

    Raises FeedbackPermissionDenied or FeedbackMoveNotAllowed. Causes the move, the learner's notice, and
    points for a named learner (激励机制).
    """
    _require_handler(actor)
    item = feedback_transition(item=item, transition=Transition.ACCEPT, actor=actor, changes={"owner": actor})
    notify_learner(item, NoticeKind.ACCEPTED)
    if item.learner_id is not None:
        # Once per item, whatever happens to it later (incentives keep one award per reason and source).
        points_award(learner=item.learner, reason=AwardReason.FEEDBACK_ACCEPTED, source=item, actor=actor)
    return item


@transaction.atomic
def feedback_reject(*, item: FeedbackItem, actor: User, reason: str) -> FeedbackItem:
    """Reject an item with the reason the learner is shown. Raises as ``feedback_accept``, or for no
    reason."""
    _require_handler(actor)
    reason = _require_text(reason, field="reason")
    item = feedback_transition(
        item=item,
        transition=Transition.REJECT,
        actor=actor,
        body=reason,
        changes={"rejection_reason": reason},
    )
    notify_learner(item, NoticeKind.REJECTED)
    return item


@transaction.atomic
def feedback_convert(
    *, item: FeedbackItem, actor: User, category: ComplaintCategory, title: str | None = None
) -> FeedbackItem:
    """Convert an item that is really a complaint into one, linked both ways, and tell the learner.

    Requires a named item (a complaint needs a complainant) and staff who may log complaints. Raises
    FeedbackPermissionDenied, FeedbackRuleViolation, FeedbackMoveNotAllowed or the complaint filing's own
    refusals, and then nothing is written. Causes the complaint (channel "converted from feedback", by the
    actor, with the item's text, subject and evidence files), an internal event on it naming the item, the
    item's move to "converted", and the learner's notice.
    """
    _require_handler(actor)
    if item.learner_id is None:
        raise FeedbackRuleViolation(
            _("Anonymous feedback cannot become a complaint: a complaint needs a complainant."),
            code="anonymous",
            field="category",
        )
    title = _require_text(title or item.text[:60], field="title", limit=200)
    complaint = complaint_file(
        actor=actor,
        complainant=item.learner,
        category=category,
        title=title,
        description=item.text,
        channel=ComplaintChannel.FEEDBACK,
        subject_course=item.course,
        subject_instructor=item.instructor,
        subject_department=item.department,
        is_urgent=item.is_urgent,
    )
    # The giver's evidence goes with it: the complaint's rows name the same stored files, and a public
    # "evidence added" event shares them with the complainant as their own.
    carried = ComplaintAttachment.objects.bulk_create(
        [
            ComplaintAttachment(
                complaint=complaint,
                file=file.file.name,
                original_name=file.original_name,
                content_type=file.content_type,
                size=file.size,
                sha256=file.sha256,
                uploaded_by=file.uploaded_by or item.learner,
                uploaded_at=file.uploaded_at,
            )
            for file in item.attachments.all()
        ]
    )
    if carried:
        event_add(
            complaint=complaint,
            kind=ComplaintEventKind.EVIDENCE_ADDED,
            actor=actor,
            is_public=True,
            body=gettext("Evidence sent with feedback %(reference)s.") % {"reference": item.reference},
            data={"attachments": [attachment.pk for attachment in carried], "feedback": item.reference},
        )
    event_add(
        complaint=complaint,
        kind=ComplaintEventKind.INTERNAL_NOTE,
        actor=actor,
        body=gettext("Converted from feedback %(reference)s.") % {"reference": item.reference},
        data={"feedback": item.reference},
    )
    item = feedback_transition(
        item=item,
        transition=Transition.CONVERT,
        actor=actor,
        data={"complaint": complaint.reference},
        changes={"complaint": complaint},
    )
    notify_learner(item, NoticeKind.CONVERTED)
    return item


@transaction.atomic
def feedback_plan(
    *, item: FeedbackItem, actor: User, plan_owner: User, actions: str, due_on: datetime.date
) -> FeedbackItem:
    """Make the handling plan (处理方案): who owns it, what will be done, by when (not in the past).

    Raises FeedbackPermissionDenied, FeedbackRuleViolation or FeedbackMoveNotAllowed. Causes the move (the
    plan clock is met), the learner's notice.
    """
    _require_handler(actor)
    if not may_handle_feedback(plan_owner):
        raise FeedbackRuleViolation(
            _("Choose an active agent, supervisor or member of the leadership group."),
            code="not_handling_staff",
            field="plan_owner",
        )
    actions = _require_text(actions, field="actions")
    if due_on < timezone.localdate():
        raise FeedbackRuleViolation(
            _("The due date cannot be in the past."), code="due_in_past", field="due_on"
        )
    item = feedback_transition(
        item=item,
        transition=Transition.PLAN,
        actor=actor,
        body=actions,
        data={"due_on": due_on.isoformat()},
        changes={"plan_owner": plan_owner, "plan_actions": actions, "plan_due_on": due_on},
    )
    notify_learner(item, NoticeKind.PLANNED)
    return item


@transaction.atomic
def feedback_start_rectification(*, item: FeedbackItem, actor: User) -> FeedbackItem:
    """Move a planned item into rectification (整改), where its improvement actions are tracked."""
    _require_handler(actor)
    return feedback_transition(item=item, transition=Transition.START_RECTIFICATION, actor=actor)


@transaction.atomic
def feedback_improvement_action_add(
    *,
    item: FeedbackItem,
    actor: User,
    title: str,
    owner: User,
    due_date: datetime.date,
    description: str = "",
) -> ImprovementAction:
    """Record an improvement action for an item being planned or rectified, in the institution's one list of
    improvement actions (shared with complaints). Raises FeedbackPermissionDenied or FeedbackRuleViolation."""
    _require_handler(actor)
    item = FeedbackItem.objects.select_for_update().get(pk=item.pk)
    if item.state not in {State.PLANNED, State.RECTIFYING}:
        raise FeedbackRuleViolation(
            _("Improvement actions follow the handling plan."), code="not_planned", field="title"
        )
    title = _require_text(title, field="title", limit=200)
    if not may_handle_feedback(owner):
        raise FeedbackRuleViolation(
            _("Choose an active agent, supervisor or member of the leadership group."),
            code="not_handling_staff",
            field="owner",
        )
    if due_date < timezone.localdate():
        raise FeedbackRuleViolation(
            _("The due date cannot be in the past."), code="due_in_past", field="due_date"
        )
    department = owner.department or item.department
    if department is None:
        raise FeedbackRuleViolation(
            _("The owner belongs to no department: choose a colleague with one."),
            code="no_department",
            field="owner",
        )
    action = ImprovementAction.objects.create(
        feedback_item=item,
        title=title,
        description=(description or "").strip(),
        owner=owner,
        department=department,
        due_date=due_date,
        created_by=actor,
    )
    FeedbackEvent.objects.create(
        item=item,
        kind=EventKind.IMPROVEMENT_ACTION,
        actor=actor,
        body=title,
        is_public=True,
        data={"action": action.pk, "state": action.state, "due_date": due_date.isoformat()},
    )
    return action


@transaction.atomic
def feedback_improvement_action_complete(*, action: ImprovementAction, actor: User) -> ImprovementAction:
    """Mark a feedback item's open improvement action done; by its owner or a handler."""
    action = ImprovementAction.objects.select_for_update().get(pk=action.pk)
    if action.feedback_item_id is None:
        raise FeedbackRuleViolation(_("This improvement action belongs to a complaint."), code="not_feedback")
    if action.owner_id != actor.pk:
        _require_handler(actor)
    if action.state != ImprovementAction.State.OPEN:
        raise FeedbackRuleViolation(_("The improvement action is already done."), code="already_done")
    action.state = ImprovementAction.State.DONE
    action.done_at = timezone.now()
    action.save(update_fields=["state", "done_at"])
    FeedbackEvent.objects.create(
        item_id=action.feedback_item_id,
        kind=EventKind.IMPROVEMENT_ACTION,
        actor=actor,
        body=action.title,
        is_public=True,
        data={"action": action.pk, "state": action.state},
    )
    return action


@transaction.atomic
def feedback_notify_result(*, item: FeedbackItem, actor: User, result: str) -> FeedbackItem:
    """Tell the learner the result (透明性) and ask them to rate the handling; the representatives of the
    meeting it came from are told too, to report it back. Requires every improvement action done."""
    _require_handler(actor)
    result = _require_text(result, field="result")
    if ImprovementAction.objects.filter(feedback_item=item, state=ImprovementAction.State.OPEN).exists():
        raise FeedbackRuleViolation(
            _("Finish the open improvement actions before notifying the result."),
            code="actions_open",
            field="result",
        )
    item = feedback_transition(
        item=item, transition=Transition.NOTIFY_RESULT, actor=actor, body=result, changes={"result": result}
    )
    notify_learner(item, NoticeKind.RESULT)
    notify_representatives(item)
    return item


@transaction.atomic
def feedback_rate(
    *, item: FeedbackItem, actor: User | None, rating: int, comment: str = "", follow_key: str | None = None
) -> FeedbackItem:
    """Rate the handling (1–5 and a comment): the learner, their guardian, or an anonymous giver's follow key.

    Raises FeedbackPermissionDenied, FeedbackRuleViolation or FeedbackMoveNotAllowed.
    """
    if follow_key is not None:
        if not item.follow_key_hash or not secrets.compare_digest(
            item.follow_key_hash, follow_key_hash(follow_key)
        ):
            raise FeedbackPermissionDenied()
    elif actor is None or not _is_party(actor, item):
        raise FeedbackPermissionDenied(_("Only the person who gave the feedback rates its handling."))
    if not isinstance(rating, int) or isinstance(rating, bool) or not 1 <= rating <= 5:
        raise FeedbackRuleViolation(
            _("Choose a rating from 1 to 5."), code="rating_out_of_range", field="rating"
        )
    comment = (comment or "").strip()
    if len(comment) > MAX_TEXT_LENGTH:
        raise FeedbackRuleViolation(
            _("Keep this within %(limit)d characters.") % {"limit": MAX_TEXT_LENGTH},
            code="too_long",
            field="comment",
        )
    return feedback_transition(
        item=item,
        transition=Transition.RATE,
        actor=actor if follow_key is None else None,
        body=comment,
        data={"rating": rating},
        changes={"rating": rating, "rating_comment": comment},
        kind=EventKind.RATING,
    )


def _is_party(actor: User, item: FeedbackItem) -> bool:
    if item.learner_id is None:
        return False
    return (
        actor.pk == item.learner_id
        or Guardianship.objects.filter(guardian=actor, learner_id=item.learner_id).exists()
    )


@transaction.atomic
def feedback_close(*, item: FeedbackItem, actor: User) -> FeedbackItem:
    """Close an item whose result was notified (rated or not)."""
    _require_handler(actor)
    return feedback_transition(item=item, transition=Transition.CLOSE, actor=actor)


@transaction.atomic
def feedback_note_add(*, item: FeedbackItem, actor: User, body: str) -> FeedbackEvent:
    """Add an internal note, seen by staff only."""
    _require_handler(actor)
    body = _require_text(body, field="body")
    return FeedbackEvent.objects.create(item=item, kind=EventKind.NOTE, actor=actor, body=body)


@transaction.atomic
def paper_batch_start(
    *,
    actor: User,
    kind: str,
    term: Term | None = None,
    school_class: SchoolClass | None = None,
    file_name: str = "",
) -> PaperBatch:
    """Open a batch of paper forms (keyed in or imported): every item of it records the batch."""
    _require_entry_staff(actor)
    return PaperBatch.objects.create(
        kind=kind, term=term, school_class=school_class, file_name=file_name[:255], created_by=actor
    )


@transaction.atomic
def meeting_record(
    *,
    actor: User,
    held_on: datetime.date,
    classes: list[SchoolClass],
    representatives: list[User],
    minutes: str = "",
    term: Term | None = None,
) -> RepresentativeMeeting:
    """Record a representative meeting; its points are then entered as feedback items of the meeting."""
    _require_entry_staff(actor)
    if held_on > timezone.localdate():
        raise FeedbackRuleViolation(
            _("A meeting is recorded once it has been held."), code="future", field="held_on"
        )
    if not representatives:
        raise FeedbackRuleViolation(
            _("Name the representatives present."), code="required", field="representatives"
        )
    if any(not person.is_active or Role.LEARNER not in person.role_names for person in representatives):
        raise FeedbackRuleViolation(
            _("Representatives are active learners."), code="not_learner", field="representatives"
        )
    meeting = RepresentativeMeeting.objects.create(
        held_on=held_on, term=term, minutes=(minutes or "").strip(), recorded_by=actor
    )
    meeting.classes.set(classes)
    meeting.representatives.set(representatives)
    return meeting
