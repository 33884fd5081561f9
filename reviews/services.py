"""Recording reviews and their decisions, completing decisions, and reminding people that a review is due.

Every service runs in one transaction and takes the actor; a refusal raises a ``core.errors`` domain error
naming the input field it concerns, and changes nothing.
"""

import datetime
from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.roles import Role
from core.errors import Conflict, NotAllowed, RuleViolation
from incentives.models import Award
from incentives.reasons import AwardReason
from incentives.services import points_award
from notifications.services import notification_enqueue
from privacy import policy
from surveys.models import Invitation, Purpose, Survey

from .models import Review, ReviewDecision, ReviewKind, ReviewReminder, RightsMeasure
from .notices import REVIEW_DUE_SOON, REVIEW_OVERDUE
from .opinions import OPINIONS_GIVEN
from .permissions import may_manage_reviews
from .selectors import KINDS_WITH_FIGURES, DueReview, review_complaint_figures, review_schedules_due

TEXT_MAX = 10_000
CHANGE_MAX = 2_000
SOURCE_MAX = 300


def _require_manager(actor: User) -> None:
    if not may_manage_reviews(actor):
        raise NotAllowed(_("Only managers and the leadership group record reviews."))


def _text(value: str | None, *, field: str, required: bool, maximum: int) -> str:
    text = (value or "").strip()
    if required and not text:
        raise RuleViolation(_("This field is required."), code="required", field=field)
    if len(text) > maximum:
        raise RuleViolation(
            _("Write at most %(max)d characters.") % {"max": maximum}, code="too_long", field=field
        )
    return text


def _active_person(person: User | None, *, field: str) -> User:
    if person is None or not person.is_active:
        raise RuleViolation(_("Name an active person."), code="person_inactive", field=field)
    return person


def _opinion_survey(survey: Survey | None) -> Survey | None:
    """The survey a review's opinions came from: an opinion survey, or none."""
    if survey is None:
        return None
    if survey.purpose != Purpose.OPINIONS:
        raise RuleViolation(
            _("Choose an opinion survey: a term survey asks learners about their courses."),
            code="not_an_opinion_survey",
            field="opinions_survey",
        )
    return survey


@transaction.atomic
def review_create(
    *,
    kind: str,
    held_on: datetime.date,
    period_start: datetime.date,
    period_end: datetime.date,
    findings: str,
    actor: User,
    responsible: User | None = None,
    measure: RightsMeasure | None = None,
    participants: Iterable[User] = (),
    opinions_summary: str = "",
    opinions_source: str = "",
    opinions_survey: Survey | None = None,
) -> Review:
    """Record a review that was held, with its findings and participants.

    Requires a manager or a member of the leadership group (NotAllowed otherwise); a known kind; a rights
    measure for an evaluation and none for the other kinds; a period that ends on or after it starts and
    not after the review; a date not in the future; findings; active people; an opinion survey, if any, that
    is one (not a term survey). Raises RuleViolation naming the field otherwise. The person responsible is
    the measure's for an evaluation unless named, else the actor. Causes, for a quarterly complaint review,
    the period's complaint figures stored on the review as they are now (they do not change later).
    """
    _require_manager(actor)
    if kind not in ReviewKind.values:
        raise RuleViolation(_("Choose a kind of review."), code="unknown_kind", field="kind")
    if kind == ReviewKind.MEASURE:
        if measure is None:
            raise RuleViolation(
                _("Name the rights measure evaluated."), code="measure_required", field="measure"
            )
        if not measure.is_active:
            raise RuleViolation(
                _("This rights measure is no longer active."), code="measure_inactive", field="measure"
            )
    elif measure is not None:
        raise RuleViolation(
            _("Only the evaluation of a rights measure names a measure."),
            code="measure_not_allowed",
            field="measure",
        )
    today = timezone.localdate()
    if held_on > today:
        raise RuleViolation(
            _("Record a review once it has been held."), code="held_in_future", field="held_on"
        )
    if period_end < period_start:
        raise RuleViolation(
            _("The period cannot end before it starts."), code="period_order", field="period_end"
        )
    if period_end > held_on:
        raise RuleViolation(
            _("The period reviewed cannot end after the review."),
            code="period_after_review",
            field="period_end",
        )
    findings = _text(findings, field="findings", required=True, maximum=TEXT_MAX)
    opinions_summary = _text(opinions_summary, field="opinions_summary", required=False, maximum=TEXT_MAX)
    opinions_source = _text(opinions_source, field="opinions_source", required=False, maximum=SOURCE_MAX)
    opinions_survey = _opinion_survey(opinions_survey)
    if responsible is None:
        responsible = measure.responsible if measure is not None else actor
    responsible = _active_person(responsible, field="responsible")
    people = list(dict.fromkeys(participants))
    for person in people:
        _active_person(person, field="participants")
    review = Review.objects.create(
        kind=kind,
        measure=measure,
        responsible=responsible,
        held_on=held_on,
        period_start=period_start,
        period_end=period_end,
        findings=findings,
        opinions_summary=opinions_summary,
        opinions_source=opinions_source,
        opinions_survey=opinions_survey,
        figures=(
            review_complaint_figures(period_start=period_start, period_end=period_end)
            if kind in KINDS_WITH_FIGURES
            else {}
        ),
        created_by=actor,
    )
    if people:
        review.participants.set(people)
    return review


@transaction.atomic
def review_decision_add(
    *, review: Review, change: str, owner: User, due_date: datetime.date, actor: User
) -> ReviewDecision:
    """Record what the review decided to change, who owns it and by when.

    Requires a manager or a member of the leadership group (NotAllowed); a description of the change; an
    active member of staff as owner; a due date not in the past (RuleViolation naming the field otherwise).
    """
    _require_manager(actor)
    change = _text(change, field="change", required=True, maximum=CHANGE_MAX)
    owner = _active_person(owner, field="owner")
    if not (owner.is_superuser or owner.is_staff_member):
        raise RuleViolation(
            _("A decision is owned by a member of staff."), code="owner_not_staff", field="owner"
        )
    if due_date < timezone.localdate():
        raise RuleViolation(_("The due date cannot be in the past."), code="due_in_past", field="due_date")
    review = Review.objects.select_for_update().get(pk=review.pk)
    return ReviewDecision.objects.create(
        review=review, change=change, owner=owner, due_date=due_date, created_by=actor
    )


@transaction.atomic
def review_decision_complete(*, decision: ReviewDecision, actor: User) -> ReviewDecision:
    """Mark an open decision done; by its owner, a manager or a member of the leadership group.

    Raises NotAllowed for anyone else and Conflict when the decision is already done.
    """
    decision = ReviewDecision.objects.select_for_update().get(pk=decision.pk)
    if not policy.can(actor, policy.CHANGE, decision):
        raise NotAllowed(_("Only the decision's owner, a manager or the leadership group mark it done."))
    if decision.state != ReviewDecision.State.OPEN:
        raise Conflict(_("The decision is already done."), code="already_done")
    decision.state = ReviewDecision.State.DONE
    decision.done_at = timezone.now()
    decision.done_by = actor
    decision.save(update_fields=["state", "done_at", "done_by"])
    return decision


@transaction.atomic
def review_opinions_survey_set(*, review: Review, survey: Survey | None, actor: User) -> Review:
    """Link the review to the opinion survey that gathered its opinions, or (``None``) unlink it.

    Requires a manager or a member of the leadership group (NotAllowed); an opinion survey, not a term
    survey; and that no learner the survey asks was already thanked for this review with points of its own
    (their points would double: see ``review_opinions_thank``). Raises RuleViolation, field
    ``opinions_survey``, otherwise; each refusal changes nothing.
    """
    _require_manager(actor)
    survey = _opinion_survey(survey)
    review = Review.objects.select_for_update().get(pk=review.pk)
    if survey is not None:
        thanked = Award.objects.filter(
            reason=OPINIONS_GIVEN,
            source_type=ContentType.objects.get_for_model(Review),
            source_id=review.pk,
            learner__in=Invitation.objects.filter(survey=survey).values("learner_id"),
        )
        if thanked.exists():
            raise RuleViolation(
                _(
                    "This survey asks learners who were already thanked for this review's opinions: "
                    "their points would double."
                ),
                code="opinions_thanked_before",
                field="opinions_survey",
            )
    review.opinions_survey = survey
    review.save(update_fields=["opinions_survey"])
    return review


@transaction.atomic
def review_opinions_thank(*, review: Review, learner: User, actor: User) -> Award | None:
    """Thank a learner whose opinions the review gathered with points, once per review.

    A learner asked by the review's opinion survey earns these points through the survey instead: the
    award is the survey's (reason "survey answered", keyed on their invitation), the one answering gives,
    so thanks and answer together award once, whichever comes first.

    Requires a manager or a member of the leadership group (NotAllowed) and an active learner
    (RuleViolation, field ``learner``). Returns the award, or None when the learner was thanked (or, through
    the survey, awarded) before.
    """
    _require_manager(actor)
    if learner is None or not learner.is_active or not learner.has_role(Role.LEARNER):
        raise RuleViolation(_("Points go to an active learner."), code="not_a_learner", field="learner")
    survey_id = Review.objects.filter(pk=review.pk).values_list("opinions_survey_id", flat=True).first()
    invitation = (
        Invitation.objects.filter(survey_id=survey_id, learner=learner).first() if survey_id else None
    )
    if invitation is not None:
        return points_award(
            learner=learner, reason=AwardReason.SURVEY_ANSWERED, source=invitation, actor=actor
        )
    return points_award(learner=learner, reason=OPINIONS_GIVEN, source=review, actor=actor)


# Who is reminded of each kind of review: the feedback process review is the managers', the quarterly
# complaint review the leadership group's; an evaluation goes to the measure's responsible person.
REMINDED_ROLES = {
    ReviewKind.PROCESS: (Role.MANAGER,),
    ReviewKind.COMPLAINTS: (Role.LEADERSHIP,),
    ReviewKind.MEASURE: (),
}


def _reminded(due: DueReview, by_role: dict[str, list[User]]) -> list[User]:
    schedule = due.schedule
    if schedule.measure_id and schedule.measure.responsible.is_active:
        return [schedule.measure.responsible]
    people = [person for role in REMINDED_ROLES[schedule.kind] for person in by_role[str(role)]]
    if not people:  # nobody in the role: the leadership group answers for every review
        people = by_role[str(Role.LEADERSHIP)] or by_role[str(Role.MANAGER)]
    return list(dict.fromkeys(people))


def _people_by_role() -> dict[str, list[User]]:
    """The active managers and members of the leadership group, by role: one query."""
    people: dict[str, list[User]] = {str(Role.MANAGER): [], str(Role.LEADERSHIP): []}
    memberships = (
        User.groups.through.objects.filter(group__name__in=list(people), user__is_active=True)
        .select_related("user", "group")
        .order_by("user_id")
    )
    for membership in memberships:
        people[membership.group.name].append(membership.user)
    return people


def review_reminders_send(*, today: datetime.date | None = None) -> int:
    """Remind the people responsible of every review due within its schedule's notice, or overdue.

    Each (schedule, due date, level) is reminded once, by a unique constraint: a sweep that runs twice, or
    two sweeps at once, remind once. A review recorded moves the next due date on, so its reminders stop.
    Returns how many reminders were written. Each reminder is its own transaction with its notices.
    """
    today = today or timezone.localdate()
    sent = 0
    by_role: dict[str, list[User]] | None = None
    for due in review_schedules_due():
        days_left = (due.due_on - today).days
        if days_left < 0:
            level = ReviewReminder.Level.OVERDUE
        elif days_left <= due.schedule.remind_days_before:
            level = ReviewReminder.Level.DUE_SOON
        else:
            continue
        if ReviewReminder.objects.filter(schedule=due.schedule, due_on=due.due_on, level=level).exists():
            continue
        if by_role is None:
            by_role = _people_by_role()
        if _reminder_send(due=due, level=level, people=_reminded(due, by_role)):
            sent += 1
    return sent


@transaction.atomic
def _reminder_send(*, due: DueReview, level: str, people: list[User]) -> bool:
    try:
        with transaction.atomic():
            ReviewReminder.objects.create(
                schedule=due.schedule, due_on=due.due_on, level=level, recipients=len(people)
            )
    except IntegrityError:
        return False  # another sweep reminded of it first
    kind = REVIEW_OVERDUE if level == ReviewReminder.Level.OVERDUE else REVIEW_DUE_SOON
    context = {
        "kind": due.schedule.kind,
        "due_at": due.due_on.isoformat(),
        "reference": due.schedule.measure.code if due.schedule.measure_id else "",
    }
    for person in people:
        notification_enqueue(recipient=person, kind=kind, context=context)
    return True
