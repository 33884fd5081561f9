"""Factories for complaints; a state trait (`ComplaintFactory(responded=True)`) fills what it implies.

Factories write rows directly, as a fixture would: they write no timeline events and no notices, so a test
of a service sees exactly what that service wrote.
"""

import datetime

import factory
from django.db import transaction
from django.utils import timezone

from accounts.tests.factories import DepartmentFactory, LearnerFactory, StaffFactory
from complaints.models import (
    REFERENCE_PREFIX,
    AffectedLearner,
    Appeal,
    Approval,
    Category,
    Complaint,
    Remedy,
    Severity,
)
from complaints.states import TERMINAL_STATES, State
from core.references import reference_allocate
from courses.tests.factories import EnrolmentFactory

ACKNOWLEDGED_STATES = frozenset(
    {
        State.ACKNOWLEDGED,
        State.INVESTIGATING,
        State.AWAITING_COMPLAINANT,
        State.PENDING_APPROVAL,
        State.RESPONDED,
        State.APPEALED,
        State.CLOSED,
    }
)
RESPONDED_STATES = frozenset({State.RESPONDED, State.APPEALED, State.CLOSED})


def allocate_reference() -> str:
    with transaction.atomic():
        return reference_allocate(prefix=REFERENCE_PREFIX)


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"category-{n}")
    name = factory.Sequence(lambda n: f"类别{n}")
    name_en = factory.Sequence(lambda n: f"Category {n}")
    default_department = factory.SubFactory(DepartmentFactory)
    default_severity = Severity.GENERAL


def _owner(complaint) -> object | None:
    if complaint.state in ACKNOWLEDGED_STATES:
        return StaffFactory(department=complaint.department)
    return None


class ComplaintFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Complaint
        skip_postgeneration_save = True

    reference = factory.LazyFunction(allocate_reference)
    complainant = factory.SubFactory(LearnerFactory)
    learner = factory.SelfAttribute("complainant")
    filed_by = factory.SelfAttribute("complainant")
    category = factory.SubFactory(CategoryFactory)
    department = factory.SelfAttribute("category.default_department")
    severity = factory.SelfAttribute("category.default_severity")
    title = factory.Sequence(lambda n: f"投诉{n}：课程质量")
    description = "老师多次迟到，课程内容与宣传不符。"
    state = State.SUBMITTED
    owner = factory.LazyAttribute(_owner)
    created_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))
    acknowledged_at = factory.LazyAttribute(
        lambda o: o.created_at + datetime.timedelta(minutes=10) if o.state in ACKNOWLEDGED_STATES else None
    )
    first_responded_at = factory.LazyAttribute(
        lambda o: o.created_at + datetime.timedelta(hours=2) if o.state in RESPONDED_STATES else None
    )
    responded_at = factory.SelfAttribute("first_responded_at")
    closed_at = factory.LazyAttribute(lambda o: timezone.now() if o.state in TERMINAL_STATES else None)
    merged_into = factory.LazyAttribute(
        lambda o: ComplaintFactory(category=o.category) if o.state == State.MERGED else None
    )

    class Params:
        acknowledged = factory.Trait(state=State.ACKNOWLEDGED)
        investigating = factory.Trait(state=State.INVESTIGATING)
        awaiting_complainant = factory.Trait(state=State.AWAITING_COMPLAINANT)
        pending_approval = factory.Trait(state=State.PENDING_APPROVAL)
        responded = factory.Trait(state=State.RESPONDED)
        appealed = factory.Trait(state=State.APPEALED)
        closed = factory.Trait(state=State.CLOSED)
        rejected = factory.Trait(state=State.REJECTED)
        merged = factory.Trait(state=State.MERGED)
        withdrawn = factory.Trait(state=State.WITHDRAWN)
        major = factory.Trait(severity=Severity.MAJOR)

    @factory.post_generation
    def affected(obj, create, extracted, **kwargs):
        """The learner is always affected; pass ``affected=[...]`` for co-complainants."""
        if create:
            learners = [obj.learner, *(extracted or [])]
            AffectedLearner.objects.bulk_create(
                [AffectedLearner(complaint=obj, learner=learner) for learner in dict.fromkeys(learners)]
            )

    @factory.post_generation
    def pending_records(obj, create, extracted, **kwargs):
        """A complaint pending approval has its pending Approval; an appealed one its pending Appeal."""
        if not create:
            return
        if obj.state == State.PENDING_APPROVAL:
            Approval.objects.create(complaint=obj, response="拟同意退费并致歉。", requested_by=obj.owner)
        if obj.state == State.APPEALED:
            Appeal.objects.create(complaint=obj, reason="对处理结果不满意。", filed_by=obj.complainant)


class RemedyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Remedy

    complaint = factory.SubFactory(ComplaintFactory, responded=True)
    learner = factory.SelfAttribute("complaint.learner")
    kind = Remedy.Kind.APOLOGY
    state = Remedy.State.APPROVED
    proposed_by = factory.SelfAttribute("complaint.owner")

    class Params:
        extension = factory.Trait(
            kind=Remedy.Kind.VALIDITY_EXTENSION,
            days=30,
            enrolment=factory.SubFactory(EnrolmentFactory, learner=factory.SelfAttribute("..learner")),
        )
