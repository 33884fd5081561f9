"""Demo refund requests: one waiting for a decision, a large one waiting for the leadership group, a refused
one, and a parent's request for their child that was approved and paid back. Safe to run again: an enrolment
that already has a request gets no other."""

from django.utils import timezone

from accounts.models import User
from courses.models import Enrolment
from privacy.models import DocumentKind
from privacy.selectors import policy_version_current
from privacy.services import policy_accept

from . import services
from .models import RefundRequest

REQUESTS = [
    # who asks, learner, course, reason, at fault, how far it gets
    (
        "learner2@demo.edu.cn",
        "learner2@demo.edu.cn",
        "DS-201",
        "工作调动到外地，无法继续参加线下课程。",
        False,
        "submitted",
    ),
    (
        "learner4@demo.edu.cn",
        "learner4@demo.edu.cn",
        "AC-301",
        "今年不参加考试了，申请退还未上课时的费用。",
        False,
        "referred",
    ),
    ("learner5@demo.edu.cn", "learner5@demo.edu.cn", "EN-110", "课程节奏太快，跟不上。", False, "refused"),
    ("parent@demo.edu.cn", "child@demo.edu.cn", "EN-110", "两次停课未补课，且更换了老师。", True, "paid"),
]


def demo_seed(*, password: str) -> None:
    agent = User.objects.get(email="agent@demo.edu.cn")
    agreement = policy_version_current(kind=DocumentKind.USER_AGREEMENT)
    for actor_email, learner_email, code, reason, at_fault, stage in REQUESTS:
        enrolment = Enrolment.objects.get(learner__email=learner_email, course__code=code)
        if RefundRequest.objects.filter(enrolment=enrolment).exists():
            continue
        actor = User.objects.get(email=actor_email)
        policy_accept(user=actor, policy_version=agreement)
        refund = services.refund_request_file(
            actor=actor, enrolment=enrolment, reason=reason, institution_at_fault=at_fault
        )
        if stage == "submitted":
            continue
        if stage == "refused":
            services.refund_refuse(
                request=refund,
                actor=agent,
                rule=refund.rule,
                reason="已上课时超过课程总课时的三分之一，且无机构原因。",
            )
            continue
        refund = services.refund_approve(request=refund, actor=agent)
        if stage == "paid":
            services.refund_record_payment(
                request=refund,
                actor=agent,
                amount=refund.approved_amount,
                paid_on=timezone.localdate(),
                payment_reference="DEMO-TRANSFER-0001",
            )
