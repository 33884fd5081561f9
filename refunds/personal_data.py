"""What refunds contribute to a person's data export: the refund requests of their enrolments, with the
public timeline. Erasure blanks the person's own words (the reason they gave) and keeps the rest: amounts,
dates, the rule applied and the decision are financial records the institution must keep; the person's name
goes with their account."""

from accounts.models import User
from privacy.export import section
from privacy.services import ANONYMISERS

from .models import RefundEvent, RefundRequest


@section("refund_requests")
def refund_requests_section(user: User) -> list:
    requests = list(
        RefundRequest.objects.filter(learner=user).select_related("enrolment__course").order_by("created_at")
    )
    timeline: dict[int, list] = {}
    for event in RefundEvent.objects.filter(request__in=requests, is_public=True).order_by(
        "created_at", "id"
    ):
        timeline.setdefault(event.request_id, []).append(
            {"when": event.created_at.isoformat(), "state": event.to_state, "text": event.body}
        )
    return [
        {
            "reference": request.reference,
            "course": request.enrolment.course.code,
            "reason": request.reason,
            "state": request.state,
            "requested_at": request.created_at.isoformat(),
            "amount_cny": f"{request.amount:.2f}",
            "approved_amount_cny": None
            if request.approved_amount is None
            else f"{request.approved_amount:.2f}",
            "paid_amount_cny": None if request.paid_amount is None else f"{request.paid_amount:.2f}",
            "paid_on": request.paid_on.isoformat() if request.paid_on else None,
            "refusal_reason": request.refusal_reason,
            "timeline": timeline.get(request.pk, []),
        }
        for request in requests
    ]


ERASED_REASON = "（已注销用户的退费理由已删除）"  # stored data: every reader sees the same


def anonymise_refund_requests(user: User) -> None:
    """Blank the reason the person gave for each refund they requested; the figures and decisions stay."""
    RefundRequest.objects.filter(learner=user).update(reason=ERASED_REASON)


if anonymise_refund_requests not in ANONYMISERS:
    ANONYMISERS.append(anonymise_refund_requests)
