"""Demo feedback: items in each part of the process, a paper stack and a representative meeting. Safe to run
again: an item whose text already exists is not given twice."""

import datetime

from django.utils import timezone

from accounts.models import User
from courses.models import Course, SchoolClass, Term

from . import services
from .models import Channel, FeedbackCategory, FeedbackItem, PaperBatch

ONLINE = [
    # learner e-mail, category, course code, text, urgent, how far it gets
    (
        "learner@demo.edu.cn",
        "learning_resources",
        "PY-101",
        "希望课程提供每节课的录屏，方便复习。",
        False,
        "rated",
    ),
    ("learner2@demo.edu.cn", "facilities", None, "机房 3 号教室有两台电脑无法开机。", True, "planned"),
    ("learner3@demo.edu.cn", "teacher", "DS-201", "老师讲得很好，希望多一些实战案例。", False, "accepted"),
    ("learner4@demo.edu.cn", "service_attitude", None, "前台咨询时等了很久才有人接待。", False, "received"),
]


def _give(email, code, course_code, text, urgent):
    learner = User.objects.get(email=email)
    course = Course.objects.filter(code=course_code).first() if course_code else None
    subject = services.Subject(category=FeedbackCategory.objects.get(code=code), course=course)
    return services.feedback_give(actor=learner, subject=subject, text=text, is_urgent=urgent).item


def demo_seed(*, password: str) -> None:
    agent = User.objects.get(email="agent@demo.edu.cn")
    learner = User.objects.get(email="learner@demo.edu.cn")
    for email, code, course_code, text, urgent, stage in ONLINE:
        if FeedbackItem.objects.filter(text=text).exists():
            continue
        item = _give(email, code, course_code, text, urgent)
        if stage == "received":
            continue
        item = services.feedback_accept(item=item, actor=agent)
        if stage == "accepted":
            continue
        item = services.feedback_plan(
            item=item,
            actor=agent,
            plan_owner=agent,
            actions="与相关部门沟通，一周内落实。",
            due_on=timezone.localdate() + datetime.timedelta(days=7),
        )
        if stage == "planned":
            continue
        item = services.feedback_notify_result(
            item=item, actor=agent, result="已在学习平台上传每节课的录屏。"
        )
        services.feedback_rate(item=item, actor=learner, rating=5, comment="非常及时，谢谢！")

    paper = "希望食堂晚餐供应时间延长到 19:30。"
    if not FeedbackItem.objects.filter(text=paper).exists():
        term, school_class = Term.objects.first(), SchoolClass.objects.first()
        batch = services.paper_batch_start(
            actor=agent, kind=PaperBatch.Kind.KEYED, term=term, school_class=school_class
        )
        services.feedback_enter(
            actor=agent,
            channel=Channel.PAPER,
            subject=services.Subject(category=FeedbackCategory.objects.get(code="facilities")),
            text=paper,
            batch=batch,
        )
    point = "班级希望增加一次模拟考试。"
    if not FeedbackItem.objects.filter(text=point).exists():
        meeting = services.meeting_record(
            actor=agent,
            held_on=timezone.localdate() - datetime.timedelta(days=3),
            classes=list(SchoolClass.objects.all()[:2]),
            representatives=[
                User.objects.get(email="learner2@demo.edu.cn"),
                User.objects.get(email="learner5@demo.edu.cn"),
            ],
            minutes="本学期第一次学员代表会议，收集到三条意见。",
            term=Term.objects.first(),
        )
        services.feedback_enter(
            actor=agent,
            channel=Channel.MEETING,
            subject=services.Subject(
                category=FeedbackCategory.objects.get(code="course_content"),
                course=Course.objects.get(code="AC-301"),
            ),
            text=point,
            meeting=meeting,
        )
