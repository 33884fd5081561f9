import re

import pytest
from django.db import transaction

from accounts.tests.factories import DepartmentFactory, LearnerFactory
from core.errors import RuleViolation
from incentives.models import Award, PointsBalance, Reward
from incentives.notices import REWARD_ISSUED
from incentives.reasons import _REASONS, AwardReason, AwardReasonSpec
from incentives.services import points_award
from notifications.messages import notice_render
from notifications.models import Notification

from .factories import RewardRuleFactory

pytestmark = pytest.mark.django_db

SURVEY = AwardReason.SURVEY_ANSWERED  # 10 points
FEEDBACK = AwardReason.FEEDBACK_ACCEPTED  # 20 points


def in_app_reward_notices(learner) -> int:
    return Notification.objects.filter(recipient=learner, kind=REWARD_ISSUED, channel="in_app").count()


def test_awarding_twice_for_the_same_source_writes_one_row_and_one_notice():
    # given a rule rewarding every 20 points
    RewardRuleFactory(every_points=20)
    learner, feedback_item = LearnerFactory(), DepartmentFactory()

    # when the same feedback earns points twice
    first = points_award(learner=learner, reason=FEEDBACK, source=feedback_item)
    second = points_award(learner=learner, reason=FEEDBACK, source=feedback_item)

    # then one award, one balance of 20, one reward and one notice
    assert first is not None and first.points == 20
    assert second is None
    assert Award.objects.filter(learner=learner).count() == 1
    assert PointsBalance.objects.get(learner=learner).total == 20
    assert Reward.objects.filter(learner=learner).count() == 1
    assert in_app_reward_notices(learner) == 1


def test_the_same_source_earns_again_for_another_reason_or_another_learner():
    source = DepartmentFactory()
    learner, other = LearnerFactory(), LearnerFactory()

    assert points_award(learner=learner, reason=SURVEY, source=source) is not None
    assert points_award(learner=learner, reason=FEEDBACK, source=source) is not None
    assert points_award(learner=other, reason=SURVEY, source=source) is not None

    assert PointsBalance.objects.get(learner=learner).total == 30
    assert PointsBalance.objects.get(learner=other).total == 10


def test_a_reward_is_issued_once_per_threshold_crossing():
    rule = RewardRuleFactory(every_points=30)
    learner = LearnerFactory()

    for _ in range(2):
        points_award(learner=learner, reason=SURVEY, source=DepartmentFactory())  # 10, 20
    assert not Reward.objects.exists()

    points_award(learner=learner, reason=SURVEY, source=DepartmentFactory())  # 30: the first threshold
    points_award(learner=learner, reason=FEEDBACK, source=DepartmentFactory())  # 50: none crossed
    points_award(learner=learner, reason=SURVEY, source=DepartmentFactory())  # 60: the second

    rewards = list(Reward.objects.filter(learner=learner, rule=rule).order_by("threshold"))
    assert [reward.threshold for reward in rewards] == [30, 60]
    assert in_app_reward_notices(learner) == 2
    assert rewards[0].code != rewards[1].code
    assert rewards[0].description == rule.description and rewards[0].value == rule.value


def test_one_award_that_passes_two_thresholds_issues_both():
    RewardRuleFactory(every_points=10)
    learner = LearnerFactory()

    points_award(learner=learner, reason=FEEDBACK, source=DepartmentFactory())  # 0 -> 20

    assert sorted(Reward.objects.values_list("threshold", flat=True)) == [10, 20]


def test_an_inactive_rule_issues_nothing_and_each_active_rule_its_own():
    RewardRuleFactory(every_points=10, is_active=False)
    coupon = RewardRuleFactory(every_points=20)
    discount = RewardRuleFactory(every_points=20, discount=True)
    learner = LearnerFactory()

    points_award(learner=learner, reason=FEEDBACK, source=DepartmentFactory())

    assert sorted(Reward.objects.values_list("rule_id", flat=True)) == sorted([coupon.pk, discount.pk])


def test_the_coupon_code_is_long_random_and_unambiguous():
    RewardRuleFactory(every_points=10)
    learner = LearnerFactory()

    points_award(learner=learner, reason=SURVEY, source=DepartmentFactory())

    reward = Reward.objects.get()
    assert re.fullmatch(r"[A-HJKMNP-Z2-9]{4}-[A-HJKMNP-Z2-9]{4}-[A-HJKMNP-Z2-9]{4}", reward.code)
    assert re.fullmatch(r"JL-\d{4}-\d{6}", reward.reference)
    assert reward.expires_on is not None


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        ({"reason": "no_such_reason"}, "reason"),
        ({"learner": "inactive"}, "learner"),
        ({"source": "unsaved"}, "source"),
    ],
)
def test_refused_awards_write_nothing(arguments, field):
    RewardRuleFactory(every_points=10)
    learner = LearnerFactory()
    values = {"learner": learner, "reason": SURVEY, "source": DepartmentFactory()}
    values.update(arguments)
    if arguments.get("learner") == "inactive":
        learner.is_active = False
        learner.save(update_fields=["is_active"])
        values["learner"] = learner
    if arguments.get("source") == "unsaved":
        values["source"] = DepartmentFactory.build()

    with pytest.raises(RuleViolation) as refused:
        points_award(**values)

    assert refused.value.field == field
    assert not Award.objects.exists()
    assert not PointsBalance.objects.exists()
    assert not Reward.objects.exists()
    assert not Notification.objects.filter(kind=REWARD_ISSUED).exists()


def test_an_award_rolled_back_with_its_caller_leaves_nothing():
    RewardRuleFactory(every_points=10)
    learner = LearnerFactory()

    with pytest.raises(RuntimeError), transaction.atomic():
        points_award(learner=learner, reason=SURVEY, source=DepartmentFactory())
        raise RuntimeError("the caller's change failed")

    assert not Award.objects.exists()
    assert not Reward.objects.exists()
    assert not Notification.objects.filter(kind=REWARD_ISSUED).exists()


def test_a_domain_registers_a_reason_of_its_own(monkeypatch):
    monkeypatch.setitem(_REASONS, "meeting_attended", AwardReasonSpec("meeting_attended", "meeting", 7))
    learner = LearnerFactory()

    award = points_award(learner=learner, reason="meeting_attended", source=DepartmentFactory())

    assert award.points == 7
    assert award.reason_label == "meeting"


def test_the_reward_notice_names_the_reward_and_not_its_code():
    RewardRuleFactory(every_points=10)
    learner = LearnerFactory()
    points_award(learner=learner, reason=SURVEY, source=DepartmentFactory())
    reward = Reward.objects.get()
    notice = Notification.objects.get(recipient=learner, kind=REWARD_ISSUED, channel="in_app")

    english = notice_render(kind=notice.kind, context=notice.context, language="en")
    chinese = notice_render(kind=notice.kind, context=notice.context, language="zh-hans")

    assert "Thank-you coupon" in english.email_body and reward.reference in english.email_body
    assert english.path == "/points/"
    assert "感谢" in chinese.subject
    assert reward.code not in english.email_body + english.sms + chinese.email_body + chinese.sms
