"""Every change of a survey: opening (inviting and telling the enrolled learners of a term survey, or the
people chosen for an opinion survey), closing, anonymity, an answer stored apart from its invitation, the
review of free text, and the reminder sweep.

Anonymity: ``response_submit`` writes the invitation's answered day and an unnamed response in one
transaction, and nothing that ties one to the other (random UUID keys, days not times, no reference either
way). ``_after_response`` is the one place a follow-up of an answer (the incentives) hooks in: it is given
the invitation, never the response.
"""

import datetime
from collections.abc import Mapping

from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.roles import STAFF_ROLES, Role
from core.references import reference_allocate
from courses.models import Enrolment, Instructor
from incentives.reasons import AwardReason
from incentives.services import points_award
from notifications.services import NoticeRequest, notifications_enqueue_bulk

from .answers import AnswerValue, answer_slots
from .errors import AlreadyAnswered, AnonymityLocked, SurveyError, SurveyNotAllowed, SurveyNotOpen
from .models import Answer, Audience, Invitation, Purpose, Question, Reminder, Response, Survey
from .notices import SURVEY_OPENED, SURVEY_REMINDER_LAST_DAY, SURVEY_REMINDER_TWO_DAYS

REFERENCE_PREFIX = "WJ"
# Who builds and runs surveys.
SURVEY_MANAGING_ROLES = frozenset({str(Role.MANAGER), str(Role.AGENT)})


def may_manage_surveys(user: User | None) -> bool:
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or bool(user.role_names & SURVEY_MANAGING_ROLES)


def _require_manager(actor: User | None) -> None:
    """``None`` is the system (the beat sweep); a person needs a managing role."""
    if actor is not None and not may_manage_surveys(actor):
        raise SurveyNotAllowed


def survey_reference_assign(*, survey: Survey) -> Survey:
    """Give a new survey its reference (``WJ-<year>-<number>``), inside the caller's transaction."""
    if not survey.reference:
        survey.reference = reference_allocate(prefix=REFERENCE_PREFIX)
    return survey


def _lock(survey: Survey) -> Survey:
    return Survey.objects.select_for_update().get(pk=survey.pk)


# Who belongs to each audience group of an opinion survey (active people only): the learners; the teachers,
# who have an active instructor record or the instructor role; the team, every member of staff.
AUDIENCE_MEMBERS = {
    Audience.LEARNERS: Q(groups__name=str(Role.LEARNER)),
    Audience.TEACHERS: Q(instructor_profile__is_active=True) | Q(groups__name=str(Role.INSTRUCTOR)),
    Audience.TEAM: Q(groups__name__in=[str(role) for role in STAFF_ROLES]),
}
# A person in several groups answers in the first: a teacher who is also on the staff answers as a teacher.
AUDIENCE_ORDER = (Audience.TEACHERS, Audience.TEAM, Audience.LEARNERS)


def audience_members(audience: str) -> QuerySet[User]:
    """The active people of one audience group."""
    return User.objects.filter(AUDIENCE_MEMBERS[Audience(audience)], is_active=True).distinct()


def _chosen_groups(survey: Survey) -> list[str]:
    flags = {
        Audience.LEARNERS: survey.invite_learners,
        Audience.TEACHERS: survey.invite_teachers,
        Audience.TEAM: survey.invite_team,
    }
    return [audience for audience in AUDIENCE_ORDER if flags[audience]]


def opinion_survey_people(*, survey: Survey) -> dict[int, str]:
    """Who an opinion survey asks, each with the audience group they answer in: the members of the groups
    chosen, then the people picked by name (in the first group they belong to). A query per group."""
    people: dict[int, str] = {}
    for audience in _chosen_groups(survey):
        for person in audience_members(audience).values_list("pk", flat=True):
            people.setdefault(person, audience)
    picked = set(survey.invitees.filter(is_active=True).values_list("pk", flat=True)) - set(people)
    for audience in AUDIENCE_ORDER:
        if not picked:
            break
        found = set(audience_members(audience).filter(pk__in=picked).values_list("pk", flat=True))
        for person in found:
            people[person] = audience
        picked -= found
    return people


def survey_setup_check(
    *,
    purpose: str,
    term,
    courses,
    invite_learners: bool = False,
    invite_teachers: bool = False,
    invite_team: bool = False,
    invitees=(),
) -> None:
    """Check a survey's shape before it is saved or opened; raise SurveyError naming the field otherwise.

    A term survey names a term and at least one course and asks no group or person by name; an opinion
    survey names no term and no course, and asks at least one group or person, each person picked an active
    learner, teacher or member of staff.
    """
    courses, invitees = list(courses), list(invitees)
    groups = invite_learners or invite_teachers or invite_team
    if purpose == Purpose.TERM:
        if term is None:
            raise SurveyError(_("A term survey names its term."), code="term_required", field="term")
        if not courses:
            raise SurveyError(
                _("A term survey names the courses it asks about."), code="courses_required", field="courses"
            )
        if groups or invitees:
            raise SurveyError(
                _("A term survey asks the term's enrolled learners: people are chosen for opinion surveys."),
                code="people_not_allowed",
                field="invitees",
            )
        return
    if purpose != Purpose.OPINIONS:
        raise SurveyError(_("Choose the survey's purpose."), code="unknown_purpose", field="purpose")
    if term is not None:
        raise SurveyError(
            _("An opinion survey is about no term: leave the term empty."),
            code="term_not_allowed",
            field="term",
        )
    if courses:
        raise SurveyError(
            _("An opinion survey is about no course: leave the courses empty."),
            code="courses_not_allowed",
            field="courses",
        )
    if not groups and not invitees:
        raise SurveyError(
            _("Choose whom to ask: every learner, every teacher, the whole team, or people by name."),
            code="nobody_asked",
            field="invitees",
        )
    if invitees:
        members = Q()
        for condition in AUDIENCE_MEMBERS.values():
            members |= condition
        eligible = set(
            User.objects.filter(members, is_active=True, pk__in=[person.pk for person in invitees])
            .values_list("pk", flat=True)
            .distinct()
        )
        if any(person.pk not in eligible for person in invitees):
            raise SurveyError(
                _("Ask only active learners, teachers or members of staff by name."),
                code="invitee_not_eligible",
                field="invitees",
            )


def _invite_enrolled(survey: Survey, today: datetime.date) -> None:
    enrolments = (
        Enrolment.objects.filter(
            term_id=survey.term_id, course__in=survey.courses.all(), learner__is_active=True
        )
        .order_by("learner_id", "course_id", "-start_date")
        .distinct("learner_id", "course_id")
        .values_list("learner_id", "course_id", "school_class_id")
    )
    Invitation.objects.bulk_create(
        [
            Invitation(
                survey=survey, learner_id=learner, course_id=course, school_class_id=klass, invited_on=today
            )
            for learner, course, klass in enrolments
        ],
        ignore_conflicts=True,
    )


def _invite_chosen(survey: Survey, today: datetime.date) -> None:
    Invitation.objects.bulk_create(
        [
            Invitation(
                survey=survey,
                purpose=Purpose.OPINIONS,
                learner_id=person,
                audience=audience,
                course=None,
                invited_on=today,
            )
            for person, audience in sorted(opinion_survey_people(survey=survey).items())
        ],
        ignore_conflicts=True,
    )


@transaction.atomic
def survey_open(*, survey: Survey, actor: User | None, today: datetime.date | None = None) -> Survey:
    """Open a draft survey, invite its people and tell them.

    A term survey invites every learner enrolled in the term in each chosen course (one invitation per
    learner and course); an opinion survey invites the people it chooses (``opinion_survey_people``), once
    each, with their audience group. Requires a draft (SurveyNotOpen otherwise), a managing actor
    (SurveyNotAllowed) and a survey of its purpose's shape (SurveyError naming the field, see
    ``survey_setup_check``). Writes the invitations, and one notice per person, on commit.
    """
    _require_manager(actor)
    today = today or timezone.localdate()
    locked = _lock(survey)
    if locked.state != Survey.State.DRAFT:
        raise SurveyNotOpen(code="survey_not_draft")
    survey_setup_check(
        purpose=locked.purpose,
        term=locked.term,
        courses=locked.courses.all(),
        invite_learners=locked.invite_learners,
        invite_teachers=locked.invite_teachers,
        invite_team=locked.invite_team,
        invitees=locked.invitees.all(),
    )
    locked.state = Survey.State.OPEN
    locked.save(update_fields=["state"])
    if locked.purpose == Purpose.OPINIONS:
        _invite_chosen(locked, today)
    else:
        _invite_enrolled(locked, today)
    learners = Invitation.objects.filter(survey=locked).values_list("learner_id", flat=True).distinct()
    notifications_enqueue_bulk(
        notices=[
            NoticeRequest(recipient_id=learner, kind=SURVEY_OPENED, context={"reference": locked.reference})
            for learner in learners
        ]
    )
    return locked


@transaction.atomic
def survey_close(*, survey: Survey, actor: User | None) -> Survey:
    """Close an open survey: no answer is taken after. Requires an open survey and a managing actor."""
    _require_manager(actor)
    locked = _lock(survey)
    if locked.state != Survey.State.OPEN:
        raise SurveyNotOpen
    locked.state = Survey.State.CLOSED
    locked.save(update_fields=["state"])
    return locked


@transaction.atomic
def survey_anonymity_set(*, survey: Survey, is_anonymous: bool, actor: User) -> Survey:
    """Switch the survey's anonymity. Raises AnonymityLocked, changing nothing, when switching it off after
    the first answer (the database refuses the same: migration 0002's trigger)."""
    _require_manager(actor)
    locked = _lock(survey)
    if locked.is_anonymous and not is_anonymous and Response.objects.filter(survey=locked).exists():
        raise AnonymityLocked(field="is_anonymous")
    locked.is_anonymous = is_anonymous
    locked.save(update_fields=["is_anonymous"])
    return locked


def survey_questions(survey: Survey) -> list[Question]:
    return list(survey.questionnaire.questions.order_by("position", "id"))


def course_instructors(course_id: int) -> list[Instructor]:
    return list(Instructor.objects.filter(courses=course_id).order_by("name", "id"))


@transaction.atomic
def response_submit(
    *,
    invitation: Invitation,
    answers: Mapping[str, AnswerValue],
    actor: User,
    today: datetime.date | None = None,
) -> Invitation:
    """Store the person's answers (about the invitation's course, in a term survey; in their audience group,
    in an opinion survey), unnamed, and mark the invitation answered.

    ``answers`` maps each slot key (``answers.answer_slots``) to a cleaned value (``answers.answers_clean``
    checks the input first and names each bad field). Requires the actor to be the invited person
    (SurveyNotAllowed), an open survey on a day between its opening and closing (SurveyNotOpen), and no
    earlier answer (AlreadyAnswered); each refusal changes nothing. Free-text answers await review. A term
    survey's scores are added to its running sums. Then calls ``_after_response`` with the invitation.
    """
    today = today or timezone.localdate()
    locked = Invitation.objects.select_for_update().select_related("survey").get(pk=invitation.pk)
    if locked.learner_id != actor.pk:
        raise SurveyNotAllowed
    survey = locked.survey
    if survey.state != Survey.State.OPEN or not survey.opens_on <= today <= survey.closes_on:
        raise SurveyNotOpen
    if locked.responded_on is not None:
        if survey.purpose == Purpose.OPINIONS:
            raise AlreadyAnswered(_("You have already answered this survey."))
        raise AlreadyAnswered
    response = Response.objects.create(
        survey=survey,
        purpose=survey.purpose,
        course_id=locked.course_id,
        school_class_id=locked.school_class_id,
        audience=locked.audience,
        submitted_on=today,
    )
    rows = []
    for slot in answer_slots(survey=survey, course_id=locked.course_id):
        value = answers.get(slot.key)
        if value is None or value == "" or value == []:
            continue
        question = slot.question
        row = Answer(
            response=response,
            survey=survey,
            purpose=survey.purpose,
            question=question,
            course_id=locked.course_id,
            instructor=slot.instructor,
            school_class_id=locked.school_class_id,
            audience=locked.audience,
        )
        if question.kind == Question.Kind.LIKERT:
            row.score = int(value)
        elif question.kind == Question.Kind.SINGLE:
            row.choices = [int(value)]
        elif question.kind == Question.Kind.MULTIPLE:
            row.choices = sorted(int(choice) for choice in value)
        else:
            row.text = str(value)
            row.review = Answer.Review.PENDING
        rows.append(row)
    Answer.objects.bulk_create(rows)
    if survey.purpose == Purpose.TERM:
        _tally_add(
            survey=survey, course_id=locked.course_id, school_class_id=locked.school_class_id, rows=rows
        )
    locked.responded_on = today
    locked.save(update_fields=["responded_on"])
    _after_response(invitation=locked)
    return locked


_TALLY_SQL = """
INSERT INTO surveys_resulttally (survey_id, course_id, instructor_id, school_class_id, responses, score_sum,
    score_count)
SELECT %(survey)s, %(course)s, tally.instructor_id, %(class)s, 1, tally.score_sum, tally.score_count
FROM unnest(%(instructors)s::bigint[], %(sums)s::bigint[], %(counts)s::int[])
    AS tally(instructor_id, score_sum, score_count)
ON CONFLICT (survey_id, course_id, instructor_id, school_class_id) DO UPDATE SET
    responses = surveys_resulttally.responses + 1,
    score_sum = surveys_resulttally.score_sum + EXCLUDED.score_sum,
    score_count = surveys_resulttally.score_count + EXCLUDED.score_count
"""


def _tally_add(*, survey: Survey, course_id: int, school_class_id: int | None, rows: list[Answer]) -> None:
    """Add one response's scores to its groups' running sums (one statement; the row lock orders writers)."""
    sums: dict[int | None, list[int]] = {None: [0, 0]}
    for row in rows:
        if row.score is not None:
            group = sums.setdefault(row.instructor_id, [0, 0])
            group[0] += row.score
            group[1] += 1
    groups = sorted(sums, key=lambda instructor: instructor or 0)
    with connection.cursor() as cursor:
        cursor.execute(
            _TALLY_SQL,
            {
                "survey": survey.pk,
                "course": course_id,
                "class": school_class_id,
                "instructors": groups,
                "sums": [sums[group][0] for group in groups],
                "counts": [sums[group][1] for group in groups],
            },
        )


def _after_response(*, invitation: Invitation) -> None:
    """What follows a stored answer, keyed on the invitation (who answered), never on the response: the
    learner's points for answering (激励机制), once per invitation, in a term survey and an opinion survey
    alike. Points are the learners': teachers and the team who answer an opinion survey earn none."""
    if invitation.audience != Audience.LEARNERS:
        return
    points_award(learner=invitation.learner, reason=AwardReason.SURVEY_ANSWERED, source=invitation)


@transaction.atomic
def answer_review(*, answer: Answer, approve: bool, actor: User) -> Answer:
    """Approve a free-text answer (instructors may then read it) or hide it. Requires a managing actor."""
    _require_manager(actor)
    locked = Answer.objects.select_for_update().get(pk=answer.pk)
    if not locked.review:
        raise SurveyError(code="not_free_text")
    locked.review = Answer.Review.APPROVED if approve else Answer.Review.HIDDEN
    locked.save(update_fields=["review"])
    return locked


def reminder_kind_due(*, survey: Survey, today: datetime.date) -> str | None:
    """The reminder an open survey sends today: two days before its last day, then on the last day."""
    if today == survey.closes_on:
        return Reminder.Kind.LAST_DAY
    if survey.closes_on - datetime.timedelta(days=2) <= today < survey.closes_on:
        return Reminder.Kind.TWO_DAYS
    return None


REMINDER_NOTICE = {
    Reminder.Kind.TWO_DAYS: SURVEY_REMINDER_TWO_DAYS,
    Reminder.Kind.LAST_DAY: SURVEY_REMINDER_LAST_DAY,
}

# One statement per survey: a reminder row for each unanswered invitation that has none of this kind yet;
# the unique (invitation, kind) makes a second sweep, or one running beside it, write nothing.
_REMIND_SQL = """
INSERT INTO surveys_reminder (invitation_id, kind, sent_on)
SELECT invitation.id, %(kind)s, %(today)s
FROM surveys_invitation AS invitation
WHERE invitation.survey_id = %(survey)s AND invitation.responded_on IS NULL
ON CONFLICT (invitation_id, kind) DO NOTHING
RETURNING invitation_id
"""


@transaction.atomic
def survey_reminders_send(*, survey: Survey, today: datetime.date) -> int:
    """Remind, once per invitation and kind, the people who have not answered; return how many were new."""
    kind = reminder_kind_due(survey=survey, today=today)
    if kind is None or survey.state != Survey.State.OPEN:
        return 0
    with connection.cursor() as cursor:
        cursor.execute(_REMIND_SQL, {"kind": kind, "today": today, "survey": survey.pk})
        invitation_ids = [row[0] for row in cursor.fetchall()]
    learners = (
        Invitation.objects.filter(pk__in=invitation_ids).values_list("learner_id", flat=True).distinct()
    )
    notifications_enqueue_bulk(
        notices=[
            NoticeRequest(
                recipient_id=learner, kind=REMINDER_NOTICE[kind], context={"reference": survey.reference}
            )
            for learner in learners
        ]
    )
    return len(invitation_ids)


def surveys_sweep(*, today: datetime.date | None = None) -> dict[str, int]:
    """Open the drafts whose day has come, remind, and close those past their last day. Safe to run twice."""
    today = today or timezone.localdate()
    opened = reminded = closed = 0
    due: QuerySet[Survey] = Survey.objects.filter(
        state=Survey.State.DRAFT, opens_on__lte=today, closes_on__gte=today
    )
    for survey in due:
        try:
            survey_open(survey=survey, actor=None, today=today)
        except SurveyError:
            continue
        opened += 1
    for survey in Survey.objects.filter(state=Survey.State.OPEN):
        if survey.closes_on < today:
            survey_close(survey=survey, actor=None)
            closed += 1
        else:
            reminded += survey_reminders_send(survey=survey, today=today)
    return {"opened": opened, "reminded": reminded, "closed": closed}
