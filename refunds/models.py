"""Refunds by the published policy (退费): the institution's refund rules as data, learners' refund requests
(``TF-<year>-<number>``) and their append-only timeline.

A policy is an ordered list of rules; the first rule whose conditions hold gives the refund
(``refunds.calculation``). A request keeps the calculation it was filed with, so a later change of the rules
changes no request already made.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from core.models import TimelineEvent
from core.references import ReferenceSortKey, reference_pattern

REFERENCE_PREFIX = "TF"
REFERENCE_PATTERN = reference_pattern(REFERENCE_PREFIX)
MAX_TEXT_LENGTH = 2000


class RefundPolicy(models.Model):
    """The institution's published refund rules: the newest already in effect applies to new requests."""

    name = models.CharField(_("name (Chinese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100, blank=True)
    effective_at = models.DateTimeField(_("in effect from"), db_index=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("refund policy")
        verbose_name_plural = _("refund policies")
        ordering = ["-effective_at", "-id"]

    def __str__(self) -> str:
        return self.localized_name

    @property
    def localized_name(self) -> str:
        if self.name_en and (translation.get_language() or "").startswith("en"):
            return self.name_en
        return self.name


class Outcome(models.TextChoices):
    """What a rule gives once its conditions hold."""

    FULL = "full", _("The amount paid")
    PRO_RATA = "pro_rata", _("The share of the lessons not yet taken")
    NONE = "none", _("No refund")


class RefundRule(models.Model):
    """One clause of a policy: conditions (all must hold; an empty one always holds) and what it gives.

    ``percent`` of the outcome's base is refunded (a handling fee keeps the rest). ``taken_up_to`` is a
    fraction of the course's lessons, numerator over denominator, so that "a third" stays exact.
    """

    policy = models.ForeignKey(
        RefundPolicy, verbose_name=_("refund policy"), on_delete=models.CASCADE, related_name="rules"
    )
    position = models.PositiveSmallIntegerField(_("position"), help_text=_("Rules are tried in this order."))
    clause = models.CharField(
        _("clause"), max_length=20, help_text=_("How the published rules number it, e.g. 第一条 or 1.")
    )
    label = models.CharField(_("rule (Chinese)"), max_length=200)
    label_en = models.CharField(_("rule (English)"), max_length=200, blank=True)
    at_fault_only = models.BooleanField(
        _("only when the institution is at fault"),
        default=False,
        help_text=_(
            "For example a cancelled class or an instructor changed without the learner's agreement."
        ),
    )
    within_days = models.PositiveSmallIntegerField(
        _("within days of purchase"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(3650)],
        help_text=_("Empty: any time. 7 means up to and including the 7th day after the day of purchase."),
    )
    before_first_lesson = models.BooleanField(_("only before the first lesson"), default=False)
    taken_up_to_numerator = models.PositiveSmallIntegerField(
        _("lessons taken at most (numerator)"), null=True, blank=True, validators=[MaxValueValidator(1000)]
    )
    taken_up_to_denominator = models.PositiveSmallIntegerField(
        _("lessons taken at most (denominator)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(1000)],
        help_text=_("With the numerator: the share of the course's lessons, e.g. 1 and 3 for a third."),
    )
    outcome = models.CharField(_("refund"), max_length=10, choices=Outcome.choices)
    percent = models.PositiveSmallIntegerField(
        _("percent of it refunded"), default=100, validators=[MaxValueValidator(100)]
    )

    class Meta:
        verbose_name = _("refund rule")
        verbose_name_plural = _("refund rules")
        ordering = ["policy", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "position"], name="refund_rule_position_once"),
            models.CheckConstraint(condition=Q(outcome__in=Outcome.values), name="refund_rule_outcome_known"),
            models.CheckConstraint(condition=Q(percent__lte=100), name="refund_rule_percent_at_most_100"),
            models.CheckConstraint(
                condition=Q(taken_up_to_numerator__isnull=True, taken_up_to_denominator__isnull=True)
                | Q(
                    taken_up_to_numerator__isnull=False,
                    taken_up_to_denominator__gt=0,
                    taken_up_to_numerator__lte=models.F("taken_up_to_denominator"),
                ),
                name="refund_rule_share_is_a_fraction",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.clause} {self.localized_label}"

    @property
    def localized_label(self) -> str:
        if self.label_en and (translation.get_language() or "").startswith("en"):
            return self.label_en
        return self.label


class State(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    PENDING_APPROVAL = "pending_approval", _("Awaiting the leadership group's approval")
    APPROVED = "approved", _("Approved: to be paid back")
    REFUSED = "refused", _("Refused")
    PAID = "paid", _("Paid back")
    WITHDRAWN = "withdrawn", _("Withdrawn")


TERMINAL_STATES = frozenset({State.REFUSED, State.PAID, State.WITHDRAWN})
OPEN_STATES = frozenset(State.values) - TERMINAL_STATES


class RefundRequest(models.Model):
    reference = models.CharField(_("reference number"), max_length=20, unique=True, editable=False)
    enrolment = models.ForeignKey(
        "courses.Enrolment",
        verbose_name=_("enrolment"),
        on_delete=models.PROTECT,
        related_name="refund_requests",
    )
    # The enrolment's learner, kept on the row so that access follows one column.
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("learner"),
        on_delete=models.PROTECT,
        related_name="refund_requests",
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        related_name="refund_requests_filed",
        help_text=_("The learner, or their guardian acting for them."),
    )
    reason = models.TextField(_("reason"), max_length=MAX_TEXT_LENGTH)
    institution_at_fault = models.BooleanField(
        _("the learner says the institution is at fault"), default=False
    )
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.SUBMITTED)

    # What the rules gave when it was filed.
    policy = models.ForeignKey(
        RefundPolicy, verbose_name=_("refund policy"), on_delete=models.PROTECT, related_name="requests"
    )
    rule = models.ForeignKey(
        RefundRule,
        verbose_name=_("rule applied"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="requests",
    )
    amount = models.DecimalField(_("amount the rules give (CNY)"), max_digits=12, decimal_places=2)
    # The facts the rules read and each step of the sum (``refunds.calculation``), as the learner saw them.
    calculation = models.JSONField(_("calculation"), default=dict, blank=True)

    # The staff's decision.
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="refund_requests_decided",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    fault_found = models.BooleanField(_("staff found the institution at fault"), null=True, blank=True)
    approved_amount = models.DecimalField(
        _("amount approved (CNY)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    needs_approval = models.BooleanField(_("needs the leadership group's approval"), default=False)
    approval_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved or refused by (leadership)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="refund_requests_approved",
    )
    approval_at = models.DateTimeField(_("leadership decided at"), null=True, blank=True)
    refusal_rule = models.ForeignKey(
        RefundRule,
        verbose_name=_("rule the refusal relies on"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="refusals",
    )
    refusal_reason = models.TextField(_("reason for refusal"), blank=True)

    # The money paid back.
    paid_amount = models.DecimalField(
        _("amount paid back (CNY)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    paid_on = models.DateField(_("paid back on"), null=True, blank=True)
    payment_reference = models.CharField(_("payment reference"), max_length=100, blank=True)
    paid_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("payment recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="refund_payments_recorded",
    )
    paid_recorded_at = models.DateTimeField(_("payment recorded at"), null=True, blank=True)

    clocks = GenericRelation(
        "sla.Clock",
        content_type_field="subject_type",
        object_id_field="subject_id",
        related_query_name="refund_request",
    )
    created_at = models.DateTimeField(_("requested at"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("refund request")
        verbose_name_plural = _("refund requests")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["state", "created_at"], name="refund_queue_idx"),
            models.Index(fields=["learner", "created_at"], name="refund_learner_idx"),
            models.Index(fields=["created_at"], name="refund_created_idx"),
            models.Index(ReferenceSortKey("reference"), name="refund_reference_order_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(reference__regex=REFERENCE_PATTERN), name="refund_reference_format"
            ),
            models.CheckConstraint(condition=Q(state__in=State.values), name="refund_state_known"),
            # One open request per enrolment: a second waits until the first ends.
            models.UniqueConstraint(
                fields=["enrolment"],
                condition=Q(state__in=sorted(OPEN_STATES)),
                name="refund_one_open_per_enrolment",
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="refund_amount_not_negative"),
            models.CheckConstraint(
                condition=Q(approved_amount__isnull=True) | Q(approved_amount__gt=0),
                name="refund_approved_amount_positive",
            ),
            # A refusal names the rule it relies on, and says why.
            models.CheckConstraint(
                condition=~Q(state=State.REFUSED) | (Q(refusal_rule__isnull=False) & ~Q(refusal_reason="")),
                name="refund_refusal_names_a_rule",
            ),
            models.CheckConstraint(
                condition=~Q(state__in=[State.APPROVED, State.PAID]) | Q(approved_amount__isnull=False),
                name="refund_approved_has_amount",
            ),
            models.CheckConstraint(
                condition=~Q(state=State.PAID) | Q(paid_amount__gt=0, paid_on__isnull=False),
                name="refund_paid_has_amount_and_date",
            ),
            models.CheckConstraint(
                condition=Q(state__in=sorted(TERMINAL_STATES), closed_at__isnull=False)
                | (~Q(state__in=sorted(TERMINAL_STATES)) & Q(closed_at__isnull=True)),
                name="refund_closed_at_when_finished",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.state not in TERMINAL_STATES


class EventKind(models.TextChoices):
    STATE_CHANGE = "state_change", _("State change")
    NOTE = "note", _("Internal note")
    ESCALATION = "escalation", _("Escalation")


class RefundEvent(TimelineEvent):
    """One entry in a refund request's timeline; a database trigger refuses any change or deletion."""

    request = models.ForeignKey(
        RefundRequest, verbose_name=_("refund request"), on_delete=models.PROTECT, related_name="events"
    )
    kind = models.CharField(_("kind"), max_length=40, choices=EventKind.choices)
    is_public = models.BooleanField(
        _("visible to the learner"), default=False, help_text=_("Learners see public events only.")
    )
    from_state = models.CharField(_("from state"), max_length=20, choices=State.choices, blank=True)
    to_state = models.CharField(_("to state"), max_length=20, choices=State.choices, blank=True)

    class Meta(TimelineEvent.Meta):
        verbose_name = _("refund event")
        verbose_name_plural = _("refund events")
        indexes = [models.Index(fields=["request", "created_at"], name="refund_event_timeline_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=EventKind.values), name="refund_event_kind_known"),
        ]
