"""Course-update suggestions: who proposes and supports, one vote each, only the course's owners answer,
declined needs a reason and done a version, the change log, and the notices to proposer and supporters, once
per change and person."""

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.roles import Role
from accounts.tests.factories import DepartmentFactory, LearnerFactory, StaffFactory, UserFactory
from courses.errors import (
    AlreadySupported,
    CoursePermissionDenied,
    CourseRuleViolation,
    SuggestionMoveNotAllowed,
)
from courses.suggestions.models import (
    CourseVersion,
    Kind,
    State,
    SuggestionEvent,
    SuggestionSupport,
    UpdateSuggestion,
)
from courses.suggestions.selectors import course_change_log, suggestions_open_for_course
from courses.suggestions.services import (
    suggestion_accept,
    suggestion_decline,
    suggestion_mark_done,
    suggestion_plan,
    suggestion_propose,
    suggestion_support,
)
from notifications.models import Notification

from .factories import CourseFactory, EnrolmentFactory, InstructorFactory, UpdateSuggestionFactory

pytestmark = pytest.mark.django_db


def learner_of(course):
    return EnrolmentFactory(course=course).learner


def teacher_of(course):
    account = UserFactory(roles=[Role.INSTRUCTOR])
    course.instructors.add(InstructorFactory(user=account))
    return account


def state_of(suggestion) -> tuple:
    suggestion.refresh_from_db()
    return (suggestion.state, suggestion.decline_reason, suggestion.version_id, suggestion.events.count())


# --- proposing ---------------------------------------------------------------------------------------------


def test_a_learner_of_the_course_proposes_an_error_in_a_chapter():
    course = CourseFactory()
    learner = learner_of(course)
    suggestion = suggestion_propose(
        course=course, actor=learner, kind=Kind.CHAPTER_ERROR, chapter=4, text="第4章例题答案有误。"
    )
    assert suggestion.reference.startswith(f"GX-{timezone.localdate().year}-")
    assert (suggestion.state, suggestion.chapter, suggestion.proposer) == (State.OPEN, 4, learner)
    (event,) = suggestion.events.all()
    assert (event.kind, event.is_public, event.to_state) == ("proposed", True, State.OPEN)


@pytest.mark.parametrize(
    ("kind", "chapter", "field"),
    [
        (Kind.CHAPTER_ERROR, None, "chapter"),
        (Kind.CHAPTER_ERROR, 0, "chapter"),
        (Kind.OUTDATED, 3, "chapter"),
        ("typo", None, "kind"),
    ],
)
def test_an_error_names_its_chapter_and_only_an_error_does(kind, chapter, field):
    course = CourseFactory()
    with pytest.raises(CourseRuleViolation) as refused:
        suggestion_propose(course=course, actor=learner_of(course), kind=kind, chapter=chapter, text="有误")
    assert refused.value.field == field
    assert UpdateSuggestion.objects.count() == 0


@pytest.mark.parametrize("who", ["learner of another course", "instructor", "staff"])
def test_only_learners_of_the_course_propose(who):
    course = CourseFactory()
    actor = {
        "learner of another course": lambda: learner_of(CourseFactory()),
        "instructor": lambda: teacher_of(course),
        "staff": lambda: StaffFactory(department=course.department),
    }[who]()
    with pytest.raises(CoursePermissionDenied):
        suggestion_propose(course=course, actor=actor, kind=Kind.MISSING_TOPIC, text="增加一章。")
    assert UpdateSuggestion.objects.count() == 0


# --- support -------------------------------------------------------------------------------------------


def test_other_learners_support_a_suggestion_one_vote_each():
    course = CourseFactory()
    suggestion = UpdateSuggestionFactory(course=course)
    supporter = learner_of(course)

    suggestion_support(suggestion=suggestion, actor=supporter)
    with pytest.raises(AlreadySupported):
        suggestion_support(suggestion=suggestion, actor=supporter)
    with pytest.raises(CoursePermissionDenied):
        suggestion_support(suggestion=suggestion, actor=suggestion.proposer)
    with pytest.raises(CoursePermissionDenied):
        suggestion_support(suggestion=suggestion, actor=learner_of(CourseFactory()))

    assert list(SuggestionSupport.objects.values_list("supporter", flat=True)) == [supporter.pk]
    (listed,) = suggestions_open_for_course(course=course, user=supporter)
    assert (listed.support_count, listed.supported_by_me) == (1, True)


def test_the_database_keeps_one_vote_per_learner():
    course = CourseFactory()
    suggestion = UpdateSuggestionFactory(course=course)
    supporter = learner_of(course)
    SuggestionSupport.objects.create(suggestion=suggestion, supporter=supporter)
    with pytest.raises(IntegrityError, match="suggestion_support_once"), transaction.atomic():
        SuggestionSupport.objects.create(suggestion=suggestion, supporter=supporter)


def test_an_answered_suggestion_takes_no_more_support():
    course = CourseFactory()
    suggestion = UpdateSuggestionFactory(course=course)
    suggestion_decline(suggestion=suggestion, actor=teacher_of(course), reason="已在第2版修正。")
    with pytest.raises(CourseRuleViolation):
        suggestion_support(suggestion=suggestion, actor=learner_of(course))
    assert SuggestionSupport.objects.count() == 0


# --- answers -------------------------------------------------------------------------------------------


OWNERS = {
    "instructor of the course": (lambda course: teacher_of(course), True),
    "agent of its department": (lambda course: StaffFactory(department=course.department), True),
    "supervisor of its department": (
        lambda course: StaffFactory(department=course.department, roles=[Role.SUPERVISOR]),
        True,
    ),
    "superuser": (lambda course: UserFactory(is_superuser=True, is_staff=True), True),
    "agent of another department": (lambda course: StaffFactory(department=DepartmentFactory()), False),
    "instructor of another course": (lambda course: teacher_of(CourseFactory()), False),
    "learner of the course": (lambda course: learner_of(course), False),
    "member of the department who is no staff": (
        lambda course: LearnerFactory(department=course.department),
        False,
    ),
}


@pytest.mark.parametrize("who", list(OWNERS))
def test_only_the_courses_owners_answer(who):
    course = CourseFactory()
    suggestion = UpdateSuggestionFactory(course=course)
    make, allowed = OWNERS[who]
    actor = make(course)
    before = state_of(suggestion)
    notices = Notification.objects.count()

    if allowed:
        suggestion_accept(suggestion=suggestion, actor=actor)
        assert state_of(suggestion)[0] == State.ACCEPTED
        assert suggestion.answered_by == actor
        return
    for answer in (
        lambda: suggestion_accept(suggestion=suggestion, actor=actor),
        lambda: suggestion_plan(suggestion=suggestion, actor=actor),
        lambda: suggestion_decline(suggestion=suggestion, actor=actor, reason="不需要"),
        lambda: suggestion_mark_done(suggestion=suggestion, actor=actor, version="2.0"),
    ):
        with pytest.raises(CoursePermissionDenied):
            answer()
    assert state_of(suggestion) == before
    assert Notification.objects.count() == notices
    assert CourseVersion.objects.count() == 0


def test_declined_needs_a_reason_and_done_needs_a_version_and_a_refusal_changes_nothing():
    course = CourseFactory()
    suggestion = UpdateSuggestionFactory(course=course)
    suggestion_support(suggestion=suggestion, actor=learner_of(course))
    owner = teacher_of(course)
    before = state_of(suggestion)
    notices = Notification.objects.count()

    with pytest.raises(CourseRuleViolation) as refused:
        suggestion_decline(suggestion=suggestion, actor=owner, reason="   ")
    assert refused.value.field == "reason"
    with pytest.raises(CourseRuleViolation) as refused:
        suggestion_mark_done(suggestion=suggestion, actor=owner, version="")
    assert refused.value.field == "version"

    assert state_of(suggestion) == before
    assert Notification.objects.count() == notices
    assert CourseVersion.objects.count() == 0


def test_the_database_refuses_a_decline_without_reason_and_done_without_version():
    suggestion = UpdateSuggestionFactory()
    for changes, constraint in (
        ({"state": State.DECLINED, "closed_at": timezone.now()}, "suggestion_declined_has_reason"),
        ({"state": State.DONE, "closed_at": timezone.now()}, "suggestion_done_has_version"),
    ):
        with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
            UpdateSuggestion.objects.filter(pk=suggestion.pk).update(**changes)


def test_a_move_the_table_does_not_allow_is_refused():
    course = CourseFactory()
    suggestion = UpdateSuggestionFactory(course=course)
    owner = teacher_of(course)
    suggestion_decline(suggestion=suggestion, actor=owner, reason="不在本课程范围内。")
    before = state_of(suggestion)
    with pytest.raises(SuggestionMoveNotAllowed):
        suggestion_plan(suggestion=suggestion, actor=owner)
    assert state_of(suggestion) == before


def test_done_lands_in_a_version_that_the_change_log_lists_with_its_suggestions():
    course = CourseFactory()
    owner = teacher_of(course)
    first, second, third = (UpdateSuggestionFactory(course=course) for _ in range(3))
    suggestion_plan(suggestion=first, actor=owner, note="下学期更新")
    suggestion_mark_done(suggestion=first, actor=owner, version="2.1")
    suggestion_mark_done(suggestion=second, actor=owner, version="2.1")
    suggestion_mark_done(suggestion=third, actor=owner, version="3.0", released_on=timezone.localdate())

    with_log = list(course_change_log(course=course))
    assert [version.number for version in with_log] == ["3.0", "2.1"]
    assert [s.reference for s in with_log[1].landed] == sorted([first.reference, second.reference])
    first.refresh_from_db()
    assert (first.state, first.version.number, first.closed_at is not None) == (State.DONE, "2.1", True)
    moves = list(first.events.values_list("kind", "from_state", "to_state"))
    assert moves == [
        ("proposed", "", State.OPEN),
        ("state_change", State.OPEN, State.PLANNED),
        ("state_change", State.PLANNED, State.DONE),
    ]


def test_the_timeline_is_append_only():
    event = UpdateSuggestionFactory().events.get()
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        SuggestionEvent.objects.filter(pk=event.pk).update(body="改写")


# --- notices -------------------------------------------------------------------------------------------


def outbox(kind: str) -> dict[int, int]:
    rows = Notification.objects.filter(kind=kind, channel=Notification.Channel.IN_APP)
    counts: dict[int, int] = {}
    for recipient in rows.values_list("recipient_id", flat=True):
        counts[recipient] = counts.get(recipient, 0) + 1
    return counts


def test_each_change_of_state_tells_the_proposer_and_each_supporter_once():
    # given a suggestion with two supporters
    course = CourseFactory()
    suggestion = UpdateSuggestionFactory(course=course)
    supporters = [learner_of(course), learner_of(course)]
    for supporter in supporters:
        suggestion_support(suggestion=suggestion, actor=supporter)
    owner = teacher_of(course)
    followers = {suggestion.proposer_id: 1, **{person.pk: 1 for person in supporters}}
    assert Notification.objects.count() == 0  # proposing and supporting tell nobody

    # when the owner accepts, plans and lands it
    suggestion_accept(suggestion=suggestion, actor=owner)
    suggestion_plan(suggestion=suggestion, actor=owner)
    suggestion_mark_done(suggestion=suggestion, actor=owner, version="1.1")

    # then each change told each of them exactly once (in the app and by e-mail), and nobody else
    for kind in ("course_suggestion_accepted", "course_suggestion_planned", "course_suggestion_done"):
        assert outbox(kind) == followers
    assert Notification.objects.count() == 3 * 3 * 2
    assert not Notification.objects.filter(recipient=owner).exists()
    done = Notification.objects.filter(kind="course_suggestion_done").first()
    assert done.context == {"reference": suggestion.reference, "state": State.DONE}


def test_a_refused_answer_tells_nobody():
    course = CourseFactory()
    suggestion = UpdateSuggestionFactory(course=course)
    suggestion_support(suggestion=suggestion, actor=learner_of(course))
    with pytest.raises(CourseRuleViolation):
        suggestion_decline(suggestion=suggestion, actor=teacher_of(course), reason="")
    assert Notification.objects.count() == 0


def test_an_owners_download_of_the_evidence_is_in_the_proposers_access_log(client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from accounts.roles import Role
    from accounts.tests.factories import LearnerFactory, StaffFactory
    from complaints.tests.evidence_files import png_image
    from courses.suggestions.services import suggestion_propose
    from courses.tests.factories import EnrolmentFactory
    from privacy.models import AccessLogEntry

    enrolment = EnrolmentFactory()
    suggestion = suggestion_propose(
        course=enrolment.course,
        actor=enrolment.learner,
        kind="chapter_error",
        chapter=2,
        text="第2章示例代码无法运行。",
        attachments=[SimpleUploadedFile("screen.png", png_image(), content_type="image/png")],
    )
    attachment = suggestion.attachments.get()
    url = f"/courses/suggestions/{suggestion.reference}/attachments/{attachment.pk}/"
    owner = StaffFactory(department=enrolment.course.department, roles=[Role.AGENT])

    client.force_login(enrolment.learner)
    assert client.get(url).status_code == 200  # the proposer's own: not logged
    client.force_login(LearnerFactory())
    assert client.get(url).status_code == 404
    assert not AccessLogEntry.objects.exists()
    client.force_login(owner)
    assert client.get(url).status_code == 200

    logged = AccessLogEntry.objects.get()
    assert (logged.actor, logged.subject, logged.fields) == (owner, enrolment.learner, ["file"])
