"""Demo reviews: a feedback process review with decisions and its opinion survey (surveys.demo), this
quarter's complaint review with its figures, a rights measure evaluated every year, and points for the
learners whose opinions were gathered.

Recorded through the real services; runs once (when a review exists it leaves everything as it is).
"""

import datetime

from django.utils import timezone

from accounts.models import User
from surveys.demo import OPINION_TITLE
from surveys.models import Purpose, Survey

from .models import Review, ReviewKind, ReviewSchedule, RightsMeasure
from .services import review_create, review_decision_add, review_decision_complete, review_opinions_thank


def _person(email: str) -> User:
    return User.objects.get(email=email)


def demo_seed(*, password: str) -> None:
    if Review.objects.exists():
        return
    today = timezone.localdate()
    manager, leader = _person("manager@demo.edu.cn"), _person("leader@demo.edu.cn")
    agent, supervisor = _person("agent@demo.edu.cn"), _person("supervisor@demo.edu.cn")
    measure, _created = RightsMeasure.objects.get_or_create(
        code="refund-rules",
        defaults={
            "name": "退费规则公示与执行",
            "name_en": "Published refund rules and their application",
            "description": "退费申请按公示规则计算金额，并在 7 个工作日内办结。",
            "responsible": manager,
        },
    )
    ReviewSchedule.objects.get_or_create(
        kind=ReviewKind.MEASURE,
        measure=measure,
        defaults={"interval_months": 12, "first_due_on": today + datetime.timedelta(days=10)},
    )
    process = review_create(
        kind=ReviewKind.PROCESS,
        held_on=today - datetime.timedelta(days=20),
        period_start=today - datetime.timedelta(days=200),
        period_end=today - datetime.timedelta(days=21),
        findings="课程类反馈平均 4 个工作日答复，超过 3 个工作日的承诺；线下纸质反馈录入滞后。",
        opinions_summary="学员代表希望反馈处理进度可在线查看；教师希望按课程汇总反馈。",
        opinions_source="学员代表会议纪要",
        opinions_survey=Survey.objects.filter(title=OPINION_TITLE, purpose=Purpose.OPINIONS).first(),
        participants=[leader, agent, supervisor],
        actor=manager,
    )
    fast = review_decision_add(
        review=process,
        change="课程类反馈答复时限统一为 3 个工作日，超时提醒主管。",
        owner=supervisor,
        due_date=today + datetime.timedelta(days=30),
        actor=manager,
    )
    review_decision_add(
        review=process,
        change="纸质反馈表每周一录入系统。",
        owner=agent,
        due_date=today + datetime.timedelta(days=7),
        actor=manager,
    )
    review_decision_complete(decision=fast, actor=supervisor)
    # Both were asked by the opinion survey: learner2 answered it and has its points already (the thanks add
    # nothing); the demo learner, who did not answer, is thanked with the survey's award for their invitation.
    for email in ("learner@demo.edu.cn", "learner2@demo.edu.cn"):
        review_opinions_thank(review=process, learner=_person(email), actor=manager)

    quarter_start = datetime.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    complaints = review_create(
        kind=ReviewKind.COMPLAINTS,
        held_on=today,
        period_start=quarter_start,
        period_end=today,
        findings="收费与退费类投诉占比最高；紧急投诉 24 小时内答复率需提高。",
        opinions_summary="学员反映退费金额的计算方式不够清楚。",
        opinions_source="投诉人回访记录",
        participants=[manager, supervisor],
        actor=leader,
    )
    # The demo learner gave opinions for both reviews: 20 points, which reach the demo's thank-you coupon.
    review_opinions_thank(review=complaints, learner=_person("learner@demo.edu.cn"), actor=leader)
    review_decision_add(
        review=complaints,
        change="退费规则页面增加计算示例，客服话术同步更新。",
        owner=supervisor,
        due_date=today + datetime.timedelta(days=21),
        actor=leader,
    )
