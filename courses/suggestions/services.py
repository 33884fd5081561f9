"""Every change to update suggestions: proposing one (with optional evidence), supporting another's, and the
owners' answers (accept, plan, decline with a reason, done in a version), each a move of the workflow with its
public timeline event and the notices to the proposer and supporters, written in the same transaction."""

import datetime
from collections.abc import Sequence

from django.core.files import File
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.evidence import CheckedFile, evidence_check, evidence_transaction, evidence_write
from core.references import reference_allocate

from ..errors import AlreadySupported, CoursePermissionDenied, CourseRuleViolation, SuggestionInvalidEvidence
from ..models import Course
from ..permissions import is_course_learner, may_answer_suggestions
from ..text_input import text_clean
from .models import (
    ONE_VOTE_EACH,
    REASON_MAX_LENGTH,
    REFERENCE_PREFIX,
    TEXT_MAX_LENGTH,
    VERSION_MAX_LENGTH,
    CourseVersion,
    EventKind,
    Kind,
    State,
    SuggestionAttachment,
    SuggestionEvent,
    SuggestionSupport,
    UpdateSuggestion,
)
from .notices import notify_followers
from .workflow import Transition, suggestion_transition

MAX_ATTACHMENTS = 3
MAX_CHAPTER = 999


def _clean_kind_and_chapter(kind, chapter) -> tuple[str, int | None]:
    if kind not in Kind.values:
        raise CourseRuleViolation(_("Choose what kind of update it is."), field="kind")
    if kind != Kind.CHAPTER_ERROR:
        if chapter not in (None, ""):
            raise CourseRuleViolation(_("Only an error names a chapter."), field="chapter")
        return kind, None
    if isinstance(chapter, bool) or not isinstance(chapter, int) or not 1 <= chapter <= MAX_CHAPTER:
        raise CourseRuleViolation(
            _("Name the chapter the error is in (1 to %(max)d).") % {"max": MAX_CHAPTER}, field="chapter"
        )
    return kind, chapter


def suggestion_evidence_check(files: Sequence[File]) -> list[CheckedFile]:
    """Check the files sent with a suggestion by content, up to its limit; writes nothing."""
    return evidence_check(
        files=files,
        limit=MAX_ATTACHMENTS,
        too_many=_("A suggestion can have at most %(count)d files.") % {"count": MAX_ATTACHMENTS},
        refusal=SuggestionInvalidEvidence,
    )


def suggestion_propose(
    *,
    course: Course,
    actor: User,
    kind: str,
    text: str,
    chapter: int | None = None,
    attachments: Sequence[File] = (),
) -> UpdateSuggestion:
    """Propose an update of the course: its kind (an error names its chapter), the text, and up to three
    evidence files (JPEG, PNG or PDF, checked by content).

    Requires a learner enrolled in the course (``CoursePermissionDenied``). Refuses a bad kind, chapter or
    text (``CourseRuleViolation`` at that field) and refused files (``SuggestionInvalidEvidence``), writing
    nothing (no suggestion, no reference number, no file). Causes the suggestion, its public "proposed" event
    and its files.
    """
    if not is_course_learner(actor, course):
        raise CoursePermissionDenied(_("Learners of the course propose its updates."))
    kind, chapter = _clean_kind_and_chapter(kind, chapter)
    text = text_clean(text, field="text", max_length=TEXT_MAX_LENGTH, required=True)
    checked = suggestion_evidence_check(attachments)
    with evidence_transaction() as stored_names:
        names = evidence_write(checked=checked, stored_names=stored_names, folder="suggestions")
        now = timezone.now()
        suggestion = UpdateSuggestion.objects.create(
            reference=reference_allocate(prefix=REFERENCE_PREFIX),
            course=course,
            proposer=actor,
            kind=kind,
            chapter=chapter,
            text=text,
            created_at=now,
        )
        SuggestionAttachment.objects.bulk_create(
            SuggestionAttachment(
                suggestion=suggestion,
                file=name,
                original_name=file.original_name,
                content_type=file.content_type,
                size=file.size,
                sha256=file.sha256,
            )
            for file, name in zip(checked, names, strict=True)
        )
        SuggestionEvent.objects.create(
            suggestion=suggestion,
            kind=EventKind.PROPOSED,
            is_public=True,
            actor=actor,
            to_state=State.OPEN,
            created_at=now,
        )
    return suggestion


def suggestion_support(*, suggestion: UpdateSuggestion, actor: User) -> SuggestionSupport:
    """Support another learner's open suggestion: one vote each.

    Requires a learner of the course who did not propose it (``CoursePermissionDenied``) and a suggestion
    still open (``CourseRuleViolation``); a second vote is refused (``AlreadySupported``), also when two
    arrive at once (the database keeps one per learner). Writes nothing when it refuses.
    """
    if not is_course_learner(actor, suggestion.course):
        raise CoursePermissionDenied(_("Learners of the course support its suggestions."))
    if actor.pk == suggestion.proposer_id:
        raise CoursePermissionDenied(_("You made this suggestion: others support it."))
    try:
        with transaction.atomic():
            # Shares the row lock an answer takes: a vote lands wholly before or after a change of state, so
            # the change's notices reach exactly the supporters it found.
            locked = UpdateSuggestion.objects.select_for_update().get(pk=suggestion.pk)
            if not locked.is_open:
                raise CourseRuleViolation(_("This suggestion has been answered: it takes no more support."))
            return SuggestionSupport.objects.create(suggestion=locked, supporter=actor)
    except IntegrityError as error:
        if ONE_VOTE_EACH in str(error):
            raise AlreadySupported() from None
        raise


def _require_owner(suggestion: UpdateSuggestion, actor: User) -> None:
    if not may_answer_suggestions(actor, suggestion.course):
        raise CoursePermissionDenied(_("Only the course's instructors and its department's staff answer."))


def _answer(
    *,
    suggestion: UpdateSuggestion,
    actor: User,
    transition: Transition,
    body: str = "",
    data: dict | None = None,
    changes: dict | None = None,
) -> UpdateSuggestion:
    with transaction.atomic():
        moved, _from_state = suggestion_transition(
            suggestion=suggestion, transition=transition, actor=actor, body=body, data=data, changes=changes
        )
        notify_followers(moved, exclude_id=actor.pk)
    return moved


def suggestion_accept(*, suggestion: UpdateSuggestion, actor: User, note: str = "") -> UpdateSuggestion:
    """Accept the suggestion. Requires a course owner (``CoursePermissionDenied``) and an open suggestion
    (``SuggestionMoveNotAllowed``). Causes the public event and the notices to proposer and supporters."""
    _require_owner(suggestion, actor)
    note = text_clean(note, field="note", max_length=REASON_MAX_LENGTH)
    return _answer(suggestion=suggestion, actor=actor, transition=Transition.ACCEPT, body=note)


def suggestion_plan(*, suggestion: UpdateSuggestion, actor: User, note: str = "") -> UpdateSuggestion:
    """Plan the suggestion for a coming version; as ``suggestion_accept`` otherwise."""
    _require_owner(suggestion, actor)
    note = text_clean(note, field="note", max_length=REASON_MAX_LENGTH)
    return _answer(suggestion=suggestion, actor=actor, transition=Transition.PLAN, body=note)


def suggestion_decline(*, suggestion: UpdateSuggestion, actor: User, reason: str) -> UpdateSuggestion:
    """Decline the suggestion, with the reason learners read. Requires a course owner and a reason
    (``CourseRuleViolation`` at ``reason``); as ``suggestion_accept`` otherwise."""
    _require_owner(suggestion, actor)
    reason = text_clean(reason, field="reason", max_length=REASON_MAX_LENGTH, required=True)
    return _answer(
        suggestion=suggestion,
        actor=actor,
        transition=Transition.DECLINE,
        body=reason,
        changes={"decline_reason": reason},
    )


def suggestion_mark_done(
    *,
    suggestion: UpdateSuggestion,
    actor: User,
    version: str,
    released_on: datetime.date | None = None,
    note: str = "",
) -> UpdateSuggestion:
    """Record the suggestion done in a version of the course: an existing version of that number, or a new
    one released on ``released_on`` (today when not given). Requires a course owner and a version number
    (``CourseRuleViolation`` at ``version``); as ``suggestion_accept`` otherwise. Causes the version when new,
    so the course's change log lists it with the suggestions that landed in it."""
    _require_owner(suggestion, actor)
    number = text_clean(version, field="version", max_length=VERSION_MAX_LENGTH, required=True)
    note = text_clean(note, field="note", max_length=REASON_MAX_LENGTH)
    with transaction.atomic():
        landed, _created = CourseVersion.objects.get_or_create(
            course_id=suggestion.course_id,
            number=number,
            defaults={"released_on": released_on or timezone.localdate()},
        )
        return _answer(
            suggestion=suggestion,
            actor=actor,
            transition=Transition.DONE,
            body=note,
            data={"version": landed.number},
            changes={"version": landed},
        )
