"""Filing: who may file for whom and through which channel, routing, the group rule, reference numbers."""

import re
import threading

import pytest
from django.db import connection, transaction
from django.utils import timezone

from accounts.roles import Role
from accounts.tests.factories import GuardianshipFactory, LearnerFactory, ParentFactory, StaffFactory
from complaints.errors import ComplaintPermissionDenied, RuleViolation
from complaints.models import (
    AffectedLearner,
    Category,
    Channel,
    Complaint,
    ComplaintEvent,
    ComplaintRules,
    Severity,
)
from complaints.services import (
    NoticeKind,
    complaint_add_affected_learners,
    complaint_file,
)
from complaints.services.filing import may_log_on_behalf
from complaints.states import State
from core.models import ReferenceCounter
from core.references import reference_allocate
from notifications.models import Notification

from .factories import CategoryFactory, ComplaintFactory

pytestmark = pytest.mark.django_db


def file_for(complainant, category, **extra):
    return complaint_file(
        actor=extra.pop("actor", complainant),
        complainant=complainant,
        category=category,
        title="课程与宣传不符",
        description="宣传说有一对一辅导，实际没有。",
        **extra,
    )


def test_a_learner_files_on_the_web_and_it_is_routed_by_its_category(learner, category):
    complaint = file_for(learner, category)

    assert re.fullmatch(rf"TS-{timezone.localdate().year}-\d{{6}}", complaint.reference)
    assert complaint.state == State.SUBMITTED
    assert (complaint.complainant, complaint.learner, complaint.filed_by) == (learner, learner, learner)
    assert complaint.department == category.default_department
    assert complaint.severity == category.default_severity
    assert complaint.owner is None
    assert list(complaint.affected_learners.values_list("learner", flat=True)) == [learner.pk]
    event = complaint.events.get()
    assert (event.kind, event.to_state, event.is_public, event.actor) == (
        "state_change",
        "submitted",
        True,
        learner,
    )
    assert not Notification.objects.exists()


def test_a_parent_files_for_their_child():
    guardianship = GuardianshipFactory()
    category = CategoryFactory()

    complaint = file_for(guardianship.guardian, category, learner=guardianship.learner)

    assert complaint.complainant == guardianship.guardian
    assert complaint.learner == guardianship.learner


def test_a_parent_cannot_file_for_someone_elses_child(category):
    parent, stranger = ParentFactory(), LearnerFactory()
    with pytest.raises(RuleViolation) as refused:
        file_for(parent, category, learner=stranger)
    assert (refused.value.code, refused.value.field) == ("not_guardian", "learner")
    assert not Complaint.objects.exists()


def test_a_parent_must_name_the_learner(category):
    with pytest.raises(RuleViolation) as refused:
        file_for(ParentFactory(), category)
    assert refused.value.code == "learner_required"


def test_staff_log_a_phone_complaint_on_a_learners_behalf(learner, category, dept_agent):
    complaint = file_for(learner, category, actor=dept_agent, channel=Channel.PHONE)

    assert complaint.filed_by == dept_agent
    assert complaint.complainant == learner
    assert complaint.channel == Channel.PHONE
    assert complaint.events.get().actor == dept_agent


def test_a_complaint_staff_logged_sends_the_complainant_a_notice_of_receipt(category, dept_agent):
    guardianship = GuardianshipFactory()
    parent, child = guardianship.guardian, guardianship.learner

    complaint = file_for(parent, category, actor=dept_agent, channel=Channel.LETTER, learner=child)

    notices = Notification.objects.values_list("recipient_id", "kind", "context")
    assert {(recipient, kind) for recipient, kind, _context in notices} == {(parent.pk, NoticeKind.RECEIVED)}
    assert all(context == {"reference": complaint.reference} for _recipient, _kind, context in notices)


def test_a_refused_staff_logging_queues_no_notice(learner, category, dept_agent):
    with pytest.raises(RuleViolation):
        file_for(learner, category, actor=dept_agent, channel=Channel.PHONE, subject_staff=LearnerFactory())

    assert not Complaint.objects.exists()
    assert not Notification.objects.exists()


@pytest.mark.parametrize(
    "role, allowed",
    [
        (Role.AGENT, True),
        (Role.SUPERVISOR, True),
        (Role.MANAGER, True),
        (Role.LEADERSHIP, True),
        (Role.LEGAL, False),
        (Role.SAFETY_OFFICER, False),
        (Role.COUNSELLOR, False),
        (Role.INSTRUCTOR, False),
        (Role.PARENT, False),
    ],
)
def test_which_roles_log_complaints_on_someone_elses_behalf(role, allowed, learner, category):
    actor = StaffFactory(roles=[role])

    assert may_log_on_behalf(actor) is allowed
    if allowed:
        assert file_for(learner, category, actor=actor, channel=Channel.WECHAT).filed_by == actor
    else:
        with pytest.raises(RuleViolation) as refused:
            file_for(learner, category, actor=actor, channel=Channel.WECHAT)
        assert refused.value.code == "channel_needs_staff"
        assert not Complaint.objects.exists()
        assert not Notification.objects.exists()


def test_an_inactive_agent_cannot_log_a_complaint(learner, category):
    agent = StaffFactory(is_active=False)

    assert not may_log_on_behalf(agent)
    with pytest.raises(RuleViolation):
        file_for(learner, category, actor=agent, channel=Channel.PHONE)
    assert not Complaint.objects.exists()


def test_staff_cannot_file_on_the_web_in_someone_elses_name(learner, category, dept_agent):
    with pytest.raises(ComplaintPermissionDenied):
        file_for(learner, category, actor=dept_agent, channel=Channel.WEB)
    assert not Complaint.objects.exists()


@pytest.mark.parametrize(
    "channel", [Channel.PHONE, Channel.EMAIL, Channel.WALK_IN, Channel.WECHAT, Channel.LETTER]
)
def test_other_channels_are_logged_by_staff_not_by_the_learner(learner, category, channel):
    with pytest.raises(RuleViolation) as refused:
        file_for(learner, category, channel=channel)
    assert refused.value.field == "channel"
    assert not Complaint.objects.exists()


def test_staff_cannot_be_the_complainant(category, dept_agent):
    with pytest.raises(RuleViolation) as refused:
        file_for(dept_agent, category)
    assert refused.value.code == "not_complainant"


def test_an_inactive_category_and_blank_text_are_refused(learner, category):
    category.is_active = False
    category.save()
    with pytest.raises(RuleViolation) as refused:
        file_for(learner, category)
    assert refused.value.field == "category"
    with pytest.raises(RuleViolation) as refused:
        complaint_file(
            actor=learner, complainant=learner, category=CategoryFactory(), title=" ", description="x"
        )
    assert refused.value.field == "title"
    assert not Complaint.objects.exists()


def test_the_named_staff_member_must_be_staff(learner, category):
    with pytest.raises(RuleViolation) as refused:
        file_for(learner, category, subject_staff=LearnerFactory())
    assert refused.value.field == "subject_staff"


def test_the_seeded_categories_route_to_the_seeded_departments():
    routes = dict(Category.objects.values_list("code", "default_department__code"))
    assert len(routes) >= 11
    assert routes["fees_refunds"] == "finance"
    assert routes["platform"] == "technical_operations"
    assert routes["privacy"] == "legal"
    assert Category.objects.get(code="safety").default_severity == Severity.MAJOR
    assert Category.objects.get(code="teaching").name_en == "Teaching"


# --- group complaints --------------------------------------------------------------------------------------


def test_ten_affected_learners_make_a_group_complaint_that_is_major(learner, category):
    classmates = LearnerFactory.create_batch(9)

    complaint = file_for(learner, category, co_learners=classmates)

    assert complaint.severity == Severity.MAJOR
    assert complaint.affected_learners.count() == 10


def test_nine_affected_learners_keep_the_category_severity(learner, category):
    complaint = file_for(learner, category, co_learners=LearnerFactory.create_batch(8))
    assert complaint.severity == Severity.GENERAL


def test_the_group_threshold_is_read_from_the_rules(learner, category):
    rules = ComplaintRules.load()
    rules.group_threshold = 3
    rules.save()
    complaint = file_for(learner, category, co_learners=LearnerFactory.create_batch(2))
    assert complaint.severity == Severity.MAJOR


def test_adding_learners_up_to_the_threshold_makes_the_complaint_major(dept_agent, category):
    complaint = ComplaintFactory(
        acknowledged=True, category=category, affected=LearnerFactory.create_batch(8)
    )

    complaint = complaint_add_affected_learners(
        complaint=complaint, learners=[LearnerFactory(), complaint.learner], actor=dept_agent
    )

    assert complaint.affected_learners.count() == 10
    assert complaint.severity == Severity.MAJOR
    kinds = list(complaint.events.values_list("kind", flat=True))
    assert kinds == ["affected_learners_added", "severity_change"]


def test_adding_only_listed_learners_is_refused(dept_agent, snapshot):
    complaint = ComplaintFactory(
        acknowledged=True, category=CategoryFactory(default_department=dept_agent.department)
    )
    before = snapshot(complaint)
    with pytest.raises(RuleViolation) as refused:
        complaint_add_affected_learners(complaint=complaint, learners=[complaint.learner], actor=dept_agent)
    assert refused.value.code == "already_listed"
    before.assert_unchanged()


# --- reference numbers -------------------------------------------------------------------------------------


def test_references_follow_each_other_within_a_year(learner, category):
    first, second = file_for(learner, category), file_for(learner, category)
    assert int(second.reference[-6:]) == int(first.reference[-6:]) + 1


def test_a_rolled_back_filing_gives_its_number_back(learner, category):
    first = file_for(learner, category)

    class Abandon(Exception):
        pass

    with pytest.raises(Abandon), transaction.atomic():
        file_for(learner, category)
        raise Abandon

    after = file_for(learner, category)
    assert int(after.reference[-6:]) == int(first.reference[-6:]) + 1
    assert Complaint.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_a_reference_is_only_taken_inside_a_transaction():
    with pytest.raises(RuntimeError):
        reference_allocate(prefix="TS")


def test_each_year_counts_from_one():
    with transaction.atomic():
        assert reference_allocate(prefix="TS", year=2031) == "TS-2031-000001"
        assert reference_allocate(prefix="TS", year=2031) == "TS-2031-000002"
    assert ReferenceCounter.objects.get(prefix="TS", year=2031).last_number == 2


def _close_connection_after(function):
    def run(*args):
        try:
            function(*args)
        finally:
            connection.close()

    return run


@pytest.mark.django_db(transaction=True)
def test_concurrent_filings_get_distinct_gapless_references():
    category = CategoryFactory()
    learners = LearnerFactory.create_batch(8)
    start = threading.Barrier(len(learners))
    references, errors = [], []

    @_close_connection_after
    def file_one(person):
        start.wait()
        try:
            references.append(file_for(person, category).reference)
        except Exception as error:  # a failure in a thread must fail the test, not vanish
            errors.append(error)

    threads = [threading.Thread(target=file_one, args=(person,)) for person in learners]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    numbers = sorted(int(reference[-6:]) for reference in references)
    assert numbers == list(range(1, len(learners) + 1))
    counter = ReferenceCounter.objects.get(prefix="TS", year=timezone.localdate().year)
    assert counter.last_number == len(learners)


@pytest.mark.django_db(transaction=True)
def test_filings_wait_for_an_open_filing_and_reuse_its_number_when_it_rolls_back():
    category = CategoryFactory()
    learners = LearnerFactory.create_batch(3)
    holding, others_started = threading.Event(), threading.Event()
    references, errors = [], []

    class Abandon(Exception):
        pass

    @_close_connection_after
    def abandoned_filing():
        try:
            with transaction.atomic():
                reference_allocate(prefix="TS")
                holding.set()
                others_started.wait(timeout=10)
                # the others are now blocked on the counter row this transaction holds
                threading.Event().wait(0.5)
                raise Abandon
        except Abandon:
            pass

    @_close_connection_after
    def file_one(person):
        holding.wait(timeout=10)
        others_started.set()
        try:
            references.append(file_for(person, category).reference)
        except Exception as error:
            errors.append(error)

    threads = [threading.Thread(target=abandoned_filing)]
    threads += [threading.Thread(target=file_one, args=(person,)) for person in learners]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert sorted(int(reference[-6:]) for reference in references) == [1, 2, 3]


def test_nothing_is_half_filed_when_a_co_learner_is_not_a_learner(learner, category):
    with pytest.raises(RuleViolation):
        file_for(learner, category, co_learners=[StaffFactory(roles=[Role.AGENT])])
    assert not Complaint.objects.exists()
    assert not AffectedLearner.objects.exists()
    assert not ComplaintEvent.objects.exists()
