"""Courses, the instructors who teach them, and learners' enrolments (money in CNY); the evaluations and
update suggestions live in their own packages, whose models are imported at the end."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _


class Instructor(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="instructor_profile",
    )
    name = models.CharField(_("name"), max_length=100)
    title = models.CharField(_("job title"), max_length=100, blank=True)
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="instructors",
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("instructor")
        verbose_name_plural = _("instructors")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Course(models.Model):
    code = models.CharField(_("code"), max_length=30, unique=True)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    department = models.ForeignKey(
        "accounts.Department", verbose_name=_("department"), on_delete=models.PROTECT, related_name="courses"
    )
    instructors = models.ManyToManyField(
        Instructor, verbose_name=_("instructors"), related_name="courses", blank=True
    )
    price = models.DecimalField(
        _("price (CNY)"), max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("0.00"))]
    )
    lesson_count = models.PositiveSmallIntegerField(
        _("lessons"),
        default=1,
        validators=[MinValueValidator(1)],
        help_text=_("How many lessons the course has: refunds are worked out by lessons taken."),
    )
    evaluation_template = models.ForeignKey(
        "courses.EvaluationTemplate",
        verbose_name=_("evaluation questionnaire"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="courses",
        help_text=_("Empty: the default questionnaire."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=models.Q(price__gte=0), name="course_price_not_negative"),
            models.CheckConstraint(condition=models.Q(lesson_count__gte=1), name="course_has_a_lesson"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class Term(models.Model):
    """A teaching term (学期): surveys and feedback are read per term."""

    name = models.CharField(_("name"), max_length=50, unique=True, help_text=_("For example 2026年秋季学期."))
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))

    class Meta:
        verbose_name = _("term")
        verbose_name_plural = _("terms")
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gt=models.F("starts_on")), name="term_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return self.name


class SchoolClass(models.Model):
    """An administrative class of learners (行政班), with the department that runs it."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    department = models.ForeignKey(
        "accounts.Department", verbose_name=_("department"), on_delete=models.PROTECT, related_name="classes"
    )

    class Meta:
        verbose_name = _("class")
        verbose_name_plural = _("classes")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Enrolment(models.Model):
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("learner"),
        on_delete=models.PROTECT,
        related_name="enrolments",
    )
    course = models.ForeignKey(
        Course, verbose_name=_("course"), on_delete=models.PROTECT, related_name="enrolments"
    )
    start_date = models.DateField(_("start date"))
    valid_until = models.DateField(_("validity end date"))
    term = models.ForeignKey(
        Term,
        verbose_name=_("term"),
        on_delete=models.PROTECT,
        related_name="enrolments",
        null=True,
        blank=True,
    )
    school_class = models.ForeignKey(
        SchoolClass,
        verbose_name=_("class"),
        on_delete=models.PROTECT,
        related_name="enrolments",
        null=True,
        blank=True,
    )
    amount_paid = models.DecimalField(
        _("amount paid (CNY)"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.00"))],
    )
    # When the course was bought: a refund's days are counted from here (the row may be entered later).
    purchased_at = models.DateTimeField(_("purchased at"), default=timezone.now)
    lessons_taken = models.PositiveSmallIntegerField(
        _("lessons taken"),
        default=0,
        help_text=_("Lessons of the course already given to this learner (attended or not)."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["-start_date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["learner", "course", "start_date"], name="enrolment_unique_start"
            ),
            models.CheckConstraint(
                condition=models.Q(valid_until__gte=models.F("start_date")),
                name="enrolment_valid_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(amount_paid__gte=0), name="enrolment_amount_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.learner} – {self.course}"

    def clean(self) -> None:
        """Refuse more lessons taken than the course has, at that field."""
        super().clean()
        if self.course_id is not None and self.lessons_taken > self.course.lesson_count:
            raise ValidationError(
                {
                    "lessons_taken": _("The course has only %(count)d lessons.")
                    % {"count": self.course.lesson_count}
                }
            )


class DevelopmentKind(models.TextChoices):
    TRAINING = "training", _("Training")
    ASSESSMENT = "assessment", _("Assessment")


class DevelopmentRequirement(models.Model):
    """A periodic training or assessment every active instructor must complete (师德培训 yearly, 教学考核)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=100, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=DevelopmentKind.choices)
    every_months = models.PositiveSmallIntegerField(
        _("every (months)"), help_text=_("How long one completion counts before the next is due.")
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("training or assessment requirement")
        verbose_name_plural = _("training and assessment requirements")
        ordering = ["kind", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(every_months__gte=1, every_months__lte=120),
                name="development_requirement_period",
            )
        ]

    def __str__(self) -> str:
        if self.name_en and (translation.get_language() or "").startswith("en"):
            return self.name_en
        return self.name


class DevelopmentRecord(models.Model):
    """One training an instructor attended, or one assessment of them, with its result (培训与考核)."""

    class Result(models.TextChoices):
        ATTENDED = "attended", _("Attended")
        PASSED = "passed", _("Passed")
        FAILED = "failed", _("Failed")

    instructor = models.ForeignKey(
        Instructor, verbose_name=_("instructor"), on_delete=models.PROTECT, related_name="development"
    )
    requirement = models.ForeignKey(
        DevelopmentRequirement,
        verbose_name=_("requirement it meets"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="records",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=DevelopmentKind.choices)
    title = models.CharField(_("title"), max_length=200)
    held_on = models.DateField(_("date"))
    hours = models.DecimalField(
        _("hours"), max_digits=5, decimal_places=1, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    result = models.CharField(_("result"), max_length=20, choices=Result.choices)
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=1, null=True, blank=True)
    notes = models.TextField(_("notes"), max_length=2000, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("training or assessment record")
        verbose_name_plural = _("training and assessment records")
        ordering = ["-held_on", "-id"]
        indexes = [
            models.Index(fields=["instructor", "requirement", "held_on"], name="development_last_done")
        ]
        constraints = [
            # Training is attended; an assessment is passed or failed.
            models.CheckConstraint(
                condition=(models.Q(kind="training", result="attended"))
                | (models.Q(kind="assessment", result__in=["passed", "failed"])),
                name="development_result_fits_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.instructor} · {self.title} ({self.held_on})"

    @property
    def completes(self) -> bool:
        """Whether the record meets its requirement: training attended, or an assessment passed."""
        return self.result in {self.Result.ATTENDED, self.Result.PASSED}


class CoursePromise(models.Model):
    """What a course's page promises about who teaches it (名师授课：张老师，高级讲师), tied to an instructor.

    The promise holds while that instructor teaches the course and is qualified; a promise that no longer
    holds is shown as such, and the learner may complain that the course is not as advertised.
    """

    course = models.ForeignKey(
        Course, verbose_name=_("course"), on_delete=models.CASCADE, related_name="promises"
    )
    instructor = models.ForeignKey(
        Instructor, verbose_name=_("instructor promised"), on_delete=models.PROTECT, related_name="promises"
    )
    claim = models.CharField(
        _("what is promised"), max_length=200, help_text=_("As the course's page says it, e.g. 名师授课.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("added by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("added at"), default=timezone.now)

    class Meta:
        verbose_name = _("promise about the teaching")
        verbose_name_plural = _("promises about the teaching")
        ordering = ["course", "id"]
        constraints = [
            models.UniqueConstraint(fields=["course", "instructor", "claim"], name="course_promise_unique")
        ]

    def __str__(self) -> str:
        return f"{self.course.code}: {self.claim}"


# The evaluations' and suggestions' models belong to this app; importing them here registers them with it.
from .evaluations.models import (  # noqa: E402, F401
    CourseEvaluation,
    EvaluationQuestion,
    EvaluationScore,
    EvaluationTemplate,
    EvaluationText,
)
from .suggestions.models import (  # noqa: E402, F401
    CourseVersion,
    SuggestionAttachment,
    SuggestionEvent,
    SuggestionSupport,
    UpdateSuggestion,
)
