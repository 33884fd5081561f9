"""Demo activities: an online talk for Consumer Rights Day and an on-site talk on campus, both open for
registration, and one finished talk with its attendance. Safe to run again: an activity whose title already
exists is not created twice."""

import datetime

from django.utils import timezone

from accounts.models import User

from . import services
from .models import Activity, Kind, Registration, RegistrationStatus, State

DAY = datetime.timedelta(days=1)
HOUR = datetime.timedelta(hours=1)

ACTIVITIES = [
    # title, description, kind, days from now, start hour, hours long, place, link, places, state
    (
        "消费者权益日线上讲座：培训消费中的知情权与退费权",
        "结合《消费者权益保护法》和本机构公布的退费规则，讲解报名前应当知道的信息、合同中的常见陷阱，"
        "以及申请退费、提出投诉的途径。讲座最后留出 20 分钟在线答疑。",
        Kind.ONLINE,
        10,
        19,
        1.5,
        "",
        "https://meeting.demo.edu.cn/j/315-2026",
        200,
        State.PUBLISHED,
    ),
    (
        "校园权益知识讲座：学员个人信息保护",
        "由法务部吴律师主讲：机构收集哪些个人信息、为什么收集、如何查看谁读取了你的数据，"
        "以及如何申请导出或删除个人信息。请携带学员证，现场签到。",
        Kind.ON_SITE,
        5,
        14,
        2,
        "教学楼 A 座 201 报告厅",
        "",
        3,
        State.PUBLISHED,
    ),
    (
        "新学员入学权益说明会",
        "介绍学员手册中的权利与义务、投诉与反馈渠道、心理咨询服务的预约方式。",
        Kind.ON_SITE,
        -14,
        10,
        1.5,
        "教学楼 B 座 105 教室",
        "",
        60,
        State.FINISHED,
    ),
]


def demo_seed(*, password: str) -> None:
    organiser = User.objects.get(email="agent@demo.edu.cn")
    learners = list(
        User.objects.filter(email__in=["learner@demo.edu.cn", "learner2@demo.edu.cn"]).order_by("email")
    )
    services.activity_subscription_set(person=learners[0], actor=learners[0], subscribed=True)
    today = timezone.localtime().replace(minute=0, second=0, microsecond=0)
    for title, description, kind, days, hour, hours, place, link, places, state in ACTIVITIES:
        if Activity.objects.filter(title=title).exists():
            continue
        starts = today.replace(hour=hour) + days * DAY
        ends = starts + datetime.timedelta(hours=hours)
        opens = min(timezone.now() - DAY, starts - 20 * DAY)
        activity = services.activity_create(
            actor=organiser,
            title=title,
            description=description,
            kind=kind,
            starts_at=starts,
            ends_at=ends,
            place=place,
            link=link,
            capacity=places,
            registration_opens_at=opens,
            registration_closes_at=starts - HOUR if starts > timezone.now() else ends,
            check_in_code="QY2026" if kind == Kind.ON_SITE else "",
        )
        if state == State.FINISHED:
            _seed_finished(activity, organiser=organiser, learners=learners)
            continue
        activity = services.activity_publish(activity=activity, actor=organiser)
        if kind == Kind.ON_SITE:
            for learner in learners:
                services.registration_create(activity=activity, actor=learner)


def _seed_finished(activity: Activity, *, organiser: User, learners: list[User]) -> None:
    """A past talk: registrations are taken while it was open, then it is finished and attendance kept."""
    starts, ends = activity.starts_at, activity.ends_at
    # Registration was open before the talk: the rows are written as it was then, the services guard today.
    Activity.objects.filter(pk=activity.pk).update(
        state=State.PUBLISHED, registration_closes_at=ends, announced_at=starts - 20 * DAY
    )
    for learner in learners:
        Registration.objects.get_or_create(
            activity=activity,
            person=learner,
            defaults={
                "status": RegistrationStatus.REGISTERED,
                "created_at": starts - 7 * DAY,
                "queued_at": starts - 7 * DAY,
            },
        )
    activity = services.activity_finish(activity=activity, actor=organiser)
    services.registrations_attendance_record(
        registrations=Registration.objects.filter(activity=activity, person=learners[0]),
        actor=organiser,
        attended=True,
    )
