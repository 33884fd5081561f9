"""Reads of refunds: the current policy, the enrolments a person may ask a refund for, the quote, requests."""

from dataclasses import dataclass

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone

from accounts.models import User
from courses.models import Enrolment
from privacy import policy
from sla.selectors import with_running_clocks

from .calculation import RefundFacts, RefundQuote, refund_quote
from .models import OPEN_STATES, RefundEvent, RefundPolicy, RefundRequest, RefundRule
from .permissions import is_refund_staff, wards


def refund_policy_current() -> RefundPolicy | None:
    """The newest refund policy already in effect, or None before any is published."""
    return (
        RefundPolicy.objects.filter(effective_at__lte=timezone.now()).order_by("-effective_at", "-id").first()
    )


def refund_rules(refund_policy: RefundPolicy) -> list[RefundRule]:
    return list(refund_policy.rules.order_by("position", "id"))


def enrolment_facts(enrolment: Enrolment, *, institution_at_fault: bool = False) -> RefundFacts:
    """The facts of an enrolment that the rules read, as of today."""
    return RefundFacts(
        amount_paid=enrolment.amount_paid,
        purchased_on=timezone.localdate(enrolment.purchased_at),
        today=timezone.localdate(),
        lesson_count=enrolment.course.lesson_count,
        lessons_taken=enrolment.lessons_taken,
        institution_at_fault=institution_at_fault,
    )


def refund_quote_for_enrolment(
    *, enrolment: Enrolment, institution_at_fault: bool = False, refund_policy: RefundPolicy | None = None
) -> RefundQuote | None:
    """What the current policy gives for the enrolment today; None before any policy is published."""
    refund_policy = refund_policy or refund_policy_current()
    if refund_policy is None:
        return None
    return refund_quote(
        rules=refund_rules(refund_policy),
        facts=enrolment_facts(enrolment, institution_at_fault=institution_at_fault),
    )


def _own_enrolments(user: User) -> Q:
    return Q(learner=user) | Q(learner__in=wards(user))


def enrolments_for_refunds(*, user: User) -> QuerySet[Enrolment]:
    """The enrolments of the user and their wards, newest first, each with its open refund request."""
    open_request = RefundRequest.objects.filter(enrolment=OuterRef("pk"), state__in=sorted(OPEN_STATES))
    return (
        Enrolment.objects.filter(_own_enrolments(user))
        .select_related("course", "learner")
        .annotate(open_refund=Subquery(open_request.values("reference")[:1]))
        .order_by("-purchased_at", "-id")
    )


def enrolment_get_for_refund(*, user: User, pk: int) -> Enrolment:
    """One enrolment of the user or of their ward; 404 for any other."""
    try:
        return Enrolment.objects.select_related("course", "learner").get(_own_enrolments(user), pk=pk)
    except Enrolment.DoesNotExist as missing:
        raise Http404 from missing


def refund_requests_visible(*, user: User) -> QuerySet[RefundRequest]:
    return policy.visible_to(user=user, queryset=RefundRequest.objects.all())


def refund_list_for_user(*, user: User) -> QuerySet[RefundRequest]:
    """The requests the user may see, newest first, with what the list shows."""
    return (
        refund_requests_visible(user=user)
        .select_related("enrolment__course", "learner")
        .order_by("-created_at", "-id")
    )


def refund_get_for_user(*, user: User, reference: str) -> RefundRequest:
    """Return the request the user may see, by reference; 404 when it is missing or not theirs."""
    return policy.get_visible_or_404(
        user=user,
        queryset=RefundRequest.objects.select_related(
            "enrolment__course", "learner", "filed_by", "rule", "refusal_rule", "policy"
        ),
        reference=reference,
    )


@dataclass(frozen=True)
class RefundReading:
    request: RefundRequest
    events: list[RefundEvent]
    is_staff_reader: bool


def refund_reading(*, request: RefundRequest, user: User) -> RefundReading:
    """The request as this reader sees it: staff every event, the learner's side the public ones."""
    staff = is_refund_staff(user)
    events = RefundEvent.objects.filter(request=request).select_related("actor").order_by("created_at", "id")
    if not staff:
        events = events.filter(is_public=True)
    return RefundReading(request=request, events=list(events), is_staff_reader=staff)


def refund_queue(*, user: User) -> QuerySet[RefundRequest]:
    """The staff queue: requests the user may see, with what each row shows and its running clocks."""
    return with_running_clocks(
        refund_requests_visible(user=user).select_related("enrolment__course", "learner")
    )
