"""Demo complaints in every state, walked there through the real services so their timelines are genuine.

Runs once: when the demo learners already have complaints, it leaves everything as it is.
"""

import datetime
from decimal import Decimal

from django.utils import timezone

from accounts.models import User
from courses.models import Enrolment

from .models import Category, Complaint, Remedy
from .services import (
    RemedyProposal,
    complaint_acknowledge,
    complaint_add_internal_note,
    complaint_add_public_reply,
    complaint_appeal,
    complaint_confirm_satisfaction,
    complaint_file,
    complaint_merge,
    complaint_propose_resolution,
    complaint_reject,
    complaint_request_information,
    complaint_respond,
    complaint_start_investigation,
    complaint_withdraw,
    improvement_action_add,
    remedy_carry_out,
)


def _person(email: str) -> User:
    return User.objects.get(email=email)


def _file(email: str, category_code: str, title: str, description: str, **extra) -> Complaint:
    person = _person(email)
    return complaint_file(
        actor=person,
        complainant=person,
        category=Category.objects.get(code=category_code),
        title=title,
        description=description,
        **extra,
    )


def _investigate(complaint: Complaint, agent: User) -> Complaint:
    complaint = complaint_acknowledge(complaint=complaint, actor=agent)
    return complaint_start_investigation(complaint=complaint, actor=agent)


def seed_complaints() -> int:
    """File the demo complaints; return how many were filed (0 when they exist already)."""
    if Complaint.objects.filter(complainant__email__endswith="@demo.edu.cn").exists():
        return 0
    agent, agent2 = _person("agent@demo.edu.cn"), _person("agent2@demo.edu.cn")
    finance, supervisor = _person("finance@demo.edu.cn"), _person("supervisor@demo.edu.cn")

    # submitted: waiting to be taken on
    submitted = _file(
        "learner@demo.edu.cn",
        "service",
        "客服电话一直占线",
        "连续两天拨打客服热线都无人接听，想咨询课程有效期的问题。",
        is_urgent=True,
    )
    # acknowledged
    acknowledged = _file(
        "learner2@demo.edu.cn",
        "service",
        "报名后未收到开课通知",
        "九月报名 DS-201，至今没有收到开课时间的通知。",
    )
    complaint_acknowledge(complaint=acknowledged, actor=agent)
    # investigating, with a public reply and an internal note
    investigating = _investigate(
        _file("learner3@demo.edu.cn", "service", "助教回复态度生硬", "在学习群里提问，助教的回复很不耐烦。"),
        agent,
    )
    complaint_add_public_reply(
        complaint=investigating, body="您好，我们已联系助教了解情况，三天内答复您。", actor=agent
    )
    complaint_add_internal_note(
        complaint=investigating, body="已调取学习群聊天记录，待督导核实。", actor=agent
    )
    # awaiting the complainant
    awaiting = _investigate(
        _file("learner4@demo.edu.cn", "service", "课程资料无法下载", "EN-110 第三单元的讲义下载链接失效。"),
        agent2,
    )
    complaint_request_information(
        complaint=awaiting, question="请问您使用的是电脑还是手机？能否提供报错截图？", actor=agent2
    )
    # pending approval: a refund above the approval threshold
    refund_case = _investigate(
        _file(
            "learner6@demo.edu.cn",
            "fees_refunds",
            "课程未开课要求全额退款",
            "AC-301 原定九月开课，机构单方面推迟三个月，要求全额退款。",
        ),
        finance,
    )
    learner6 = _person("learner6@demo.edu.cn")
    enrolment = Enrolment.objects.filter(learner=learner6).first()
    complaint_propose_resolution(
        complaint=refund_case,
        response="经核实，开课时间确因机构原因推迟，同意全额退款。",
        remedies=[
            RemedyProposal(
                learner=learner6,
                kind=Remedy.Kind.REFUND,
                amount=enrolment.amount_paid if enrolment else Decimal("12800.00"),
                enrolment=enrolment,
            )
        ],
        actor=finance,
    )
    # responded
    responded = _investigate(
        _file("learner5@demo.edu.cn", "service", "发票开具错误", "发票抬头写错了单位名称，需要重开。"), agent
    )
    complaint_respond(complaint=responded, response="已为您重新开具发票，请在个人中心下载。", actor=agent)
    # closed, with a validity extension carried out and an improvement action
    closed = _investigate(
        _file(
            "learner2@demo.edu.cn", "service", "直播回放缺失两节课", "PY-101 第 5、6 节课没有回放，影响复习。"
        ),
        agent,
    )
    learner2 = _person("learner2@demo.edu.cn")
    complaint_propose_resolution(
        complaint=closed,
        response="回放因录制故障丢失，为您延长课程有效期 30 天，并安排补课。",
        remedies=[
            RemedyProposal(
                learner=learner2,
                kind=Remedy.Kind.VALIDITY_EXTENSION,
                days=30,
                enrolment=Enrolment.objects.filter(learner=learner2, course__code="PY-101").first(),
            )
        ],
        actor=agent,
    )
    for remedy in Remedy.objects.filter(complaint=closed):
        remedy_carry_out(remedy=remedy, actor=agent)
    improvement_action_add(
        complaint=closed,
        title="直播录制增加双路备份",
        owner=supervisor,
        due_date=timezone.localdate() + datetime.timedelta(days=30),
        actor=agent,
    )
    complaint_confirm_satisfaction(complaint=closed, rating=5, comment="处理及时，谢谢。", actor=learner2)
    # appealed
    appealed = _investigate(
        _file(
            "learner@demo.edu.cn", "service", "退课手续费过高", "退课时被收取 30% 手续费，合同中没有写明。"
        ),
        agent2,
    )
    complaint_respond(complaint=appealed, response="手续费按报名须知第 7 条收取。", actor=agent2)
    complaint_appeal(
        complaint=appealed,
        reason="报名须知是报名后才发给我的，不应适用。",
        actor=_person("learner@demo.edu.cn"),
    )
    # rejected as out of scope
    rejected = _file("learner3@demo.edu.cn", "service", "小区停车位不够", "学校附近小区停车难。")
    complaint_acknowledge(complaint=rejected, actor=agent)
    complaint_reject(complaint=rejected, reason="该事项不属于本机构的服务范围，建议向物业反映。", actor=agent)
    # merged into the submitted one (same learner, same category)
    duplicate = _file(
        "learner@demo.edu.cn", "service", "客服热线打不通", "今天又打了三次客服电话，还是没人接。"
    )
    complaint_merge(complaint=duplicate, into=submitted, actor=agent)
    # withdrawn by the learner
    withdrawn = _file("learner4@demo.edu.cn", "service", "教室空调太冷", "周六上午的线下课教室空调温度太低。")
    complaint_withdraw(
        complaint=withdrawn, actor=_person("learner4@demo.edu.cn"), reason="已与老师沟通解决。"
    )
    # a parent acting for their child
    parent = _person("parent@demo.edu.cn")
    complaint_file(
        actor=parent,
        complainant=parent,
        learner=_person("child@demo.edu.cn"),
        category=Category.objects.get(code="service"),
        title="孩子的口语课被临时取消",
        description="上周六的 EN-110 口语课开课前一小时才通知取消，没有安排补课。",
    )
    return Complaint.objects.filter(complainant__email__endswith="@demo.edu.cn").count()


def demo_seed(*, password: str) -> None:
    """Seed this app's demo data (the ``seed_demo`` command calls it): complaints in every state."""
    seed_complaints()
