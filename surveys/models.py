"""Questionnaires, surveys, who was invited and who answered, and what was answered, kept apart.

A survey has a purpose (``Purpose``): a term survey asks a term's enrolled learners about their courses; an
opinion survey asks chosen people (learners, teachers, the team, or people picked by name) about no course,
for instance before a process review. CHECK constraints keep each shape: a term survey has a term and its
rows a course; an opinion survey has neither. The rows copy their survey's purpose, and a foreign key on
(survey, purpose) (migration 0005) keeps the copy true, so a row cannot have the other purpose's shape.

Anonymity by construction: an ``Invitation`` names the person and says whether (and on which day) they
answered; a ``Response`` and its ``Answer`` rows name no one. They carry no user, no time finer than the day
and a random UUID key, so neither their keys nor their order tie them to an invitation, and the invitation
does not record its response. Results carry the course, the instructor (for per-teacher questions) and the
class, or for an opinion survey the audience group (learners, teachers, team), for breakdowns that
small-group suppression guards (``selectors.survey_results``, ``selectors.opinion_survey_results``).
"""

import uuid

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

MIN_GROUP_FLOOR = 3
MAX_TEXT_LENGTH = 2000


class Purpose(models.TextChoices):
    TERM = "term", _("Term survey of courses")
    OPINIONS = "opinions", _("Opinion survey of chosen people")


class Audience(models.TextChoices):
    """The group an invited person answers in: term surveys ask learners only."""

    LEARNERS = "learner", _("Learners")
    TEACHERS = "teacher", _("Teachers")
    TEAM = "team", _("Team")


def _shape_by_purpose(*, with_instructor: bool = False) -> Q:
    """The CHECK of a row that copies its survey's purpose: a term survey's rows name a course and are the
    learners'; an opinion survey's name no course, class or instructor, and name the audience group."""
    opinion_row = Q(purpose="opinions", course__isnull=True, school_class__isnull=True)
    if with_instructor:
        opinion_row &= Q(instructor__isnull=True)
    return Q(purpose="term", course__isnull=False, audience="learner") | (
        opinion_row & Q(audience__in=["learner", "teacher", "team"])
    )


def _purpose_field() -> models.CharField:
    return models.CharField(
        _("purpose"),
        max_length=10,
        choices=Purpose.choices,
        default=Purpose.TERM,
        db_default=Purpose.TERM,
        editable=False,
    )


def _audience_field() -> models.CharField:
    return models.CharField(
        _("audience"),
        max_length=10,
        choices=Audience.choices,
        default=Audience.LEARNERS,
        db_default=Audience.LEARNERS,
        editable=False,
    )


class Questionnaire(models.Model):
    title = models.CharField(_("title"), max_length=200)
    introduction = models.TextField(_("introduction"), blank=True)

    class Meta:
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class Question(models.Model):
    class Kind(models.TextChoices):
        LIKERT = "likert", _("Agreement, 1 to 5")
        SINGLE = "single", _("One choice")
        MULTIPLE = "multiple", _("Several choices")
        TEXT = "text", _("Free text")

    questionnaire = models.ForeignKey(
        Questionnaire, verbose_name=_("questionnaire"), on_delete=models.CASCADE, related_name="questions"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=1)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    text = models.CharField(_("question"), max_length=300)
    is_required = models.BooleanField(_("required"), default=True)
    per_instructor = models.BooleanField(
        _("asked about each instructor"),
        default=False,
        help_text=_("For co-taught courses: the question is asked once for each instructor of the course."),
    )
    choices = ArrayField(
        models.CharField(max_length=100),
        verbose_name=_("choices"),
        default=list,
        blank=True,
        size=20,
        help_text=_("For one or several choices: the options, separated by commas."),
    )

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["questionnaire", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["likert", "single", "multiple", "text"]), name="question_kind_known"
            ),
        ]

    def __str__(self) -> str:
        return self.text


class Survey(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    reference = models.CharField(_("reference"), max_length=30, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=200)
    purpose = models.CharField(
        _("purpose"),
        max_length=10,
        choices=Purpose.choices,
        default=Purpose.TERM,
        help_text=_(
            "A term survey asks the term's enrolled learners about their courses; an opinion survey asks "
            "the people chosen below, about no course."
        ),
    )
    questionnaire = models.ForeignKey(
        Questionnaire, verbose_name=_("questionnaire"), on_delete=models.PROTECT, related_name="surveys"
    )
    term = models.ForeignKey(
        "courses.Term",
        verbose_name=_("term"),
        on_delete=models.PROTECT,
        related_name="surveys",
        null=True,
        blank=True,
        help_text=_("Term surveys only."),
    )
    courses = models.ManyToManyField(
        "courses.Course",
        verbose_name=_("courses"),
        related_name="surveys",
        blank=True,
        help_text=_("Term surveys only."),
    )
    invite_learners = models.BooleanField(
        _("ask every learner"), default=False, help_text=_("Opinion surveys only.")
    )
    invite_teachers = models.BooleanField(
        _("ask every teacher"),
        default=False,
        help_text=_(
            "Opinion surveys only: everyone with an active instructor record or the instructor role."
        ),
    )
    invite_team = models.BooleanField(
        _("ask the whole team"),
        default=False,
        help_text=_("Opinion surveys only: every member of staff."),
    )
    invitees = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("people asked by name"),
        related_name="+",
        blank=True,
        help_text=_(
            "Opinion surveys only: learners, teachers or members of staff, besides the groups above."
        ),
    )
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"), help_text=_("The last day answers are taken."))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.DRAFT)
    is_anonymous = models.BooleanField(
        _("anonymous"), default=True, help_text=_("Cannot be switched off once the first answer is in.")
    )
    min_group_size = models.PositiveSmallIntegerField(
        _("smallest group shown"),
        default=5,
        validators=[MinValueValidator(MIN_GROUP_FLOOR), MaxValueValidator(1000)],
        help_text=_(
            "Results of a course, instructor, class or group of people are shown only when at least this "
            "many answered."
        ),
    )

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        ordering = ["-opens_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(purpose__in=["term", "opinions"]), name="survey_purpose_known"
            ),
            # A term survey has a term and asks no group by name; an opinion survey has no term.
            models.CheckConstraint(
                condition=Q(
                    purpose="term",
                    term__isnull=False,
                    invite_learners=False,
                    invite_teachers=False,
                    invite_team=False,
                )
                | Q(purpose="opinions", term__isnull=True),
                name="survey_term_by_purpose",
            ),
            # The key the rows' (survey, purpose) foreign key refers to (migration 0005).
            models.UniqueConstraint(fields=["id", "purpose"], name="survey_id_purpose"),
            models.CheckConstraint(
                condition=Q(min_group_size__gte=MIN_GROUP_FLOOR), name="survey_min_group_3"
            ),
            models.CheckConstraint(
                condition=Q(closes_on__gte=models.F("opens_on")), name="survey_closes_after_opening"
            ),
            models.CheckConstraint(
                condition=Q(state__in=["draft", "open", "closed"]), name="survey_state_known"
            ),
        ]
        indexes = [models.Index(fields=["state", "opens_on"], name="survey_state_opens_idx")]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def is_opinion_survey(self) -> bool:
        return self.purpose == Purpose.OPINIONS


class Invitation(models.Model):
    """Who was asked (about which course, for a term survey), and whether they answered: never what they
    answered. ``learner`` is the person asked: a learner in a term survey, anyone chosen in an opinion one."""

    survey = models.ForeignKey(
        Survey, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="invitations"
    )
    purpose = _purpose_field()
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person asked"),
        on_delete=models.CASCADE,
        related_name="survey_invitations",
    )
    audience = _audience_field()
    course = models.ForeignKey(
        "courses.Course",
        verbose_name=_("course"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    school_class = models.ForeignKey(
        "courses.SchoolClass",
        verbose_name=_("class"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    invited_on = models.DateField(_("invited on"))
    responded_on = models.DateField(_("answered on"), null=True, blank=True)

    class Meta:
        verbose_name = _("survey invitation")
        verbose_name_plural = _("survey invitations")
        ordering = ["survey", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "learner", "course"],
                name="invitation_once_per_course",
                nulls_distinct=False,  # an opinion survey (no course) asks each person once
            ),
            models.CheckConstraint(condition=_shape_by_purpose(), name="invitation_shape_by_purpose"),
        ]
        indexes = [
            models.Index(fields=["learner", "survey"], name="invitation_learner_idx"),
            models.Index(
                fields=["survey"], condition=Q(responded_on__isnull=True), name="invitation_unanswered_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.survey_id} → {self.learner_id} ({self.course_id or self.audience})"

    @property
    def has_responded(self) -> bool:
        return self.responded_on is not None


class Reminder(models.Model):
    """One reminder of one kind sent for one invitation: the unique pair keeps the sweep from repeating."""

    class Kind(models.TextChoices):
        TWO_DAYS = "two_days", _("Two days before closing")
        LAST_DAY = "last_day", _("On the last day")

    invitation = models.ForeignKey(Invitation, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    sent_on = models.DateField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["invitation", "kind"], name="reminder_once_per_kind")]

    def __str__(self) -> str:
        return f"{self.invitation_id} {self.kind}"


class Response(models.Model):
    """One anonymous set of answers about one course (or, in an opinion survey, from one audience group): no
    person, no time finer than the day, a random key."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="responses")
    purpose = _purpose_field()
    course = models.ForeignKey("courses.Course", on_delete=models.PROTECT, null=True, related_name="+")
    school_class = models.ForeignKey(
        "courses.SchoolClass", on_delete=models.PROTECT, null=True, related_name="+"
    )
    audience = _audience_field()
    submitted_on = models.DateField()

    class Meta:
        indexes = [models.Index(fields=["survey", "course", "school_class"], name="response_group_idx")]
        constraints = [
            models.CheckConstraint(condition=_shape_by_purpose(), name="response_shape_by_purpose"),
        ]

    def __str__(self) -> str:
        return str(self.pk)


class Answer(models.Model):
    """One answer to one question (about one instructor, for per-instructor questions), laid out for grouped
    reads: the survey, course, instructor, class and audience are copied from the response so one index
    serves them."""

    class Review(models.TextChoices):
        PENDING = "pending", _("Awaiting review")
        APPROVED = "approved", _("Approved")
        HIDDEN = "hidden", _("Hidden")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="+")
    purpose = _purpose_field()
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    course = models.ForeignKey("courses.Course", on_delete=models.PROTECT, null=True, related_name="+")
    instructor = models.ForeignKey(
        "courses.Instructor", on_delete=models.PROTECT, null=True, related_name="+"
    )
    school_class = models.ForeignKey(
        "courses.SchoolClass", on_delete=models.PROTECT, null=True, related_name="+"
    )
    audience = _audience_field()
    score = models.PositiveSmallIntegerField(
        null=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    choices = ArrayField(models.PositiveSmallIntegerField(), default=list, blank=True)
    text = models.TextField(_("text"), blank=True)
    review = models.CharField(_("review"), max_length=10, choices=Review.choices, blank=True)

    class Meta:
        verbose_name = _("free-text answer")
        verbose_name_plural = _("free-text answers")
        constraints = [
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=1, score__lte=5), name="answer_score_1_to_5"
            ),
            models.CheckConstraint(
                condition=Q(review__in=["", "pending", "approved", "hidden"]), name="answer_review_known"
            ),
            models.CheckConstraint(
                condition=_shape_by_purpose(with_instructor=True), name="answer_shape_by_purpose"
            ),
        ]
        indexes = [
            # survey_results: GROUP BY course / instructor / class over one survey's scores, index only.
            models.Index(
                fields=["survey", "course", "instructor", "school_class"],
                include=["score", "response"],
                condition=Q(score__isnull=False),
                name="answer_scores_idx",
            ),
            models.Index(fields=["survey", "course"], condition=~Q(review=""), name="answer_free_text_idx"),
        ]

    def __str__(self) -> str:
        return self.text[:60] if self.text else str(self.score or "")


class ResultTally(models.Model):
    """Running sums of a term survey's scores per survey, course, instructor (NULL: the questions about the
    course) and class, kept by ``response_submit`` in the answer's transaction, so results read a few hundred
    rows instead of every answer (an opinion survey, about no course, is read from its answers). ``responses``
    counts the responses that reached the row; the rows without an instructor count every response of their
    course and class. No person, no time: only sums."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="+")
    course = models.ForeignKey("courses.Course", on_delete=models.PROTECT, related_name="+")
    instructor = models.ForeignKey(
        "courses.Instructor", on_delete=models.PROTECT, null=True, related_name="+"
    )
    school_class = models.ForeignKey(
        "courses.SchoolClass", on_delete=models.PROTECT, null=True, related_name="+"
    )
    responses = models.PositiveIntegerField(default=0)
    score_sum = models.PositiveBigIntegerField(default=0)
    score_count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "course", "instructor", "school_class"],
                name="result_tally_one_per_group",
                nulls_distinct=False,
            )
        ]

    def __str__(self) -> str:
        return f"{self.survey_id}/{self.course_id}/{self.instructor_id}/{self.school_class_id}"
