"""Feedback services: each channel in, every move of the table allowed or refused, conversion, the plan,
rectification, the result and the rating; a refusal changes nothing and queues nothing."""

import datetime

import pytest
from django.utils import timezone

from accounts.roles import Role
from accounts.tests.factories import GuardianshipFactory, LearnerFactory, ParentFactory, UserFactory
from complaints.models import Category as ComplaintCategory
from complaints.models import Channel as ComplaintChannel
from complaints.models import Complaint, ComplaintEvent, ImprovementAction
from courses.tests.factories import CourseFactory, InstructorFactory
from feedback import services
from feedback.errors import FeedbackMoveNotAllowed, FeedbackPermissionDenied, FeedbackRuleViolation
from feedback.models import Channel, FeedbackEvent, FeedbackItem, State
from feedback.services import Subject
from feedback.workflow import ALLOWED_TRANSITIONS, Transition
from notifications.models import Notification
from sla.models import Clock, Target

pytestmark = pytest.mark.django_db


def _snapshot(item: FeedbackItem) -> tuple:
    item.refresh_from_db()
    return (
        item.state,
        item.owner_id,
        item.reviewed_at,
        FeedbackEvent.objects.filter(item=item).count(),
        Notification.objects.count(),
        Complaint.objects.count(),
    )


def test_a_learner_gives_feedback_online_and_its_clocks_start(learner, subject):
    given = services.feedback_give(actor=learner, subject=subject, text=" 希望增加课后答疑时间。 ")

    item = given.item
    assert given.follow_key is None
    assert item.reference.startswith(f"FK-{timezone.localdate().year}-")
    assert (item.channel, item.state, item.learner, item.text) == (
        Channel.ONLINE,
        State.RECEIVED,
        learner,
        "希望增加课后答疑时间。",
    )
    assert item.department == subject.course.department
    assert list(item.events.values_list("to_state", "is_public")) == [(State.RECEIVED, True)]
    clocks = {
        clock.target: clock
        for clock in Clock.objects.filter(subject_id=item.pk, subject_type__model="feedbackitem")
    }
    assert set(clocks) == set(Target)
    # Ordinary feedback: its handling plan within 5 working days, on the office-hours calendar.
    assert clocks[Target.FIRST_RESPONSE].calendar.round_the_clock is False
    assert clocks[Target.FIRST_RESPONSE].due_at - item.created_at >= datetime.timedelta(days=5)


def test_an_urgent_item_must_have_its_plan_within_24_hours(learner, subject):
    item = services.feedback_give(
        actor=learner, subject=subject, text="实训室插座冒烟。", is_urgent=True
    ).item

    plan = Clock.objects.get(
        subject_id=item.pk, subject_type__model="feedbackitem", target=Target.FIRST_RESPONSE
    )
    assert plan.due_at - item.created_at == datetime.timedelta(hours=24)
    assert plan.breach_reaches_leadership is True


def test_anonymous_feedback_keeps_no_person_and_gives_a_follow_key(learner, subject):
    given = services.feedback_give(actor=learner, subject=subject, text="食堂饭菜太咸。", is_anonymous=True)

    item = given.item
    assert item.learner is None and item.is_anonymous
    assert given.follow_key and given.follow_key not in item.follow_key_hash
    assert item.follow_key_hash == services.follow_key_hash(given.follow_key)
    assert item.events.get().actor is None


def test_a_parent_gives_feedback_for_their_ward_only(subject):
    parent = ParentFactory()
    ward = GuardianshipFactory(guardian=parent).learner

    item = services.feedback_give(actor=parent, learner=ward, subject=subject, text="孩子反映作业太多。").item
    assert item.learner == ward

    stranger = LearnerFactory()
    before = FeedbackItem.objects.count()
    with pytest.raises(FeedbackRuleViolation) as refused:
        services.feedback_give(actor=parent, learner=stranger, subject=subject, text="x")
    assert refused.value.field == "learner"
    with pytest.raises(FeedbackRuleViolation):
        services.feedback_give(actor=parent, subject=subject, text="x")
    assert FeedbackItem.objects.count() == before


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"text": "   "}, "text"),
        ({"text": "长" * 5001}, "text"),
    ],
)
def test_bad_input_writes_nothing(learner, subject, change, field):
    arguments = {"actor": learner, "subject": subject, "text": "好", **change}
    with pytest.raises(FeedbackRuleViolation) as refused:
        services.feedback_give(**arguments)
    assert refused.value.field == field
    assert FeedbackItem.objects.count() == 0
    assert Clock.objects.count() == 0


def test_an_instructor_who_does_not_teach_the_course_is_refused(learner, subject):
    outsider = InstructorFactory()
    with pytest.raises(FeedbackRuleViolation) as refused:
        services.feedback_give(
            actor=learner,
            subject=Subject(category=subject.category, course=subject.course, instructor=outsider),
            text="好",
        )
    assert refused.value.field == "instructor"
    assert FeedbackItem.objects.count() == 0


def test_staff_cannot_give_online_feedback_and_learners_cannot_enter_paper_forms(agent, learner, subject):
    with pytest.raises(FeedbackPermissionDenied):
        services.feedback_give(actor=agent, subject=subject, text="好")
    with pytest.raises(FeedbackPermissionDenied):
        services.feedback_enter(actor=learner, channel=Channel.PAPER, subject=subject, text="好")
    assert FeedbackItem.objects.count() == 0


def test_a_paper_form_records_who_keyed_it_and_its_batch_and_tells_the_learner(agent, learner, subject):
    batch = services.paper_batch_start(actor=agent, kind="keyed")

    item = services.feedback_enter(
        actor=agent,
        channel=Channel.PAPER,
        subject=subject,
        text="投影仪不清楚。",
        learner=learner,
        batch=batch,
    )

    assert (item.channel, item.filed_by, item.batch, item.learner) == (Channel.PAPER, agent, batch, learner)
    assert set(Notification.objects.filter(recipient=learner).values_list("kind", flat=True)) == {
        "feedback_received"
    }


def test_a_paper_form_without_a_name_is_anonymous_and_tells_nobody(agent, subject):
    item = services.feedback_enter(
        actor=agent, channel=Channel.PAPER, subject=subject, text="希望延长图书馆开放时间。"
    )
    assert item.learner is None and item.is_anonymous and item.follow_key_hash == ""
    assert Notification.objects.count() == 0


def test_a_meeting_point_needs_its_meeting_and_its_result_reaches_the_representatives(agent, subject):
    representatives = [LearnerFactory(), LearnerFactory()]
    with pytest.raises(FeedbackRuleViolation) as refused:
        services.feedback_enter(actor=agent, channel=Channel.MEETING, subject=subject, text="好")
    assert refused.value.field == "meeting"
    meeting = services.meeting_record(
        actor=agent,
        held_on=timezone.localdate(),
        classes=[],
        representatives=representatives,
        minutes="讨论了三个问题",
    )
    item = services.feedback_enter(
        actor=agent, channel=Channel.MEETING, subject=subject, text="教室空调坏了。", meeting=meeting
    )
    item = services.feedback_accept(item=item, actor=agent)
    item = services.feedback_plan(
        item=item, actor=agent, plan_owner=agent, actions="报修", due_on=timezone.localdate()
    )

    services.feedback_notify_result(item=item, actor=agent, result="空调已修好。")

    told = Notification.objects.filter(kind="feedback_meeting_result")
    assert set(told.values_list("recipient_id", flat=True)) == {person.pk for person in representatives}


def test_a_meeting_in_the_future_or_without_representatives_is_refused(agent):
    with pytest.raises(FeedbackRuleViolation):
        services.meeting_record(
            actor=agent,
            held_on=timezone.localdate() + datetime.timedelta(days=1),
            classes=[],
            representatives=[LearnerFactory()],
        )
    with pytest.raises(FeedbackRuleViolation):
        services.meeting_record(actor=agent, held_on=timezone.localdate(), classes=[], representatives=[])


def test_the_whole_path_from_received_to_closed(agent, learner, subject):
    item = services.feedback_give(actor=learner, subject=subject, text="希望提供课程录像。").item

    item = services.feedback_accept(item=item, actor=agent)
    assert (item.state, item.owner) == (State.ACCEPTED, agent)
    item = services.feedback_plan(
        item=item,
        actor=agent,
        plan_owner=agent,
        actions="与教务沟通上传录像",
        due_on=timezone.localdate() + datetime.timedelta(days=7),
    )
    assert item.state == State.PLANNED and item.planned_at is not None
    item = services.feedback_start_rectification(item=item, actor=agent)
    action = services.feedback_improvement_action_add(
        item=item, actor=agent, title="每周上传录像", owner=agent, due_date=timezone.localdate()
    )
    assert action.feedback_item == item and action.complaint is None
    with pytest.raises(FeedbackRuleViolation) as refused:
        services.feedback_notify_result(item=item, actor=agent, result="已上传")
    assert refused.value.code == "actions_open"
    services.feedback_improvement_action_complete(action=action, actor=agent)
    item = services.feedback_notify_result(item=item, actor=agent, result="录像已上传到学习平台。")
    assert item.state == State.RESULT_NOTIFIED
    item = services.feedback_rate(item=item, actor=learner, rating=4, comment="很及时")
    assert (item.state, item.rating, item.rating_comment) == (State.RATED, 4, "很及时")
    item = services.feedback_close(item=item, actor=agent)
    assert item.state == State.CLOSED and item.closed_at is not None

    kinds = list(
        Notification.objects.filter(recipient=learner, channel="in_app")
        .order_by("pk")
        .values_list("kind", flat=True)
    )
    assert kinds == ["feedback_accepted", "feedback_planned", "feedback_result"]
    assert not Clock.objects.filter(
        subject_id=item.pk, subject_type__model="feedbackitem", met_at=None, cancelled_at=None
    ).exists()


def test_rejecting_needs_a_reason_the_learner_sees(agent, learner, subject):
    item = services.feedback_give(actor=learner, subject=subject, text="建议").item
    before = _snapshot(item)
    with pytest.raises(FeedbackRuleViolation):
        services.feedback_reject(item=item, actor=agent, reason="  ")
    assert _snapshot(item) == before

    item = services.feedback_reject(item=item, actor=agent, reason="与本机构无关。")
    assert (item.state, item.rejection_reason) == (State.REJECTED, "与本机构无关。")
    assert Notification.objects.filter(recipient=learner, kind="feedback_rejected").exists()


def test_conversion_files_a_complaint_linked_both_ways(agent, learner, subject):
    item = services.feedback_give(actor=learner, subject=subject, text="老师上课辱骂学生，要求处理。").item
    category = ComplaintCategory.objects.filter(is_active=True).first()

    item = services.feedback_convert(item=item, actor=agent, category=category, title="教师辱骂学生")

    complaint = item.complaint
    assert item.state == State.CONVERTED and item.closed_at is not None
    assert complaint.feedback_item == item
    assert (complaint.complainant, complaint.channel, complaint.description) == (
        learner,
        ComplaintChannel.FEEDBACK,
        item.text,
    )
    assert ComplaintEvent.objects.filter(complaint=complaint, data__feedback=item.reference).exists()
    assert Notification.objects.filter(recipient=learner, kind="feedback_converted").exists()


def test_anonymous_feedback_cannot_become_a_complaint(agent, learner, subject):
    item = services.feedback_give(actor=learner, subject=subject, text="x", is_anonymous=True).item
    before = _snapshot(item)
    with pytest.raises(FeedbackRuleViolation):
        services.feedback_convert(item=item, actor=agent, category=ComplaintCategory.objects.first())
    assert _snapshot(item) == before


@pytest.mark.parametrize("transition", list(Transition))
def test_every_move_from_a_state_the_table_does_not_allow_changes_nothing(
    agent, learner, subject, transition
):
    # given an item in each state the move may not start from
    item = services.feedback_give(actor=learner, subject=subject, text="建议").item
    blocked = [state for state in State if state not in ALLOWED_TRANSITIONS[transition].sources]
    for state in blocked:
        if state == State.CONVERTED:
            continue  # a converted row needs its complaint; the constraint keeps that state for conversions
        FeedbackItem.objects.filter(pk=item.pk).update(
            state=state,
            closed_at=timezone.now() if state in {State.REJECTED, State.CONVERTED, State.CLOSED} else None,
            rejection_reason="r" if state == State.REJECTED else "",
        )
        before = _snapshot(item)
        with pytest.raises((FeedbackMoveNotAllowed, FeedbackRuleViolation, FeedbackPermissionDenied)):
            _make(transition, item=item, agent=agent, learner=learner)
        assert _snapshot(item) == before, state


def _make(transition, *, item, agent, learner):
    today = timezone.localdate()
    if transition == Transition.ACCEPT:
        return services.feedback_accept(item=item, actor=agent)
    if transition == Transition.REJECT:
        return services.feedback_reject(item=item, actor=agent, reason="r")
    if transition == Transition.CONVERT:
        return services.feedback_convert(
            item=item, actor=agent, category=ComplaintCategory.objects.first(), title="t"
        )
    if transition == Transition.PLAN:
        return services.feedback_plan(item=item, actor=agent, plan_owner=agent, actions="a", due_on=today)
    if transition == Transition.START_RECTIFICATION:
        return services.feedback_start_rectification(item=item, actor=agent)
    if transition == Transition.NOTIFY_RESULT:
        return services.feedback_notify_result(item=item, actor=agent, result="r")
    if transition == Transition.RATE:
        return services.feedback_rate(item=item, actor=learner, rating=5)
    return services.feedback_close(item=item, actor=agent)


def test_only_the_giver_rates_and_only_from_1_to_5(agent, learner, subject):
    item = services.feedback_give(actor=learner, subject=subject, text="建议").item
    item = services.feedback_accept(item=item, actor=agent)
    item = services.feedback_plan(
        item=item, actor=agent, plan_owner=agent, actions="a", due_on=timezone.localdate()
    )
    item = services.feedback_notify_result(item=item, actor=agent, result="好了")
    before = _snapshot(item)

    with pytest.raises(FeedbackPermissionDenied):
        services.feedback_rate(item=item, actor=LearnerFactory(), rating=5)
    with pytest.raises(FeedbackPermissionDenied):
        services.feedback_rate(item=item, actor=agent, rating=5)
    for bad in (0, 6, True, "5"):
        with pytest.raises(FeedbackRuleViolation):
            services.feedback_rate(item=item, actor=learner, rating=bad)
    assert _snapshot(item) == before


def test_an_anonymous_giver_rates_with_the_follow_key_only(agent, learner, subject):
    given = services.feedback_give(actor=learner, subject=subject, text="建议", is_anonymous=True)
    item = services.feedback_accept(item=given.item, actor=agent)
    item = services.feedback_plan(
        item=item, actor=agent, plan_owner=agent, actions="a", due_on=timezone.localdate()
    )
    item = services.feedback_notify_result(item=item, actor=agent, result="好了")

    with pytest.raises(FeedbackPermissionDenied):
        services.feedback_rate(item=item, actor=None, rating=5, follow_key="wrong")
    with pytest.raises(FeedbackPermissionDenied):
        services.feedback_rate(item=item, actor=learner, rating=5)

    item = services.feedback_rate(item=item, actor=None, rating=5, follow_key=given.follow_key)
    assert item.rating == 5


@pytest.mark.parametrize("role", [Role.MANAGER, Role.INSTRUCTOR, Role.LEARNER, Role.LEGAL])
def test_only_handlers_move_items(learner, subject, role):
    item = services.feedback_give(actor=learner, subject=subject, text="建议").item
    outsider = UserFactory(roles=[role])
    before = _snapshot(item)
    with pytest.raises(FeedbackPermissionDenied):
        services.feedback_accept(item=item, actor=outsider)
    assert _snapshot(item) == before


def test_a_plan_due_in_the_past_or_owned_by_a_learner_is_refused(agent, learner, subject):
    item = services.feedback_accept(
        item=services.feedback_give(actor=learner, subject=subject, text="x").item, actor=agent
    )
    before = _snapshot(item)
    with pytest.raises(FeedbackRuleViolation) as refused:
        services.feedback_plan(
            item=item,
            actor=agent,
            plan_owner=agent,
            actions="a",
            due_on=timezone.localdate() - datetime.timedelta(days=1),
        )
    assert refused.value.field == "due_on"
    with pytest.raises(FeedbackRuleViolation) as refused:
        services.feedback_plan(
            item=item, actor=agent, plan_owner=learner, actions="a", due_on=timezone.localdate()
        )
    assert refused.value.field == "plan_owner"
    assert _snapshot(item) == before
    assert ImprovementAction.objects.count() == 0


def test_improvement_actions_are_in_the_one_list_with_the_complaints(agent, learner, subject):
    item = services.feedback_accept(
        item=services.feedback_give(actor=learner, subject=subject, text="x").item, actor=agent
    )
    item = services.feedback_plan(
        item=item, actor=agent, plan_owner=agent, actions="a", due_on=timezone.localdate()
    )

    services.feedback_improvement_action_add(
        item=item, actor=agent, title="更新教材", owner=agent, due_date=timezone.localdate()
    )

    assert list(ImprovementAction.objects.values_list("title", "feedback_item_id", "complaint_id")) == [
        ("更新教材", item.pk, None)
    ]


def test_the_course_of_another_department_sets_the_department(learner):
    course = CourseFactory()
    item = services.feedback_give(
        actor=learner,
        subject=Subject(category=services.FeedbackCategory.objects.get(code="teacher"), course=course),
        text="x",
    ).item
    assert item.department == course.department


def test_accepted_feedback_earns_the_learner_points_once(agent, learner, subject):
    from incentives.models import Award

    item = services.feedback_give(actor=learner, subject=subject, text="建议").item
    services.feedback_accept(item=item, actor=agent)
    anonymous = services.feedback_give(actor=learner, subject=subject, text="匿名", is_anonymous=True).item
    services.feedback_accept(item=anonymous, actor=agent)

    awards = Award.objects.filter(learner=learner)
    assert list(awards.values_list("reason", flat=True)) == ["feedback_accepted"]
    # a second award for the same item is refused by the ledger itself
    from incentives.services import points_award

    assert points_award(learner=learner, reason="feedback_accepted", source=item) is None
    assert awards.count() == 1
