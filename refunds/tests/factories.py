import datetime

import factory
from django.utils import timezone

from courses.tests.factories import CourseFactory, EnrolmentFactory
from privacy.models import DocumentKind
from privacy.selectors import policy_version_current
from privacy.services import policy_accept
from refunds.models import RefundPolicy
from refunds.selectors import refund_policy_current
from refunds.services import refund_request_file


def accept_agreement(user) -> None:
    """The user accepts the current user agreement (the filing service asks for it)."""
    policy_accept(user=user, policy_version=policy_version_current(kind=DocumentKind.USER_AGREEMENT))


def seeded_policy() -> RefundPolicy:
    """The refund rules the migration publishes."""
    return refund_policy_current()


def enrolment_bought(*, days_ago: int = 30, lessons: int = 30, taken: int = 0, paid="3000.00", **kwargs):
    """An enrolment bought ``days_ago`` days before now, of a course with ``lessons`` lessons."""
    course = CourseFactory(lesson_count=lessons, price=paid)
    return EnrolmentFactory(
        course=course,
        amount_paid=paid,
        lessons_taken=taken,
        purchased_at=timezone.now() - datetime.timedelta(days=days_ago),
        **kwargs,
    )


class RefundRequestFactory(factory.Factory):
    """A request filed through the service by the enrolment's learner (who accepts the agreement first)."""

    class Meta:
        model = dict

    enrolment = factory.LazyFunction(enrolment_bought)
    reason = "工作调动，无法继续上课。"
    institution_at_fault = False

    @classmethod
    def _create(cls, model_class, enrolment, reason, institution_at_fault):
        accept_agreement(enrolment.learner)
        return refund_request_file(
            actor=enrolment.learner,
            enrolment=enrolment,
            reason=reason,
            institution_at_fault=institution_at_fault,
        )
