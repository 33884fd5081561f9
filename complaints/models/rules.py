"""Reference data and settings of complaint handling: categories, the rules table."""

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import LocalizedName


class Severity(models.TextChoices):
    GENERAL = "general", _("General")
    IMPORTANT = "important", _("Important")
    MAJOR = "major", _("Major")


SEVERITY_RANK = {Severity.GENERAL: 0, Severity.IMPORTANT: 1, Severity.MAJOR: 2}


def severity_max(*severities: str) -> Severity:
    """Return the gravest of the given severities."""
    return Severity(max(severities, key=lambda severity: SEVERITY_RANK[Severity(severity)]))


class Category(LocalizedName):
    """What a complaint is about; routes a new complaint to a department with a starting severity."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    default_department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("default department"),
        on_delete=models.PROTECT,
        related_name="default_for_categories",
    )
    default_severity = models.CharField(
        _("default severity"), max_length=20, choices=Severity.choices, default=Severity.GENERAL
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(default_severity__in=Severity.values), name="category_severity_known"
            ),
        ]


class ComplaintRules(models.Model):
    """The institution's complaint-handling thresholds: one row, edited in the admin."""

    SINGLETON_PK = 1

    id = models.PositiveSmallIntegerField(primary_key=True, default=SINGLETON_PK, editable=False)
    group_threshold = models.PositiveSmallIntegerField(
        _("group complaint threshold"),
        default=10,
        validators=[MinValueValidator(2)],
        help_text=_("A complaint with at least this many affected learners is a group complaint: major."),
    )
    refund_approval_threshold = models.DecimalField(
        _("refund approval threshold (CNY)"),
        max_digits=12,
        decimal_places=2,
        default=Decimal("10000.00"),
        validators=[MinValueValidator(Decimal("0.00"))],
        help_text=_("A resolution refunding more than this in total needs the leadership group's approval."),
    )
    refund_ceiling = models.DecimalField(
        _("refund ceiling without an enrolment (CNY)"),
        max_digits=12,
        decimal_places=2,
        default=Decimal("50000.00"),
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text=_(
            "The most one refund may be when it names no enrolment; a refund for an enrolment is bounded by "
            "what was paid for it."
        ),
    )
    appeal_window_days = models.PositiveSmallIntegerField(
        _("appeal window (days)"),
        default=15,
        help_text=_("Days after closure in which an appeal is accepted."),
    )
    duplicate_window_days = models.PositiveSmallIntegerField(
        _("duplicate window (days)"),
        default=14,
        help_text=_("Complaints filed this many days apart are compared when suggesting duplicates."),
    )
    auto_close_days = models.PositiveSmallIntegerField(
        _("auto-close after (days)"),
        default=7,
        help_text=_("A responded complaint with no answer from the complainant closes after this many days."),
    )

    class Meta:
        verbose_name = _("complaint rules")
        verbose_name_plural = _("complaint rules")
        constraints = [
            models.CheckConstraint(condition=models.Q(id=1), name="complaint_rules_single_row"),
            models.CheckConstraint(
                condition=models.Q(group_threshold__gte=2), name="complaint_rules_group_min"
            ),
            models.CheckConstraint(
                condition=models.Q(refund_approval_threshold__gte=0),
                name="complaint_rules_refund_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(refund_ceiling__gt=0), name="complaint_rules_refund_ceiling_positive"
            ),
        ]

    def __str__(self) -> str:
        return str(_("Complaint rules"))

    @classmethod
    def load(cls) -> "ComplaintRules":
        """Return the one row, creating it with the defaults the first time."""
        rules, _created = cls.objects.get_or_create(pk=cls.SINGLETON_PK)
        return rules
