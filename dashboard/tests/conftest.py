"""A small institution's March 2026 (and one February complaint), built through the real services.

Every figure the dashboard shows for March 2026 is worked out by hand in the tests from this story
(times in Asia/Shanghai; the default 24×7 SLA policies: acknowledge 1 h; first response 72 h, urgent 24 h;
resolution 7 days):

- A (service, web, about course Y): filed 03-02 10:00, acknowledged 10:30, answered 03-03 10:00,
  rated 5 and closed 03-04.
- B (teaching, app, urgent): filed 03-03 09:00, acknowledged 11:00 (late), asks the complainant for
  information 03-03 12:00 (the first response; the resolution clock pauses), reply 03-04 12:00 (24 h paused:
  resolution due moves from 03-10 09:00 to 03-11 09:00), answered 03-10 20:00 (in time only thanks to the
  pause), appealed 03-11, appeal upheld 03-12 (closed).
- C (service, phone, about course X): filed 03-10 10:00 by staff, never acknowledged: three clocks overdue.
- D (service, web, about course X and instructor I): filed 03-20 10:00, acknowledged 10:20, answered with a
  500.00 CNY refund 03-30 10:00 (first response and resolution late), refund carried out 03-30 11:00, two
  improvement actions (one due 04-05 still open, one done 03-31 09:00), rated 2 and closed 03-31 10:00.
- E (service, web; the previous period): filed 02-10 10:00, acknowledged 10:30, answered 02-11 10:00,
  rated 4 and closed 02-12.
- Course X (customer service) has 4 enrolled learners and instructor I; course Y (customer service) has 10.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from accounts.models import Department
from accounts.roles import Role
from accounts.tests.factories import LearnerFactory, StaffFactory
from complaints.models import Appeal, Category, Channel, Complaint, Remedy
from complaints.services import (
    complaint_acknowledge,
    complaint_add_complainant_reply,
    complaint_appeal,
    complaint_confirm_satisfaction,
    complaint_file,
    complaint_request_information,
    complaint_respond,
    complaint_review_appeal,
    complaint_start_investigation,
)
from complaints.services.resolution import (
    RemedyProposal,
    complaint_propose_resolution,
    improvement_action_add,
    improvement_action_complete,
    remedy_carry_out,
)
from courses.tests.factories import CourseFactory, EnrolmentFactory, InstructorFactory
from dashboard.selectors import Period, Scope

SHANGHAI = ZoneInfo("Asia/Shanghai")
MARCH = Period(datetime.date(2026, 3, 1), datetime.date(2026, 3, 31))
NOW = datetime.datetime(2026, 4, 10, 12, 0, tzinfo=SHANGHAI)


def at(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=SHANGHAI)


@dataclass
class Story:
    a: Complaint
    b: Complaint
    c: Complaint
    d: Complaint
    e: Complaint
    course_x: object
    course_y: object
    instructor: object
    service: Category
    teaching: Category


def _travel(moment):
    return time_machine.travel(moment, tick=False)


@pytest.fixture
def story(db) -> Story:
    service = Category.objects.get(code="service")
    teaching = Category.objects.get(code="teaching")
    customer_service = Department.objects.get(code="customer_service")
    agent = StaffFactory(department=customer_service, roles=[Role.AGENT])
    teacher_agent = StaffFactory(department=teaching.default_department, roles=[Role.AGENT])
    reviewer = StaffFactory(department=Department.objects.get(code="leadership"), roles=[Role.LEADERSHIP])
    instructor = InstructorFactory(department=customer_service)
    course_x = CourseFactory(code="X-101", department=customer_service)
    course_x.instructors.add(instructor)
    course_y = CourseFactory(code="Y-201", department=customer_service)
    for course, learners in ((course_x, 4), (course_y, 10)):
        for _ in range(learners):
            EnrolmentFactory(
                course=course, start_date=datetime.date(2026, 1, 1), valid_until=datetime.date(2026, 12, 31)
            )

    def filed(moment, category, **extra):
        learner = extra.pop("complainant", None) or LearnerFactory()
        actor = extra.pop("actor", learner)
        with _travel(moment):
            return complaint_file(
                actor=actor, complainant=learner, category=category, title="投诉", description="经过", **extra
            )

    def answered(complaint, acknowledged, responded, handler):
        with _travel(acknowledged):
            complaint = complaint_acknowledge(complaint=complaint, actor=handler)
            complaint = complaint_start_investigation(complaint=complaint, actor=handler)
        with _travel(responded):
            return complaint_respond(complaint=complaint, response="已处理。", actor=handler)

    def rated(complaint, moment, rating):
        with _travel(moment):
            return complaint_confirm_satisfaction(
                complaint=complaint, rating=rating, actor=complaint.complainant
            )

    a = filed(at(2026, 3, 2, 10, 0), service, subject_course=course_y)
    a = answered(a, at(2026, 3, 2, 10, 30), at(2026, 3, 3, 10, 0), agent)
    a = rated(a, at(2026, 3, 4, 10, 0), 5)

    b = filed(at(2026, 3, 3, 9, 0), teaching, channel=Channel.APP, is_urgent=True)
    with _travel(at(2026, 3, 3, 11, 0)):
        b = complaint_acknowledge(complaint=b, actor=teacher_agent)
        b = complaint_start_investigation(complaint=b, actor=teacher_agent)
    with _travel(at(2026, 3, 3, 12, 0)):
        b = complaint_request_information(complaint=b, question="请补充截图", actor=teacher_agent)
    with _travel(at(2026, 3, 4, 12, 0)):
        b = complaint_add_complainant_reply(complaint=b, body="截图已上传", actor=b.complainant)
    with _travel(at(2026, 3, 10, 20, 0)):
        b = complaint_respond(complaint=b, response="已处理。", actor=teacher_agent)
    with _travel(at(2026, 3, 11, 10, 0)):
        b = complaint_appeal(complaint=b, reason="不满意", actor=b.complainant)
    with _travel(at(2026, 3, 12, 10, 0)):
        b = complaint_review_appeal(
            complaint=b, decision=Appeal.Decision.UPHELD, reason="维持", actor=reviewer
        )

    c = filed(at(2026, 3, 10, 10, 0), service, channel=Channel.PHONE, actor=agent, subject_course=course_x)

    d = filed(at(2026, 3, 20, 10, 0), service, subject_course=course_x, subject_instructor=instructor)
    with _travel(at(2026, 3, 20, 10, 20)):
        d = complaint_acknowledge(complaint=d, actor=agent)
        d = complaint_start_investigation(complaint=d, actor=agent)
    with _travel(at(2026, 3, 30, 10, 0)):
        d = complaint_propose_resolution(
            complaint=d,
            response="退还部分费用。",
            remedies=[RemedyProposal(learner=d.learner, kind=Remedy.Kind.REFUND, amount=Decimal("500.00"))],
            actor=agent,
        )
        late = improvement_action_add(
            complaint=d, title="复核排课", owner=agent, due_date=datetime.date(2026, 4, 5), actor=agent
        )
        done = improvement_action_add(
            complaint=d, title="培训客服", owner=agent, due_date=datetime.date(2026, 4, 30), actor=agent
        )
    with _travel(at(2026, 3, 30, 11, 0)):
        remedy_carry_out(remedy=d.remedies.get(), actor=agent)
    with _travel(at(2026, 3, 31, 9, 0)):
        improvement_action_complete(action=done, actor=agent)
    d = rated(d, at(2026, 3, 31, 10, 0), 2)
    assert late.state == "open"

    e = filed(at(2026, 2, 10, 10, 0), service)
    e = answered(e, at(2026, 2, 10, 10, 30), at(2026, 2, 11, 10, 0), agent)
    e = rated(e, at(2026, 2, 12, 10, 0), 4)

    return Story(a, b, c, d, e, course_x, course_y, instructor, service, teaching)


@pytest.fixture
def march() -> Scope:
    return Scope(period=MARCH)
