"""Supervision: the monthly spot-check sample (reproducible, every draw kept, with its grants), findings,
periodic reviews with their figures, experts' assessments, and penalties whose suspension or removal hides the
counsellor at once and cancels their sessions within it, with the counsellor's right of reply."""

import datetime

import pytest
from django.http import Http404
from django.test import Client

from accounts.roles import Role
from accounts.tests.factories import StaffFactory
from counseling.errors import AppointmentMoveNotAllowed, CounsellingPermissionDenied, CounsellingRuleViolation
from counseling.models import (
    CounsellorPenalty,
    CounsellorReview,
    PenaltyKind,
    RecordGrant,
    ReviewDecision,
    SpotCheckFinding,
    SpotCheckSample,
    State,
)
from counseling.selectors import counsellors_bookable, record_get_for_reading
from counseling.services import (
    counsellor_penalty_impose,
    counsellor_penalty_reply,
    counsellor_review_record,
    expert_assessment_record,
    session_record_write,
    spot_check_finding_record,
    spot_check_sample_draw,
)
from notifications.models import Notification

from .conftest import NOW, SHANGHAI, at
from .factories import AppointmentFactory, CounsellorFactory
from .test_records import attended

NOVEMBER = datetime.date(2026, 11, 1)


@pytest.fixture
def supervisor(db):
    return StaffFactory(roles=[Role.SUPERVISOR])


@pytest.fixture
def manager(db):
    return StaffFactory(roles=[Role.MANAGER])


@pytest.fixture
def november_records(clock, counsellor):
    records = []
    for day in range(2, 12):
        moment = datetime.datetime(2026, 11, day, 10, tzinfo=SHANGHAI)
        appointment = AppointmentFactory(
            counsellor=counsellor,
            state=State.COMPLETED,
            starts_at=moment,
            ends_at=moment + datetime.timedelta(minutes=50),
            blocked_from=moment,
            blocked_until=moment + datetime.timedelta(hours=1),
        )
        records.append(
            session_record_write(appointment=appointment, notes=f"记录{day}", actor=counsellor.user)
        )
    attended(counsellor)  # a December session, never in November's sample
    return records


def test_the_monthly_sample_is_reproducible_logged_and_grants_the_drawer_its_records(
    clock, counsellor, november_records, supervisor
):
    first = spot_check_sample_draw(counsellor=counsellor, month=NOVEMBER, size=3, actor=supervisor)
    clock.move_to(NOW + datetime.timedelta(hours=1))
    again = spot_check_sample_draw(
        counsellor=counsellor, month=datetime.date(2026, 11, 17), size=3, actor=supervisor
    )

    drawn = sorted(first.records.values_list("pk", flat=True))
    assert len(drawn) == 3
    assert sorted(again.records.values_list("pk", flat=True)) == drawn
    assert set(drawn) <= {record.pk for record in november_records}
    assert list(
        SpotCheckSample.objects.order_by("drawn_at").values_list("drawn_by", "drawn_at", "month", "seed")
    ) == [
        (supervisor.pk, NOW, NOVEMBER, f"{counsellor.pk}:2026-11"),
        (supervisor.pk, NOW + datetime.timedelta(hours=1), NOVEMBER, f"{counsellor.pk}:2026-11"),
    ]
    # one grant per record drawn, not one per draw
    assert sorted(RecordGrant.objects.values_list("record", flat=True)) == drawn
    record, purpose = record_get_for_reading(user=supervisor, pk=drawn[0])
    assert record.pk == drawn[0] and "2026-11" in purpose
    undrawn = next(record for record in november_records if record.pk not in drawn)
    with pytest.raises(Http404):
        record_get_for_reading(user=supervisor, pk=undrawn.pk)

    clock.move_to(NOW + datetime.timedelta(days=31))
    with pytest.raises(Http404):
        record_get_for_reading(user=supervisor, pk=drawn[0])


def test_a_sample_of_another_counsellor_or_month_differs_and_strangers_cannot_draw(
    clock, counsellor, november_records, supervisor
):
    with pytest.raises(CounsellingPermissionDenied):
        spot_check_sample_draw(counsellor=counsellor, month=NOVEMBER, actor=counsellor.user)
    with pytest.raises(CounsellingPermissionDenied):
        spot_check_sample_draw(counsellor=counsellor, month=NOVEMBER, actor=StaffFactory(roles=[Role.AGENT]))
    with pytest.raises(CounsellingRuleViolation):
        spot_check_sample_draw(counsellor=counsellor, month=datetime.date(2027, 1, 1), actor=supervisor)
    with pytest.raises(CounsellingRuleViolation):
        spot_check_sample_draw(counsellor=counsellor, month=NOVEMBER, size=0, actor=supervisor)
    assert not SpotCheckSample.objects.exists() and not RecordGrant.objects.exists()


def test_findings_are_recorded_by_the_drawer_once_and_count_in_the_review(
    clock, counsellor, november_records, supervisor, manager
):
    sample = spot_check_sample_draw(counsellor=counsellor, month=NOVEMBER, size=2, actor=supervisor)
    record = sample.records.first()
    with pytest.raises(CounsellingPermissionDenied):
        spot_check_finding_record(sample=sample, record=record, outcome="minor", note="格式", actor=manager)
    with pytest.raises(CounsellingRuleViolation):
        spot_check_finding_record(sample=sample, record=record, outcome="serious", note="", actor=supervisor)
    spot_check_finding_record(
        sample=sample, record=record, outcome="serious", note="未记录风险评估", actor=supervisor
    )
    with pytest.raises(AppointmentMoveNotAllowed):
        spot_check_finding_record(sample=sample, record=record, outcome="minor", note="再", actor=supervisor)

    review = counsellor_review_record(
        counsellor=counsellor,
        period_start=datetime.date(2026, 11, 1),
        period_end=datetime.date(2026, 12, 31),
        decision=ReviewDecision.IMPROVE,
        notes="需改进风险评估记录",
        actor=manager,
    )

    assert SpotCheckFinding.objects.count() == 1
    assert review.figures["attended"] == 11
    assert review.figures["findings_serious"] == 1
    assert review.figures["complaints"] == 0
    assert review.figures["ratings"] == 0 and review.figures["rating_mean"] is None
    with pytest.raises(CounsellingPermissionDenied):
        counsellor_review_record(
            counsellor=counsellor,
            period_start=NOVEMBER,
            period_end=NOVEMBER,
            decision=ReviewDecision.CONTINUE,
            notes="x",
            actor=supervisor,
        )
    assert CounsellorReview.objects.count() == 1


def test_an_experts_assessment_is_recorded_by_a_manager(clock, counsellor, manager, supervisor):
    values = {
        "counsellor": counsellor,
        "expert_name": "王教授",
        "expert_affiliation": "北京师范大学心理学部",
        "assessed_on": datetime.date(2026, 12, 1),
        "assessment": "个案概念化清晰",
        "recommendation": ReviewDecision.CONTINUE,
    }
    with pytest.raises(CounsellingPermissionDenied):
        expert_assessment_record(actor=supervisor, **values)
    with pytest.raises(CounsellingRuleViolation):
        expert_assessment_record(actor=manager, **{**values, "assessed_on": datetime.date(2027, 1, 1)})
    assert expert_assessment_record(actor=manager, **values).recorded_by == manager


def test_a_suspension_hides_the_counsellor_at_once_and_cancels_the_sessions_within_it(
    clock, counsellor, client_user, manager
):
    inside = AppointmentFactory(counsellor=counsellor, client=client_user)  # tomorrow
    later = AppointmentFactory(
        counsellor=counsellor,
        starts_at=at(20, 10),
        ends_at=at(20, 10, 50),
        blocked_from=at(20, 10),
        blocked_until=at(20, 11),
    )
    browser = Client()
    browser.force_login(client_user)
    assert counsellor in counsellors_bookable()

    penalty = counsellor_penalty_impose(
        counsellor=counsellor,
        kind=PenaltyKind.SUSPENSION,
        reason="多次投诉经查属实",
        ends_at=NOW + datetime.timedelta(days=14),
        actor=manager,
    )

    assert counsellor not in counsellors_bookable()
    assert browser.get(f"/counselling/counsellors/{counsellor.pk}/").status_code == 404
    assert counsellor.public_name not in browser.get("/counselling/").content.decode()
    inside.refresh_from_db()
    later.refresh_from_db()
    assert inside.state == State.CANCELLED_BY_COUNSELLOR and inside.no_show_kind == ""
    assert later.state == State.CONFIRMED
    assert Notification.objects.filter(
        kind="counselling_counsellor_unavailable", recipient=client_user
    ).exists()
    assert Notification.objects.filter(kind="counselling_penalty", recipient=counsellor.user).exists()

    clock.move_to(NOW + datetime.timedelta(days=14))
    assert counsellor in counsellors_bookable()
    assert penalty.in_force_at(NOW) and not penalty.in_force_at(NOW + datetime.timedelta(days=14))


def test_a_warning_changes_no_booking_and_the_counsellor_replies_once(clock, counsellor, manager):
    with pytest.raises(CounsellingRuleViolation):
        counsellor_penalty_impose(
            counsellor=counsellor, kind=PenaltyKind.SUSPENSION, reason="x", actor=manager
        )
    with pytest.raises(CounsellingPermissionDenied):
        counsellor_penalty_impose(
            counsellor=counsellor, kind=PenaltyKind.WARNING, reason="x", actor=counsellor.user
        )
    penalty = counsellor_penalty_impose(
        counsellor=counsellor, kind=PenaltyKind.WARNING, reason="记录不及时", actor=manager
    )
    assert counsellor in counsellors_bookable()

    browser = Client()
    browser.force_login(counsellor.user)
    assert "记录不及时" in browser.get("/counselling/penalties/").content.decode()
    assert browser.post(f"/counselling/penalties/{penalty.pk}/reply/", {"text": ""}).status_code == 400
    assert browser.post(f"/counselling/penalties/{penalty.pk}/reply/", {"text": "已改进"}).status_code == 302
    with pytest.raises(AppointmentMoveNotAllowed):
        counsellor_penalty_reply(penalty=penalty, text="再次", actor=counsellor.user)
    with pytest.raises(CounsellingPermissionDenied):
        counsellor_penalty_reply(penalty=penalty, text="再次", actor=CounsellorFactory().user)
    assert CounsellorPenalty.objects.get().reply == "已改进"


def test_a_removal_has_no_end_and_cancels_every_future_session(clock, counsellor, manager):
    later = AppointmentFactory(
        counsellor=counsellor,
        starts_at=at(60, 10),
        ends_at=at(60, 10, 50),
        blocked_from=at(60, 10),
        blocked_until=at(60, 11),
    )
    penalty = counsellor_penalty_impose(
        counsellor=counsellor,
        kind=PenaltyKind.REMOVAL,
        reason="严重违反伦理",
        ends_at=NOW + datetime.timedelta(days=1),
        actor=manager,
    )
    later.refresh_from_db()
    assert penalty.ends_at is None and later.state == State.CANCELLED_BY_COUNSELLOR
    assert counsellor not in counsellors_bookable()


def test_a_complaint_about_a_counsellor_names_them_as_its_subject_and_they_cannot_read_it(clock, counsellor):
    from complaints.models import Complaint
    from privacy import policy

    session = attended(counsellor)
    browser = Client()
    browser.force_login(session.client)
    assert (
        browser.post(f"/counselling/appointments/{session.reference}/complaint/", {"title": ""}).status_code
        == 400
    )
    assert not Complaint.objects.exists()

    response = browser.post(
        f"/counselling/appointments/{session.reference}/complaint/",
        {"title": "咨询中途接听私人电话", "description": "第二次咨询时咨询师多次接听电话"},
    )

    complaint = Complaint.objects.get()
    assert response.status_code == 302
    assert (complaint.category.code, complaint.subject_staff, complaint.complainant) == (
        "counselling",
        counsellor.user,
        session.client,
    )
    assert not policy.can(counsellor.user, policy.VIEW, complaint)
    manager = StaffFactory(roles=[Role.MANAGER])
    review = counsellor_review_record(
        counsellor=counsellor,
        period_start=datetime.date(2026, 12, 1),
        period_end=datetime.date(2026, 12, 31),
        decision=ReviewDecision.CONTINUE,
        notes="已约谈",
        actor=manager,
    )
    assert review.figures["complaints"] == 1


def test_a_suspension_that_begins_later_refuses_holds_within_it(clock, counsellor, client_user, manager):
    from counseling.errors import SlotUnavailable
    from counseling.services import appointment_hold

    counsellor_penalty_impose(
        counsellor=counsellor,
        kind=PenaltyKind.SUSPENSION,
        reason="停诊整改",
        starts_at=at(3, 0),
        ends_at=at(6, 0),
        actor=manager,
    )
    assert counsellor in counsellors_bookable()  # not yet begun

    with pytest.raises(SlotUnavailable):
        appointment_hold(counsellor=counsellor, starts_at=at(4, 10), actor=client_user)
    assert appointment_hold(counsellor=counsellor, starts_at=at(1, 10), actor=client_user).state == State.HELD
