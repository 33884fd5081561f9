"""Who sees and who acts on a complaint: the policy rules, the selectors, and the services that use them."""

import datetime

import pytest
from django.http import Http404
from django.utils import timezone

from accounts.roles import Role
from accounts.services import department_set_supervisor
from accounts.tests.factories import GuardianshipFactory, LearnerFactory, ParentFactory, StaffFactory
from complaints.errors import ComplaintPermissionDenied, ConflictOfInterest
from complaints.models import Complaint
from complaints.selectors import (
    complaint_duplicate_suggestions,
    complaint_get_for_user,
    complaint_list_for_user,
    complaint_public_timeline,
    complaint_timeline_for_user,
)
from complaints.services import (
    complaint_acknowledge,
    complaint_add_internal_note,
    complaint_add_public_reply,
    complaint_delegate,
)
from complaints.states import State
from courses.tests.factories import CourseFactory, InstructorFactory
from privacy import policy

from .factories import CategoryFactory, ComplaintFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(category, department):
    """A complaint in `department` about one of its agents, filed by a learner who has a guardian,
    with a co-complainant who has a guardian too."""
    child_guardianship = GuardianshipFactory()
    co_guardianship = GuardianshipFactory()
    accused = StaffFactory(department=department, roles=[Role.AGENT])
    complaint = ComplaintFactory(
        category=category,
        complainant=child_guardianship.learner,
        affected=[co_guardianship.learner],
        subject_staff=accused,
    )
    complaint.people = {
        "guardian": child_guardianship.guardian,
        "co_complainant": co_guardianship.learner,
        "co_guardian": co_guardianship.guardian,
        "accused": accused,
    }
    return complaint


def _delegated(complaint):
    colleague = StaffFactory(roles=[Role.AGENT])
    supervisor = StaffFactory(department=complaint.department, roles=[Role.SUPERVISOR])
    complaint_delegate(complaint=complaint, colleague=colleague, actor=supervisor)
    return colleague


def _named_supervisor(complaint):
    boss = StaffFactory(roles=[Role.SUPERVISOR])  # works in another department
    department_set_supervisor(department=complaint.department, supervisor=boss)
    return boss


def _owner_elsewhere(complaint):
    owner = StaffFactory(roles=[Role.AGENT])
    Complaint.objects.filter(pk=complaint.pk).update(owner=owner, state=State.ACKNOWLEDGED)
    return owner


def _flagged(role, flag):
    def make(complaint):
        Complaint.objects.filter(pk=complaint.pk).update(**{flag: True})
        return StaffFactory(roles=[role])

    return make


def _accused_leader(complaint):
    leader = StaffFactory(roles=[Role.LEADERSHIP])
    Complaint.objects.filter(pk=complaint.pk).update(subject_staff=leader)
    return leader


MATRIX = {
    # who: (how to get them, may view, may change)
    "complainant": (lambda c: c.complainant, True, False),
    "guardian of the learner": (lambda c: c.people["guardian"], True, False),
    "co-complainant": (lambda c: c.people["co_complainant"], True, False),
    "guardian of a co-complainant": (lambda c: c.people["co_guardian"], True, False),
    "another learner": (lambda c: LearnerFactory(), False, False),
    "agent of the department": (lambda c: StaffFactory(department=c.department), True, True),
    "supervisor of the department": (
        lambda c: StaffFactory(department=c.department, roles=[Role.SUPERVISOR]),
        True,
        True,
    ),
    "supervisor named on the department": (_named_supervisor, True, True),
    "agent of another department": (lambda c: StaffFactory(roles=[Role.AGENT]), False, False),
    "supervisor of another department": (lambda c: StaffFactory(roles=[Role.SUPERVISOR]), False, False),
    "instructor in the department": (
        lambda c: StaffFactory(department=c.department, roles=[Role.INSTRUCTOR]),
        False,
        False,
    ),
    "manager": (lambda c: StaffFactory(roles=[Role.MANAGER]), True, False),
    "leadership": (lambda c: StaffFactory(roles=[Role.LEADERSHIP]), True, True),
    "legal counsel, no flag": (lambda c: StaffFactory(roles=[Role.LEGAL]), False, False),
    "legal counsel, legal flag": (_flagged(Role.LEGAL, "legal_flag"), True, False),
    "safety officer, no flag": (lambda c: StaffFactory(roles=[Role.SAFETY_OFFICER]), False, False),
    "safety officer, safety flag": (_flagged(Role.SAFETY_OFFICER, "safety_flag"), True, False),
    "the staff member complained about": (lambda c: c.people["accused"], False, False),
    "leader complained about": (_accused_leader, False, False),
    "delegated colleague": (_delegated, True, True),
    "owner in another department": (_owner_elsewhere, True, True),
    "inactive agent of the department": (
        lambda c: StaffFactory(department=c.department, is_active=False),
        False,
        False,
    ),
}


@pytest.mark.parametrize("who", list(MATRIX))
def test_the_permission_matrix(case, who):
    make, may_view, may_change = MATRIX[who]
    user = make(case)

    assert policy.can(user, policy.VIEW, case) is may_view
    assert policy.can(user, policy.CHANGE, case) is may_change
    assert (case in complaint_list_for_user(user=user)) is may_view
    if may_view:
        assert complaint_get_for_user(user=user, reference=case.reference) == case
    else:
        with pytest.raises(Http404):
            complaint_get_for_user(user=user, reference=case.reference)


@pytest.mark.parametrize("who", [who for who, (_make, _view, change) in MATRIX.items() if not change])
def test_whoever_may_not_change_cannot_write_a_note(case, who, snapshot):
    user = MATRIX[who][0](case)
    before = snapshot(case)
    with pytest.raises((ComplaintPermissionDenied, ConflictOfInterest)):
        complaint_add_internal_note(complaint=case, body="备注", actor=user)
    before.assert_unchanged()


def test_a_learner_asking_for_anothers_complaint_gets_404_like_a_missing_one(learner):
    theirs = ComplaintFactory()
    with pytest.raises(Http404):
        complaint_get_for_user(user=learner, reference=theirs.reference)
    with pytest.raises(Http404):
        complaint_get_for_user(user=learner, reference="TS-2026-999999")


def test_a_list_shows_only_the_users_complaints_newest_first(learner):
    older = ComplaintFactory(complainant=learner, created_at=timezone.now() - datetime.timedelta(days=3))
    newer = ComplaintFactory(complainant=learner)
    ComplaintFactory()
    assert list(complaint_list_for_user(user=learner)) == [newer, older]
    assert list(complaint_list_for_user(user=learner, state=State.SUBMITTED)) == [newer, older]
    assert list(complaint_list_for_user(user=learner, state=State.CLOSED)) == []


@pytest.mark.parametrize("count", [2, 6])
def test_a_staff_queue_costs_three_queries_whatever_its_length(
    category, dept_agent, django_assert_num_queries, count
):
    ComplaintFactory.create_batch(count, category=category)
    dept_agent.role_names  # noqa: B018  (roles are read once per request; warm them as a request would)
    # The reader's reach through other tables, their grants, then the rows.
    with django_assert_num_queries(3), policy.one_reading():
        rows = [
            (c.reference, c.category.name, c.department.name, c.complainant.display_name)
            for c in complaint_list_for_user(user=dept_agent)
        ]
    assert len(rows) == count


def test_the_reach_is_read_once_per_request_and_afresh_in_the_next(category, django_assert_num_queries):
    complaint = ComplaintFactory(category=category)
    parent = ParentFactory()
    parent.role_names  # noqa: B018
    with policy.one_reading():
        with django_assert_num_queries(3):
            assert not complaint_list_for_user(user=parent).filter(pk=complaint.pk).exists()
        with django_assert_num_queries(1):  # the same request asks again: the reach is remembered
            assert not complaint_list_for_user(user=parent).filter(pk=complaint.pk).exists()
    GuardianshipFactory(guardian=parent, learner=complaint.learner)
    with policy.one_reading():  # the next request reads the reach afresh: the new ward's complaint is theirs
        assert complaint_list_for_user(user=parent).filter(pk=complaint.pk).exists()


def test_the_complainant_reads_public_events_only_and_staff_read_all(category, dept_agent):
    complaint = complaint_acknowledge(complaint=ComplaintFactory(category=category), actor=dept_agent)
    complaint_add_internal_note(complaint=complaint, body="内部讨论", actor=dept_agent)
    complaint_add_public_reply(complaint=complaint, body="已受理，三日内答复。", actor=dept_agent)

    public = [
        event.kind for event in complaint_timeline_for_user(user=complaint.complainant, complaint=complaint)
    ]
    full = [event.kind for event in complaint_timeline_for_user(user=dept_agent, complaint=complaint)]

    assert public == ["state_change", "public_reply"]
    assert full == ["state_change", "internal_note", "public_reply"]
    assert list(complaint_public_timeline(complaint=complaint)) == list(
        complaint_timeline_for_user(user=complaint.complainant, complaint=complaint)
    )


def test_duplicates_are_suggested_by_learner_or_course_within_the_window(category, dept_agent):
    course = CourseFactory()
    complaint = ComplaintFactory(category=category, subject_course=course)
    now = complaint.created_at
    same_learner = ComplaintFactory(
        category=category, complainant=complaint.complainant, created_at=now - datetime.timedelta(days=13)
    )
    same_course = ComplaintFactory(
        category=category, subject_course=course, created_at=now + datetime.timedelta(days=2)
    )
    ComplaintFactory(
        category=category, complainant=complaint.complainant, created_at=now - datetime.timedelta(days=15)
    )
    ComplaintFactory(
        category=CategoryFactory(default_department=category.default_department),
        complainant=complaint.complainant,
    )
    ComplaintFactory(category=category)  # same category, unrelated learner and course
    ComplaintFactory(category=category, complainant=complaint.complainant, merged=True)

    suggested = set(complaint_duplicate_suggestions(complaint=complaint, user=dept_agent))

    assert suggested == {same_learner, same_course}


def test_duplicate_suggestions_respect_what_the_user_may_see(category, dept_agent):
    complaint = ComplaintFactory(category=category)
    elsewhere = ComplaintFactory(complainant=complaint.complainant)
    elsewhere.category = category
    elsewhere.save()  # same category and learner, but assigned to another department
    assert list(complaint_duplicate_suggestions(complaint=complaint, user=dept_agent)) == []


def test_an_instructor_complained_about_does_not_see_it_but_others_do(category, department):
    teacher = StaffFactory(department=department, roles=[Role.AGENT])
    colleague = StaffFactory(department=department, roles=[Role.AGENT])
    complaint = ComplaintFactory(category=category, subject_instructor=InstructorFactory(user=teacher))
    without_account = ComplaintFactory(category=category, subject_instructor=InstructorFactory())
    assert set(complaint_list_for_user(user=teacher)) == {without_account}
    assert set(complaint_list_for_user(user=colleague)) == {complaint, without_account}
