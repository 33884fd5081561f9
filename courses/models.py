"""Courses, the instructors who teach them, and learners' enrolments (money in CNY)."""

from decimal import Decimal

from django.conf import settings
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
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=models.Q(price__gte=0), name="course_price_not_negative")
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
