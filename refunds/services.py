"""Every change to a refund request, one service per intent, each in a transaction with its timeline event.

Refusals raise a ``RefundError`` (``core.errors.DomainError``) and change nothing: no request, no reference
number used, no event, no notice.
"""

import datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from complaints.models import ComplaintRules
from core.references import reference_allocate
from courses.models import Enrolment
from privacy.models import DocumentKind
from privacy.selectors import policy_acceptance_needed

from .calculation import CENT, RefundFacts, RefundQuote, refund_quote
from .clocks import refund_clocks_sync
from .errors import (
    RefundAgreementRequired,
    RefundOpenRequestExists,
    RefundPermissionDenied,
    RefundRuleViolation,
)
from .models import (
    MAX_TEXT_LENGTH,
    OPEN_STATES,
    REFERENCE_PREFIX,
    EventKind,
    RefundEvent,
    RefundRequest,
    RefundRule,
    State,
)
from .notices import NoticeKind, notify_leadership, notify_learner
from .permissions import may_approve_large_refunds, may_handle_refunds, may_request_for
from .selectors import enrolment_facts, refund_policy_current, refund_rules
from .workflow import Transition, refund_transition


def _require_text(value: str | None, *, field: str, limit: int = MAX_TEXT_LENGTH) -> str:
    text = (value or "").strip()
    if not text:
        raise RefundRuleViolation(_("This field is required."), code="required", field=field)
    if len(text) > limit:
        raise RefundRuleViolation(
            _("Keep this within %(limit)d characters.") % {"limit": limit}, code="too_long", field=field
        )
    return text


def _require_handler(actor: User) -> None:
    if not may_handle_refunds(actor):
        raise RefundPermissionDenied()


def refund_approval_threshold() -> Decimal:
    """Refunds above this need the leadership group: the same threshold as a complaint's refund remedies."""
    return ComplaintRules.load().refund_approval_threshold


def refund_needs_approval(amount: Decimal) -> bool:
    return amount > refund_approval_threshold()


@transaction.atomic
def refund_request_file(
    *, actor: User, enrolment: Enrolment, reason: str, institution_at_fault: bool = False
) -> RefundRequest:
    """Request a refund of an enrolment: its learner, or a guardian for their ward.

    Requires that the actor has accepted the current user agreement, a reason, a published refund policy and
    no other open request for the enrolment. The amount the policy gives today is worked out and kept with
    its calculation. Raises RefundPermissionDenied, RefundAgreementRequired, RefundRuleViolation or
    RefundOpenRequestExists, writing nothing. Causes the request, its "submitted" event, its clocks (the
    decision is due within the refunds' SLA target) and a notice to the learner (and the guardian).
    """
    if not may_request_for(actor, enrolment.learner_id):
        raise RefundPermissionDenied(
            _("A refund is requested by the enrolment's learner, or by their guardian."), field="enrolment"
        )
    if policy_acceptance_needed(user=actor, kind=DocumentKind.USER_AGREEMENT) is not None:
        raise RefundAgreementRequired()
    reason = _require_text(reason, field="reason")
    refund_policy = refund_policy_current()
    if refund_policy is None:
        raise RefundRuleViolation(
            _("The institution has not published its refund rules yet."), code="no_policy"
        )
    # Filings for one enrolment take turns, so that the check below and the insert see the same rows.
    enrolment = Enrolment.objects.select_for_update().select_related("course").get(pk=enrolment.pk)
    if RefundRequest.objects.filter(enrolment=enrolment, state__in=sorted(OPEN_STATES)).exists():
        raise RefundOpenRequestExists(field="enrolment")
    quote = refund_quote(
        rules=refund_rules(refund_policy),
        facts=enrolment_facts(enrolment, institution_at_fault=bool(institution_at_fault)),
    )
    now = timezone.now()
    request = RefundRequest(
        enrolment=enrolment,
        learner_id=enrolment.learner_id,
        filed_by=actor,
        reason=reason,
        institution_at_fault=bool(institution_at_fault),
        policy=refund_policy,
        rule=quote.rule,
        amount=quote.amount,
        calculation=quote.as_data(),
        created_at=now,
    )
    request.reference = reference_allocate(prefix=REFERENCE_PREFIX, year=timezone.localdate(now).year)
    request.save(force_insert=True)
    RefundEvent.objects.create(
        request=request,
        kind=EventKind.STATE_CHANGE,
        is_public=True,
        actor=actor,
        to_state=State.SUBMITTED,
        data={"transition": "file", "amount": f"{quote.amount:.2f}"},
        created_at=now,
    )
    refund_clocks_sync(request=request, now=now)
    notify_learner(request, NoticeKind.RECEIVED)
    return request


def refund_requote(*, request: RefundRequest, institution_at_fault: bool) -> RefundQuote:
    """The request's amount again with staff's finding on fault, from the facts the learner was shown."""
    facts = RefundFacts.from_data(request.calculation["facts"], institution_at_fault=institution_at_fault)
    return refund_quote(rules=refund_rules(request.policy), facts=facts)


@transaction.atomic
def refund_approve(
    *, request: RefundRequest, actor: User, institution_at_fault: bool | None = None
) -> RefundRequest:
    """Approve a request for the amount the rules give, with staff's finding on whether the institution is
    at fault (by default what the learner said).

    An amount above the approval threshold (``ComplaintRules.refund_approval_threshold``) goes to the
    leadership group ("pending approval", a notice to each member); any other is approved at once. Requires
    a handler and an amount above zero (when the rules give nothing, refuse naming the rule). Raises
    RefundPermissionDenied, RefundRuleViolation or RefundMoveNotAllowed, changing nothing. Causes the move,
    the met decision clock, and the learner's notice.
    """
    _require_handler(actor)
    found = request.institution_at_fault if institution_at_fault is None else bool(institution_at_fault)
    quote = refund_requote(request=request, institution_at_fault=found)
    if quote.amount <= 0:
        raise RefundRuleViolation(
            _("The rules give no refund here: refuse the request, naming the rule it relies on."),
            code="nothing_to_refund",
            field="institution_at_fault",
        )
    large = refund_needs_approval(quote.amount)
    request = refund_transition(
        request=request,
        transition=Transition.REFER if large else Transition.APPROVE,
        actor=actor,
        data={"amount": f"{quote.amount:.2f}", "institution_at_fault": found},
        changes={
            "decided_by": actor,
            "fault_found": found,
            "approved_amount": quote.amount,
            "needs_approval": large,
            "calculation": quote.as_data(),
            "rule": quote.rule,
        },
        moments=("decided_at",),
    )
    if large:
        notify_learner(request, NoticeKind.REFERRED)
        notify_leadership(request)
    else:
        notify_learner(request, NoticeKind.APPROVED)
    return request


@transaction.atomic
def refund_leadership_approve(*, request: RefundRequest, actor: User, note: str = "") -> RefundRequest:
    """Approve, for the leadership group, a refund above the approval threshold. Requires a member of the
    leadership group. Raises RefundPermissionDenied or RefundMoveNotAllowed. Causes the move and the
    notice."""
    if not may_approve_large_refunds(actor):
        raise RefundPermissionDenied(_("Only the leadership group approves refunds above the threshold."))
    note = (note or "").strip()
    if len(note) > MAX_TEXT_LENGTH:
        raise RefundRuleViolation(
            _("Keep this within %(limit)d characters.") % {"limit": MAX_TEXT_LENGTH},
            code="too_long",
            field="note",
        )
    request = refund_transition(
        request=request,
        transition=Transition.LEADERSHIP_APPROVE,
        actor=actor,
        body=note,
        changes={"approval_by": actor},
        moments=("approval_at",),
    )
    notify_learner(request, NoticeKind.APPROVED)
    return request


@transaction.atomic
def refund_refuse(
    *, request: RefundRequest, actor: User, rule: RefundRule | None, reason: str
) -> RefundRequest:
    """Refuse a request, naming the rule of its policy the refusal relies on and saying why.

    A request waiting for approval is refused by the leadership group. Raises RefundPermissionDenied,
    RefundRuleViolation (no rule, a rule of another policy, no reason) or RefundMoveNotAllowed, changing
    nothing. Causes the move, the stopped clocks, and the learner's notice (which offers a complaint).
    """
    _require_handler(actor)
    if request.state == State.PENDING_APPROVAL and not may_approve_large_refunds(actor):
        raise RefundPermissionDenied(_("The leadership group decides a request waiting for its approval."))
    if rule is None:
        raise RefundRuleViolation(
            _("Name the rule the refusal relies on."), code="rule_required", field="rule"
        )
    if rule.policy_id != request.policy_id:
        raise RefundRuleViolation(
            _("Name a rule of the policy the request was made under."),
            code="rule_of_other_policy",
            field="rule",
        )
    reason = _require_text(reason, field="reason")
    pending = request.state == State.PENDING_APPROVAL
    request = refund_transition(
        request=request,
        transition=Transition.REFUSE,
        actor=actor,
        body=reason,
        data={"rule": rule.pk, "clause": rule.clause},
        changes={"refusal_rule": rule, "refusal_reason": reason}
        | ({"approval_by": actor} if pending else {"decided_by": actor}),
        moments=("approval_at",) if pending else ("decided_at",),
    )
    notify_learner(request, NoticeKind.REFUSED)
    return request


def _amount(value) -> Decimal:
    try:
        amount = Decimal(str(value)).quantize(CENT)
    except (InvalidOperation, TypeError, ValueError) as error:
        raise RefundRuleViolation(_("Give the amount in yuan."), code="amount", field="amount") from error
    if not amount.is_finite():
        raise RefundRuleViolation(_("Give the amount in yuan."), code="amount", field="amount")
    return amount


@transaction.atomic
def refund_record_payment(
    *,
    request: RefundRequest,
    actor: User,
    amount,
    paid_on: datetime.date,
    payment_reference: str = "",
) -> RefundRequest:
    """Record the money paid back: the amount (above zero, at most the amount approved), the date (not in
    the future, not before the request) and the payment's reference. Raises RefundPermissionDenied,
    RefundRuleViolation or RefundMoveNotAllowed, changing nothing. Causes the move and the notice."""
    _require_handler(actor)
    amount = _amount(amount)
    if amount <= 0:
        raise RefundRuleViolation(_("The amount paid back is above zero."), code="amount", field="amount")
    if request.approved_amount is not None and amount > request.approved_amount:
        raise RefundRuleViolation(
            _("The amount paid back cannot exceed the %(amount)s yuan approved.")
            % {"amount": request.approved_amount},
            code="amount_above_approved",
            field="amount",
        )
    if paid_on > timezone.localdate():
        raise RefundRuleViolation(_("The date cannot be in the future."), code="future", field="paid_on")
    if paid_on < timezone.localdate(request.created_at):
        raise RefundRuleViolation(
            _("The date cannot be before the request."), code="before_request", field="paid_on"
        )
    payment_reference = (payment_reference or "").strip()
    if len(payment_reference) > 100:
        raise RefundRuleViolation(
            _("Keep this within %(limit)d characters.") % {"limit": 100},
            code="too_long",
            field="payment_reference",
        )
    request = refund_transition(
        request=request,
        transition=Transition.RECORD_PAYMENT,
        actor=actor,
        data={"amount": f"{amount:.2f}", "paid_on": paid_on.isoformat()},
        changes={
            "paid_amount": amount,
            "paid_on": paid_on,
            "payment_reference": payment_reference,
            "paid_recorded_by": actor,
        },
        moments=("paid_recorded_at",),
    )
    notify_learner(request, NoticeKind.PAID)
    return request


@transaction.atomic
def refund_withdraw(*, request: RefundRequest, actor: User) -> RefundRequest:
    """Withdraw a request not yet decided for good: by its learner or their guardian."""
    if not may_request_for(actor, request.learner_id):
        raise RefundPermissionDenied(_("Only the learner or their guardian withdraws a refund request."))
    return refund_transition(request=request, transition=Transition.WITHDRAW, actor=actor)


@transaction.atomic
def refund_note_add(*, request: RefundRequest, actor: User, body: str) -> RefundEvent:
    """Add an internal note, seen by staff only."""
    _require_handler(actor)
    body = _require_text(body, field="body")
    return RefundEvent.objects.create(request=request, kind=EventKind.NOTE, actor=actor, body=body)
