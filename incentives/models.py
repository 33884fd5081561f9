"""The points ledger (激励机制): awards, each learner's running balance, the reward rules and the rewards.

Points are only ever added (``incentives.services.points_award``); the database keeps an award from being
written twice for the same learner, reason and source, and a reward from being issued twice for the same
threshold of the same rule.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from core.references import reference_pattern

from .reasons import award_reason_label

REWARD_PREFIX = "JL"


class Award(models.Model):
    """Points a learner earned for one thing they did (a row of the ledger; never changed or deleted)."""

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("learner"), on_delete=models.CASCADE, related_name="awards"
    )
    points = models.PositiveIntegerField(_("points"), validators=[MinValueValidator(1)])
    reason = models.CharField(_("reason"), max_length=60)
    source_type = models.ForeignKey(
        ContentType, verbose_name=_("kind of source"), on_delete=models.PROTECT, related_name="+"
    )
    source_id = models.PositiveBigIntegerField(_("source ID"))
    source = GenericForeignKey("source_type", "source_id")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("awarded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty when the system awarded the points by rule."),
    )
    created_at = models.DateTimeField(_("awarded at"), default=timezone.now)

    class Meta:
        verbose_name = _("points award")
        verbose_name_plural = _("points awards")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["learner", "reason", "source_type", "source_id"], name="award_once_per_source"
            ),
            models.CheckConstraint(condition=Q(points__gt=0), name="award_points_positive"),
        ]
        indexes = [models.Index(fields=["learner", "-created_at", "-id"], name="award_history_idx")]

    def __str__(self) -> str:
        return f"{self.learner_id}: +{self.points} ({self.reason})"

    @property
    def reason_label(self):
        return award_reason_label(self.reason)


class PointsBalance(models.Model):
    """A learner's total of points: the sum of their awards, kept by ``points_award`` in the same statement
    that locks it, so concurrent awards to one learner see each other's totals."""

    learner = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("learner"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="points_balance",
    )
    total = models.PositiveIntegerField(_("points"), default=0)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        verbose_name = _("points balance")
        verbose_name_plural = _("points balances")

    def __str__(self) -> str:
        return f"{self.learner_id}: {self.total}"


class RewardKind(models.TextChoices):
    COUPON = "coupon", _("Thank-you coupon")
    DISCOUNT = "discount", _("Learning discount")


class RewardRule(models.Model):
    """Every ``every_points`` points a learner reaches, they get this reward (staff edit the rules)."""

    kind = models.CharField(_("kind of reward"), max_length=20, choices=RewardKind.choices)
    every_points = models.PositiveIntegerField(
        _("every so many points"),
        validators=[MinValueValidator(1)],
        help_text=_("A reward is issued each time a learner's total reaches another multiple of this."),
    )
    value = models.DecimalField(
        _("value"),
        max_digits=8,
        decimal_places=2,
        validators=[MinValueValidator(0)],
        help_text=_("For a coupon, its amount in CNY; for a discount, the percentage off."),
    )
    description = models.CharField(_("description (Chinese)"), max_length=200)
    description_en = models.CharField(_("description (English)"), max_length=200, blank=True)
    valid_days = models.PositiveIntegerField(
        _("valid for (days)"), null=True, blank=True, help_text=_("Empty: the code does not expire.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("reward rule")
        verbose_name_plural = _("reward rules")
        ordering = ["every_points", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(every_points__gt=0), name="reward_rule_every_points_positive"),
            models.CheckConstraint(condition=Q(value__gte=0), name="reward_rule_value_not_negative"),
            models.CheckConstraint(
                condition=~Q(kind="discount") | Q(value__lte=100), name="reward_rule_discount_at_most_100"
            ),
        ]

    def __str__(self) -> str:
        return self.localized_description

    @property
    def localized_description(self) -> str:
        if self.description_en and (translation.get_language() or "").startswith("en"):
            return self.description_en
        return self.description


class Reward(models.Model):
    """A reward issued to a learner when their total reached ``threshold`` points under ``rule``.

    What the reward is (kind, value, description) is copied from the rule when it is issued, so a later edit
    of the rule does not change a reward already given.
    """

    reference = models.CharField(_("reference"), max_length=30, unique=True)
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("learner"), on_delete=models.CASCADE, related_name="rewards"
    )
    rule = models.ForeignKey(
        RewardRule, verbose_name=_("rule"), on_delete=models.PROTECT, related_name="rewards"
    )
    threshold = models.PositiveIntegerField(_("points reached"))
    award = models.ForeignKey(
        Award, verbose_name=_("award that reached it"), on_delete=models.PROTECT, related_name="rewards"
    )
    kind = models.CharField(_("kind of reward"), max_length=20, choices=RewardKind.choices)
    value = models.DecimalField(_("value"), max_digits=8, decimal_places=2)
    description = models.CharField(_("description (Chinese)"), max_length=200)
    description_en = models.CharField(_("description (English)"), max_length=200, blank=True)
    code = models.CharField(_("code"), max_length=32, unique=True)
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    expires_on = models.DateField(_("valid until"), null=True, blank=True)

    class Meta:
        verbose_name = _("reward")
        verbose_name_plural = _("rewards")
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["learner", "rule", "threshold"], name="reward_once_per_threshold"
            ),
            models.CheckConstraint(
                condition=Q(reference__regex=reference_pattern(REWARD_PREFIX)), name="reward_reference_format"
            ),
        ]
        indexes = [models.Index(fields=["learner", "-issued_at", "-id"], name="reward_learner_idx")]

    def __str__(self) -> str:
        return self.reference

    @property
    def localized_description(self) -> str:
        if self.description_en and (translation.get_language() or "").startswith("en"):
            return self.description_en
        return self.description
