import datetime

import pytest
from django.utils import timezone

from accounts.roles import Role
from accounts.tests.factories import LearnerFactory, StaffFactory
from complaints.clocks import complaint_clocks_sync
from complaints.models import Severity
from complaints.tests.factories import CategoryFactory, ComplaintFactory
from core.errors import Conflict, NotAllowed, RuleViolation
from dashboard.selectors import local_zone
from reviews.models import Review, ReviewDecision, ReviewKind
from reviews.selectors import months_after, quarter_before
from reviews.services import review_create, review_decision_add, review_decision_complete
from sla.models import Clock, Escalation

from .factories import ManagerFactory, ReviewDecisionFactory, ReviewFactory, RightsMeasureFactory

pytestmark = pytest.mark.django_db


def today() -> datetime.date:
    return timezone.localdate()


def create(actor, **overrides) -> Review:
    values = {
        "kind": ReviewKind.PROCESS,
        "held_on": today(),
        "period_start": today() - datetime.timedelta(days=182),
        "period_end": today() - datetime.timedelta(days=1),
        "findings": "反馈处理整体及时。",
        "actor": actor,
    }
    values.update(overrides)
    return review_create(**values)


def at_noon(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(12), tzinfo=local_zone())


@pytest.mark.parametrize("role", [Role.MANAGER, Role.LEADERSHIP])
def test_managers_and_the_leadership_group_record_a_review(role):
    actor = StaffFactory(roles=[role])
    teacher, agent = StaffFactory(), StaffFactory()

    review = create(actor, participants=[teacher, agent, teacher], opinions_summary="学员希望回复更快。")

    assert review.responsible == actor
    assert set(review.participants.all()) == {teacher, agent}
    assert review.figures == {}
    assert review.opinions_summary == "学员希望回复更快。"


@pytest.mark.parametrize("role", [Role.AGENT, Role.SUPERVISOR, Role.LEGAL, Role.LEARNER])
def test_other_roles_may_not_record_a_review_and_nothing_is_written(role):
    actor = LearnerFactory() if role == Role.LEARNER else StaffFactory(roles=[role])

    with pytest.raises(NotAllowed):
        create(actor)

    assert not Review.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"kind": "yearly"}, "kind"),
        ({"findings": "   "}, "findings"),
        ({"held_on": datetime.date.today() + datetime.timedelta(days=3)}, "held_on"),
        (
            {
                "period_start": datetime.date.today(),
                "period_end": datetime.date.today() - datetime.timedelta(days=1),
            },
            "period_end",
        ),
        (
            {
                "period_end": datetime.date.today(),
                "held_on": datetime.date.today() - datetime.timedelta(days=1),
            },
            "period_end",
        ),
        ({"kind": ReviewKind.MEASURE}, "measure"),
        ({"opinions_source": "x" * 301}, "opinions_source"),
    ],
)
def test_bad_input_names_its_field_and_writes_nothing(overrides, field):
    actor = ManagerFactory()

    with pytest.raises(RuleViolation) as refused:
        create(actor, **overrides)

    assert refused.value.field == field
    assert not Review.objects.exists()


def test_a_measure_is_named_only_for_an_evaluation_whose_responsible_is_the_measures():
    actor = ManagerFactory()
    measure = RightsMeasureFactory()

    with pytest.raises(RuleViolation) as refused:
        create(actor, measure=measure)
    evaluation = create(actor, kind=ReviewKind.MEASURE, measure=measure)

    assert refused.value.field == "measure"
    assert evaluation.responsible == measure.responsible
    assert Review.objects.count() == 1


def test_a_quarterly_complaint_review_keeps_the_figures_of_the_complaints_filed_in_its_quarter():
    # given complaints filed in the last quarter, and others just before and after it
    first, last = quarter_before(today())
    teaching, fees = CategoryFactory(), CategoryFactory()
    inside = [
        ComplaintFactory(category=teaching, created_at=at_noon(first), acknowledged=True),
        ComplaintFactory(
            category=teaching, created_at=at_noon(first + datetime.timedelta(days=20)), closed=True
        ),
        ComplaintFactory(category=fees, created_at=at_noon(last), severity=Severity.MAJOR, appealed=True),
    ]
    ComplaintFactory(category=teaching, created_at=at_noon(first - datetime.timedelta(days=1)))
    ComplaintFactory(category=fees, created_at=at_noon(last + datetime.timedelta(days=1)))
    for complaint in inside:
        complaint_clocks_sync(complaint=complaint)
    clock = Clock.objects.filter(complaint=inside[0]).first()
    Escalation.objects.create(
        subject=inside[0], clock=clock, target=clock.target, level=Escalation.Level.WARNING
    )

    # when the leadership group records the quarter's review
    review = create(
        StaffFactory(roles=[Role.LEADERSHIP]), kind=ReviewKind.COMPLAINTS, period_start=first, period_end=last
    )

    # then its figures count exactly the complaints filed in the quarter
    figures = review.figures
    assert figures["period"] == {"from": first.isoformat(), "to": last.isoformat()}
    assert figures["filed"] == 3
    assert {row["id"]: row["filed"] for row in figures["by_category"]} == {teaching.pk: 2, fees.pk: 1}
    assert figures["by_severity"] == {"general": 2, "important": 0, "major": 1}
    assert figures["appeals"]["appealed"] == 1
    assert figures["escalations"] == {"warning": 1}
    assert figures["acknowledged_in_time"]["kept"] == 3  # each acknowledged 10 minutes after filing
    assert figures["acknowledged_in_time"]["share"] == 100.0


def test_the_figures_of_a_review_do_not_change_when_complaints_do():
    first, last = quarter_before(today())
    ComplaintFactory(created_at=at_noon(first))
    review = create(ManagerFactory(), kind=ReviewKind.COMPLAINTS, period_start=first, period_end=last)

    ComplaintFactory(created_at=at_noon(first + datetime.timedelta(days=1)))  # filed late, on paper
    review.refresh_from_db()

    assert review.figures["filed"] == 1


def test_a_decision_is_added_with_owner_and_due_date():
    manager, owner = ManagerFactory(), StaffFactory()
    review = ReviewFactory()
    due = today() + datetime.timedelta(days=30)

    decision = review_decision_add(
        review=review, change="  缩短回复时限  ", owner=owner, due_date=due, actor=manager
    )

    assert (decision.change, decision.owner, decision.due_date, decision.state) == (
        "缩短回复时限",
        owner,
        due,
        "open",
    )
    assert decision.created_by == manager


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"change": ""}, "change"),
        ({"due_date": datetime.date.today() - datetime.timedelta(days=2)}, "due_date"),
        ({"owner": "learner"}, "owner"),
    ],
)
def test_a_refused_decision_names_its_field_and_writes_nothing(overrides, field):
    values = {
        "change": "缩短回复时限",
        "owner": StaffFactory(),
        "due_date": today() + datetime.timedelta(days=5),
    }
    values.update(overrides)
    if values["owner"] == "learner":
        values["owner"] = LearnerFactory()

    with pytest.raises(RuleViolation) as refused:
        review_decision_add(review=ReviewFactory(), actor=ManagerFactory(), **values)

    assert refused.value.field == field
    assert not ReviewDecision.objects.exists()


def test_an_agent_may_not_add_a_decision():
    with pytest.raises(NotAllowed):
        review_decision_add(
            review=ReviewFactory(),
            change="缩短回复时限",
            owner=StaffFactory(),
            due_date=today(),
            actor=StaffFactory(roles=[Role.AGENT]),
        )
    assert not ReviewDecision.objects.exists()


def test_the_owner_marks_their_decision_done_once():
    decision = ReviewDecisionFactory()

    done = review_decision_complete(decision=decision, actor=decision.owner)
    with pytest.raises(Conflict):
        review_decision_complete(decision=decision, actor=ManagerFactory())

    done.refresh_from_db()
    assert done.state == ReviewDecision.State.DONE and done.done_by == decision.owner
    assert done.done_at is not None


def test_another_member_of_staff_may_not_mark_a_decision_done():
    decision = ReviewDecisionFactory()

    with pytest.raises(NotAllowed):
        review_decision_complete(decision=decision, actor=StaffFactory(roles=[Role.SUPERVISOR]))

    decision.refresh_from_db()
    assert decision.state == ReviewDecision.State.OPEN and decision.done_at is None


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (datetime.date(2026, 8, 31), 6, datetime.date(2027, 2, 28)),
        (datetime.date(2026, 1, 15), 3, datetime.date(2026, 4, 15)),
        (datetime.date(2026, 11, 30), 3, datetime.date(2027, 2, 28)),
    ],
)
def test_months_after_keeps_the_day_or_the_months_last(day, months, expected):
    assert months_after(day, months) == expected


def test_the_quarter_before():
    assert quarter_before(datetime.date(2026, 12, 2)) == (
        datetime.date(2026, 7, 1),
        datetime.date(2026, 9, 30),
    )
    assert quarter_before(datetime.date(2026, 2, 2)) == (
        datetime.date(2025, 10, 1),
        datetime.date(2025, 12, 31),
    )


def test_a_learner_whose_opinions_were_gathered_is_thanked_with_points_once():
    from incentives.models import PointsBalance
    from reviews.services import review_opinions_thank

    review, learner, manager = ReviewFactory(), LearnerFactory(), ManagerFactory()

    first = review_opinions_thank(review=review, learner=learner, actor=manager)
    again = review_opinions_thank(review=review, learner=learner, actor=manager)

    assert first.points == 10 and first.source == review and again is None
    assert PointsBalance.objects.get(learner=learner).total == 10
    with pytest.raises(NotAllowed):
        review_opinions_thank(review=review, learner=LearnerFactory(), actor=StaffFactory(roles=[Role.AGENT]))
    with pytest.raises(RuleViolation):
        review_opinions_thank(review=review, learner=StaffFactory(), actor=manager)
    assert PointsBalance.objects.count() == 1
