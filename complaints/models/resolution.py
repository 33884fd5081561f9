"""How a complaint is put right: remedies per learner, leadership approval, appeals, improvement actions."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .complaint import Complaint

# The longest validity extension one remedy grants: ten years, more than any course runs.
MAX_EXTENSION_DAYS = 3650


class Remedy(models.Model):
    """One remedy for one affected learner; a refund carries an amount, an extension carries days."""

    class Kind(models.TextChoices):
        REFUND = "refund", _("Refund")
        VALIDITY_EXTENSION = "validity_extension", _("Course validity extension")
        CLASS_RETAKE = "class_retake", _("Class retake")
        INSTRUCTOR_CHANGE = "instructor_change", _("Instructor change")
        APOLOGY = "apology", _("Apology")

    class State(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        APPROVED = "approved", _("Approved")
        CARRIED_OUT = "carried_out", _("Carried out")
        CANCELLED = "cancelled", _("Cancelled")

    complaint = models.ForeignKey(
        Complaint, verbose_name=_("complaint"), on_delete=models.PROTECT, related_name="remedies"
    )
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("learner"), on_delete=models.PROTECT, related_name="remedies"
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    enrolment = models.ForeignKey(
        "courses.Enrolment",
        verbose_name=_("enrolment"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="remedies",
    )
    amount = models.DecimalField(_("amount (CNY)"), max_digits=12, decimal_places=2, null=True, blank=True)
    days = models.PositiveIntegerField(
        _("days"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_EXTENSION_DAYS)],
    )
    note = models.TextField(_("note"), blank=True)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.PROPOSED)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        on_delete=models.PROTECT,
        related_name="remedies_proposed",
    )
    proposed_at = models.DateTimeField(_("proposed at"), default=timezone.now)
    carried_out_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("carried out by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="remedies_carried_out",
    )
    carried_out_at = models.DateTimeField(_("carried out at"), null=True, blank=True)

    class Meta:
        verbose_name = _("remedy")
        verbose_name_plural = _("remedies")
        ordering = ["proposed_at", "id"]
        indexes = [models.Index(fields=["complaint", "state"], name="remedy_complaint_state_idx")]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="refund") & Q(amount__isnull=False) & Q(amount__gt=0))
                | (~Q(kind="refund") & Q(amount__isnull=True)),
                name="remedy_refund_has_positive_amount",
            ),
            models.CheckConstraint(
                condition=(
                    Q(kind="validity_extension")
                    & Q(days__isnull=False)
                    & Q(days__gt=0)
                    & Q(days__lte=MAX_EXTENSION_DAYS)
                    & Q(enrolment__isnull=False)
                )
                | (~Q(kind="validity_extension") & Q(days__isnull=True)),
                name="remedy_extension_has_days_and_enrolment",
            ),
            models.CheckConstraint(
                condition=(
                    Q(state="carried_out") & Q(carried_out_at__isnull=False, carried_out_by__isnull=False)
                )
                | (~Q(state="carried_out") & Q(carried_out_at__isnull=True, carried_out_by__isnull=True)),
                name="remedy_carried_out_recorded",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.learner}"


class Approval(models.Model):
    """A leadership sign-off on a proposed resolution; at most one is pending per complaint."""

    class Decision(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        RETURNED = "returned", _("Returned")

    complaint = models.ForeignKey(
        Complaint, verbose_name=_("complaint"), on_delete=models.PROTECT, related_name="approvals"
    )
    response = models.TextField(_("proposed response"), help_text=_("Sent to the complainant once approved."))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        related_name="approvals_requested",
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    decision = models.CharField(
        _("decision"), max_length=20, choices=Decision.choices, default=Decision.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="approvals_decided",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("approval")
        verbose_name_plural = _("approvals")
        ordering = ["requested_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["complaint"], condition=Q(decision="pending"), name="approval_one_pending"
            ),
            models.CheckConstraint(
                condition=(Q(decision="pending") & Q(decided_by__isnull=True, decided_at__isnull=True))
                | (~Q(decision="pending") & Q(decided_by__isnull=False, decided_at__isnull=False)),
                name="approval_decision_recorded",
            ),
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=models.F("requested_by")),
                name="approval_not_by_requester",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.complaint} · {self.get_decision_display()}"


class Appeal(models.Model):
    """A complainant's request for reconsideration; one per complaint, decided by an independent reviewer."""

    class Decision(models.TextChoices):
        PENDING = "pending", _("Pending")
        REVISED = "revised", _("Revised response")
        UPHELD = "upheld", _("Original response upheld")

    complaint = models.OneToOneField(
        Complaint, verbose_name=_("complaint"), on_delete=models.PROTECT, related_name="appeal"
    )
    reason = models.TextField(_("reason"))
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("filed by"), on_delete=models.PROTECT, related_name="appeals"
    )
    filed_at = models.DateTimeField(_("filed at"), default=timezone.now)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="appeals_reviewed",
    )
    decision = models.CharField(
        _("decision"), max_length=20, choices=Decision.choices, default=Decision.PENDING
    )
    decision_reason = models.TextField(_("reasons for the decision"), blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        constraints = [
            models.CheckConstraint(
                condition=(Q(decision="pending") & Q(reviewer__isnull=True, decided_at__isnull=True))
                | (~Q(decision="pending") & Q(reviewer__isnull=False, decided_at__isnull=False)),
                name="appeal_decision_recorded",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.complaint} · {self.get_decision_display()}"


class ImprovementAction(models.Model):
    """A follow-up that fixes the cause beyond the single complaint (整改措施)."""

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")

    # One list of improvement actions for the institution: each follows a complaint or a feedback item.
    complaint = models.ForeignKey(
        Complaint,
        verbose_name=_("complaint"),
        on_delete=models.PROTECT,
        related_name="improvement_actions",
        null=True,
        blank=True,
    )
    feedback_item = models.ForeignKey(
        "feedback.FeedbackItem",
        verbose_name=_("feedback item"),
        on_delete=models.PROTECT,
        related_name="improvement_actions",
        null=True,
        blank=True,
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="improvement_actions",
    )
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="improvement_actions",
    )
    due_date = models.DateField(_("due date"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.OPEN)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="improvement_actions_created",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("improvement action")
        verbose_name_plural = _("improvement actions")
        ordering = ["due_date", "id"]
        indexes = [models.Index(fields=["state", "due_date"], name="improvement_due_idx")]
        constraints = [
            models.CheckConstraint(
                condition=(Q(state="done") & Q(done_at__isnull=False))
                | (Q(state="open") & Q(done_at__isnull=True)),
                name="improvement_done_at_when_done",
            ),
            models.CheckConstraint(
                condition=Q(complaint__isnull=False, feedback_item__isnull=True)
                | Q(complaint__isnull=True, feedback_item__isnull=False),
                name="improvement_follows_one_record",
            ),
        ]

    def __str__(self) -> str:
        return self.title
