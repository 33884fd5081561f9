"""Evaluation questionnaires (templates and their questions), and the evaluations learners give.

Who evaluated is kept apart from what the questionnaire's answers say only as far as readers go: nobody but
the database reaches an evaluation's learner (through its enrolment); instructors and the public read
aggregates and moderated texts only.
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

TEXT_MAX_LENGTH = 2000
REASON_MAX_LENGTH = 500
# The unique constraint that keeps one evaluation per enrolment (the service names it in its refusal).
ONCE_PER_ENROLMENT = "evaluation_once_per_enrolment"


class EvaluationTemplate(models.Model):
    """A questionnaire courses are evaluated with; one is the default, a course may pick another."""

    name = models.CharField(_("name (Chinese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100, blank=True)
    is_default = models.BooleanField(
        _("default"), default=False, help_text=_("Courses that pick no questionnaire are evaluated with it.")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("evaluation questionnaire")
        verbose_name_plural = _("evaluation questionnaires")
        ordering = ["-is_default", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="evaluation_template_one_default"
            ),
        ]

    def __str__(self) -> str:
        return self.localized_name

    @property
    def localized_name(self) -> str:
        if self.name_en and (translation.get_language() or "").startswith("en"):
            return self.name_en
        return self.name


class QuestionKind(models.TextChoices):
    LIKERT = "likert", _("Score from 1 to 5")
    TEXT = "text", _("Free text")


class EvaluationQuestion(models.Model):
    template = models.ForeignKey(
        EvaluationTemplate,
        verbose_name=_("evaluation questionnaire"),
        on_delete=models.CASCADE,
        related_name="questions",
    )
    position = models.PositiveSmallIntegerField(_("position"))
    kind = models.CharField(_("kind"), max_length=10, choices=QuestionKind.choices)
    text = models.CharField(_("question (Chinese)"), max_length=300)
    text_en = models.CharField(_("question (English)"), max_length=300, blank=True)
    required = models.BooleanField(_("required"), default=True)

    class Meta:
        verbose_name = _("evaluation question")
        verbose_name_plural = _("evaluation questions")
        ordering = ["template", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["template", "position"], name="evaluation_question_position_once"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=QuestionKind.values), name="evaluation_question_kind"
            ),
        ]

    def __str__(self) -> str:
        return self.localized_text

    @property
    def localized_text(self) -> str:
        if self.text_en and (translation.get_language() or "").startswith("en"):
            return self.text_en
        return self.text


class CourseEvaluation(models.Model):
    """One learner's evaluation of one enrolment's course: the overall rating (in the ratings module) and the
    questionnaire's answers. The course and term are copied from the enrolment so results group by index."""

    enrolment = models.ForeignKey(
        "courses.Enrolment", verbose_name=_("enrolment"), on_delete=models.PROTECT, related_name="evaluations"
    )
    course = models.ForeignKey(
        "courses.Course", verbose_name=_("course"), on_delete=models.PROTECT, related_name="evaluations"
    )
    term = models.ForeignKey(
        "courses.Term",
        verbose_name=_("term"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="evaluations",
    )
    template = models.ForeignKey(
        EvaluationTemplate,
        verbose_name=_("evaluation questionnaire"),
        on_delete=models.PROTECT,
        related_name="evaluations",
    )
    rating = models.OneToOneField(
        "ratings.Rating", verbose_name=_("overall rating"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("evaluated at"), default=timezone.now)

    class Meta:
        verbose_name = _("course evaluation")
        verbose_name_plural = _("course evaluations")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["enrolment"], name=ONCE_PER_ENROLMENT)]
        indexes = [
            models.Index(fields=["course", "term"], include=["rating"], name="evaluation_course_term_idx")
        ]

    def __str__(self) -> str:
        return f"{self.course_id}:{self.pk}"


class EvaluationScore(models.Model):
    """The score one evaluation gave one of the questionnaire's 1-5 questions."""

    evaluation = models.ForeignKey(
        CourseEvaluation, verbose_name=_("course evaluation"), on_delete=models.CASCADE, related_name="scores"
    )
    question = models.ForeignKey(
        EvaluationQuestion, verbose_name=_("question"), on_delete=models.PROTECT, related_name="+"
    )
    score = models.PositiveSmallIntegerField(_("score"))

    class Meta:
        verbose_name = _("evaluation score")
        verbose_name_plural = _("evaluation scores")
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "question"], name="evaluation_score_once"),
            models.CheckConstraint(condition=Q(score__gte=1, score__lte=5), name="evaluation_score_1_to_5"),
        ]

    def __str__(self) -> str:
        return f"{self.score}/5"


class TextState(models.TextChoices):
    PENDING = "pending", _("awaiting moderation")
    PUBLISHED = "published", _("published")
    REJECTED = "rejected", _("not published")


class EvaluationText(models.Model):
    """The text one evaluation wrote to a free-text question; the instructor reads it once a moderator
    published it (the ratings moderators, permission ``ratings.moderate_rating``)."""

    evaluation = models.ForeignKey(
        CourseEvaluation, verbose_name=_("course evaluation"), on_delete=models.CASCADE, related_name="texts"
    )
    question = models.ForeignKey(
        EvaluationQuestion, verbose_name=_("question"), on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(_("answer"), max_length=TEXT_MAX_LENGTH)
    state = models.CharField(
        _("moderation"), max_length=10, choices=TextState.choices, default=TextState.PENDING
    )
    moderated_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("moderated by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    moderated_at = models.DateTimeField(_("moderated at"), null=True, blank=True)
    moderation_reason = models.CharField(_("reason not published"), max_length=REASON_MAX_LENGTH, blank=True)
    created_at = models.DateTimeField(_("written at"), default=timezone.now)

    class Meta:
        verbose_name = _("evaluation answer text")
        verbose_name_plural = _("evaluation answer texts")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "question"], name="evaluation_text_once"),
            models.CheckConstraint(condition=~Q(text=""), name="evaluation_text_not_empty"),
            models.CheckConstraint(condition=Q(state__in=TextState.values), name="evaluation_text_state"),
            models.CheckConstraint(
                condition=~Q(state=TextState.REJECTED) | ~Q(moderation_reason=""),
                name="evaluation_text_rejection_has_reason",
            ),
        ]
        indexes = [
            models.Index(
                fields=["created_at"], name="evaluation_text_queue_idx", condition=Q(state=TextState.PENDING)
            ),
        ]

    def __str__(self) -> str:
        return self.text[:40]
