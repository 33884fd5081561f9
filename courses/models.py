"""Courses, the instructors who teach them, and learners' enrolments (money in CNY); the evaluations and
update suggestions live in their own packages, whose models are imported at the end."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
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
