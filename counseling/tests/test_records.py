"""Session records: written by the counsellor after an attended session, encrypted at rest and never logged;
read by the counsellor and, through a time-limited grant only, by a supervisor, each read in the access log
with its purpose and on the client's "My data"; a risk flag's safety case under its SLA clock; the rating
after a session, never asked of a client flagged at risk."""

import datetime
import logging

import pytest
from django.db import connection
from django.test import Client

from accounts.roles import Role
from accounts.tests.factories import StaffFactory
from counseling.errors import AppointmentMoveNotAllowed, CounsellingPermissionDenied, CounsellingRuleViolation
from counseling.models import (
    Intake,
    RatingRequest,
    RecordGrant,
    RiskFlag,
    SafetyCase,
    SafetyCaseState,
    SessionRecord,
    State,
)
from counseling.services import (
    appointment_rate,
    counselling_sweep,
    intake_answer,
    record_grant_create,
    safety_case_acknowledge,
    safety_case_close,
    safety_case_follow_up,
    session_record_write,
)
from notifications.models import Notification
from privacy.models import AccessLogEntry
from ratings.errors import AlreadyRated
from ratings.selectors import summary_published
from ratings.services import ratings_refresh
from sla.models import Escalation, Target
from sla.services import sla_sweep

from .conftest import NOW, at
from .factories import AppointmentFactory, ClientFactory, CounsellorFactory

SECRET = "来访者谈到考试焦虑和失眠，约定下次练习放松训练"


def attended(counsellor, client=None, *, day=-1, hour=10):
    return AppointmentFactory(
        counsellor=counsellor,
        state=State.COMPLETED,
        starts_at=at(day, hour),
        ends_at=at(day, hour, 50),
        blocked_from=at(day, hour),
        blocked_until=at(day, hour + 1),
        completed_at=at(day, hour, 50),
        **({"client": client} if client else {}),
    )


def logged_in(user) -> Client:
    browser = Client()
    browser.force_login(user)
    return browser


@pytest.fixture
def record(clock, counsellor):
    appointment = attended(counsellor)
    return session_record_write(appointment=appointment, notes=SECRET, actor=counsellor.user)


@pytest.fixture
def supervisor(db):
    return StaffFactory(roles=[Role.SUPERVISOR])


@pytest.fixture
def manager(db):
    return StaffFactory(roles=[Role.MANAGER])


def grant(record, supervisor, manager, *, hours=24, purpose="季度督导抽查"):
    return record_grant_create(
        supervisor=supervisor,
        counsellor=record.counsellor,
        valid_from=NOW,
        valid_until=NOW + datetime.timedelta(hours=hours),
        purpose=purpose,
        actor=manager,
    )


# --- Reading and the access log ---------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/counselling/records/{pk}/", "/api/v1/counselling/records/{pk}/"])
def test_a_supervisor_without_a_grant_gets_404_and_leaves_no_log_row(record, supervisor, url):
    response = logged_in(supervisor).get(url.format(pk=record.pk))

    assert response.status_code == 404
    assert SECRET not in response.content.decode()
    assert not AccessLogEntry.objects.exists()


@pytest.mark.parametrize("url", ["/counselling/records/{pk}/", "/api/v1/counselling/records/{pk}/"])
def test_with_a_grant_each_read_writes_exactly_one_log_row_with_its_purpose(record, supervisor, manager, url):
    grant(record, supervisor, manager)
    browser = logged_in(supervisor)

    first = browser.get(url.format(pk=record.pk))
    assert first.status_code == 200
    assert SECRET in first.content.decode()
    assert list(AccessLogEntry.objects.values_list("actor", "subject", "reason", "object_id")) == [
        (supervisor.pk, record.client_id, "季度督导抽查", str(record.pk))
    ]

    browser.get(url.format(pk=record.pk))
    assert AccessLogEntry.objects.count() == 2


def test_an_expired_or_revoked_grant_is_a_404_again(clock, record, supervisor, manager):
    given = grant(record, supervisor, manager, hours=2)
    browser = logged_in(supervisor)
    assert browser.get(f"/counselling/records/{record.pk}/").status_code == 200

    clock.move_to(NOW + datetime.timedelta(hours=2))
    assert browser.get(f"/counselling/records/{record.pk}/").status_code == 404
    assert AccessLogEntry.objects.count() == 1

    clock.move_to(NOW)
    RecordGrant.objects.filter(pk=given.pk).update(revoked_at=NOW)
    assert browser.get(f"/counselling/records/{record.pk}/").status_code == 404
    assert AccessLogEntry.objects.count() == 1


def test_a_grant_of_one_record_reaches_that_record_only(clock, counsellor, supervisor, manager):
    first = session_record_write(appointment=attended(counsellor), notes="一", actor=counsellor.user)
    second = session_record_write(appointment=attended(counsellor, day=-2), notes="二", actor=counsellor.user)
    record_grant_create(
        supervisor=supervisor,
        record=first,
        valid_from=NOW,
        valid_until=NOW + datetime.timedelta(days=1),
        purpose="投诉核查",
        actor=manager,
    )
    browser = logged_in(supervisor)

    assert browser.get(f"/counselling/records/{first.pk}/").status_code == 200
    assert browser.get(f"/counselling/records/{second.pk}/").status_code == 404


def test_the_desk_and_other_counsellors_never_read_a_record(record):
    for reader in (StaffFactory(roles=[Role.LEADERSHIP]), CounsellorFactory().user, record.client):
        assert logged_in(reader).get(f"/counselling/records/{record.pk}/").status_code == 404
    assert not AccessLogEntry.objects.exists()


def test_the_client_sees_each_read_with_its_purpose_on_my_data(record, supervisor, manager):
    grant(record, supervisor, manager, purpose="月度抽查：记录规范性")
    logged_in(supervisor).get(f"/counselling/records/{record.pk}/")
    logged_in(record.counsellor.user).get(f"/counselling/schedule/{record.appointment.reference}/record/")

    page = logged_in(record.client).get("/privacy/my-data/").content.decode()

    assert "月度抽查：记录规范性" in page
    assert "由来访者本人的咨询师阅读" in page  # the counsellor's own read, with its purpose
    assert AccessLogEntry.objects.filter(subject=record.client).count() == 2


def test_grants_are_given_by_managers_to_supervisors_with_a_purpose_and_a_limit(record, supervisor, manager):
    def attempt(**changes):
        values = {
            "supervisor": supervisor,
            "counsellor": record.counsellor,
            "valid_from": NOW,
            "valid_until": NOW + datetime.timedelta(days=1),
            "purpose": "抽查",
            "actor": manager,
            **changes,
        }
        return record_grant_create(**values)

    with pytest.raises(CounsellingPermissionDenied):
        attempt(actor=supervisor)
    for changes, field in [
        ({"purpose": " "}, "purpose"),
        ({"valid_until": NOW}, "valid_until"),
        ({"valid_until": NOW + datetime.timedelta(days=93)}, "valid_until"),
        ({"supervisor": record.client}, "supervisor"),
        ({"supervisor": manager}, "supervisor"),
        ({"record": record}, "counsellor"),
    ]:
        with pytest.raises(CounsellingRuleViolation) as refused:
            attempt(**changes)
        assert refused.value.field == field
    assert not RecordGrant.objects.exists()


# --- Encryption and logs ----------------------------------------------------------------------------------


def test_the_record_and_the_intake_are_not_in_the_database_in_clear_nor_in_any_log(
    clock, counsellor, client_user, caplog, supervisor, manager
):
    caplog.set_level(logging.DEBUG)
    upcoming = AppointmentFactory(counsellor=counsellor, client=client_user)
    intake_answer(appointment=upcoming, concern="最近总是失眠" + SECRET, actor=client_user)
    record = session_record_write(
        appointment=attended(counsellor, client_user), notes=SECRET, actor=counsellor.user
    )
    grant(record, supervisor, manager)
    logged_in(supervisor).get(f"/counselling/records/{record.pk}/")
    logged_in(counsellor.user).post(
        f"/counselling/schedule/{record.appointment.reference}/record/", {"notes": SECRET + "长" * 20001}
    )

    with connection.cursor() as cursor:
        cursor.execute("SELECT notes FROM counseling_sessionrecord")
        (stored,) = cursor.fetchone()
        cursor.execute("SELECT concern FROM counseling_intake")
        (concern,) = cursor.fetchone()
    assert SECRET not in stored and "失眠" not in concern
    assert SessionRecord.objects.get().notes == SECRET
    assert SECRET not in caplog.text and "失眠" not in caplog.text


def test_only_the_sessions_counsellor_writes_a_record_of_an_attended_session(clock, counsellor, desk):
    upcoming = AppointmentFactory(counsellor=counsellor)
    with pytest.raises(AppointmentMoveNotAllowed):
        session_record_write(appointment=upcoming, notes=SECRET, actor=counsellor.user)
    appointment = attended(counsellor)
    for actor in (desk, appointment.client, CounsellorFactory().user):
        with pytest.raises(CounsellingPermissionDenied):
            session_record_write(appointment=appointment, notes=SECRET, actor=actor)
    with pytest.raises(CounsellingRuleViolation):
        session_record_write(appointment=appointment, notes="  ", actor=counsellor.user)
    with pytest.raises(CounsellingRuleViolation):
        session_record_write(appointment=appointment, notes="x", risk_flag="maybe", actor=counsellor.user)
    assert not SessionRecord.objects.exists()
    assert not SafetyCase.objects.exists()
    assert not Notification.objects.exists()


def test_the_record_page_refuses_bad_input_next_to_the_field_and_stores_nothing(clock, counsellor):
    appointment = attended(counsellor)
    browser = logged_in(counsellor.user)
    response = browser.post(f"/counselling/schedule/{appointment.reference}/record/", {"notes": ""})
    assert response.status_code == 400
    assert response.context["form"].errors["notes"]
    response = browser.post(
        f"/counselling/schedule/{appointment.reference}/record/", {"notes": "可以", "risk_flag": "x"}
    )
    assert response.context["form"].errors["risk_flag"]
    assert not SessionRecord.objects.exists()


# --- The risk flag ----------------------------------------------------------------------------------------


@pytest.fixture
def safety_officer(db):
    return StaffFactory(roles=[Role.SAFETY_OFFICER])


def test_a_risk_flag_tells_the_safety_officer_once_and_starts_the_cases_clock(
    clock, counsellor, safety_officer
):
    leader = StaffFactory(roles=[Role.LEADERSHIP])
    appointment = attended(counsellor)

    record = session_record_write(
        appointment=appointment, notes=SECRET, risk_flag=RiskFlag.SELF_HARM, actor=counsellor.user
    )
    session_record_write(appointment=appointment, notes=SECRET + "补充", actor=counsellor.user)

    case = SafetyCase.objects.get()
    assert (case.record, case.client, case.risk, case.state) == (
        record,
        appointment.client,
        RiskFlag.SELF_HARM,
        SafetyCaseState.OPEN,
    )
    notices = Notification.objects.filter(kind="counselling_safety_case", channel="in_app")
    assert list(notices.values_list("recipient", "context")) == [
        (safety_officer.pk, {"reference": case.reference})
    ]
    assert SECRET not in str(list(Notification.objects.values_list("context", flat=True)))
    assert SessionRecord.objects.get().risk_flag == RiskFlag.SELF_HARM  # amending keeps the flag

    # The follow-up is due within 4 hours; its warning at 75 % (3 hours), each once across sweeps.
    clock.move_to(NOW + datetime.timedelta(hours=3, minutes=1))
    sla_sweep()
    sla_sweep()
    clock.move_to(NOW + datetime.timedelta(hours=4, minutes=1))
    sla_sweep()
    sla_sweep()
    escalations = sorted(Escalation.objects.values_list("target", "level"))
    assert escalations == [
        (Target.ACKNOWLEDGE, "breach"),
        (Target.ACKNOWLEDGE, "leadership"),
        (Target.ACKNOWLEDGE, "warning"),
        (Target.FIRST_RESPONSE, "breach"),
        (Target.FIRST_RESPONSE, "leadership"),
        (Target.FIRST_RESPONSE, "warning"),
    ]
    told = Notification.objects.filter(kind__startswith="counselling_safety_sla", channel="in_app")
    assert told.filter(recipient=leader).count() == 2
    assert told.filter(recipient=safety_officer, kind="counselling_safety_sla_breach").count() == 2
    assert case.events.filter(kind="escalation").count() == 6


def test_the_safety_officer_acknowledges_follows_up_and_closes_and_the_clocks_stop(
    clock, counsellor, safety_officer
):
    appointment = attended(counsellor)
    session_record_write(
        appointment=appointment, notes=SECRET, risk_flag=RiskFlag.HARM_TO_OTHERS, actor=counsellor.user
    )
    case = SafetyCase.objects.get()
    with pytest.raises(CounsellingPermissionDenied):
        safety_case_acknowledge(case=case, actor=counsellor.user)
    with pytest.raises(AppointmentMoveNotAllowed):
        safety_case_close(case=case, note="结束", actor=safety_officer)

    case = safety_case_acknowledge(case=case, actor=safety_officer)
    with pytest.raises(CounsellingRuleViolation):
        safety_case_follow_up(case=case, note="", actor=safety_officer)
    case = safety_case_follow_up(case=case, note="已电话联系来访者及其紧急联系人", actor=safety_officer)
    case = safety_case_close(case=case, note="风险解除，转介完成", actor=safety_officer)

    assert case.state == SafetyCaseState.CLOSED and case.handler == safety_officer
    clock.move_to(NOW + datetime.timedelta(days=5))
    assert sla_sweep().warnings == 0
    assert not Escalation.objects.exists()
    assert [event.kind for event in case.events.order_by("pk")] == [
        "opened",
        "acknowledge",
        "follow_up",
        "close",
    ]


# --- Ratings ----------------------------------------------------------------------------------------------


def test_ratings_stay_hidden_below_five_and_are_shown_once_enough_are_folded(clock, counsellor):
    appointments = [attended(counsellor, day=-day) for day in range(1, 8)]
    for appointment, score in zip(appointments[:4], (5, 4, 5, 3), strict=True):
        appointment_rate(appointment=appointment, score=score, actor=appointment.client)
    ratings_refresh()
    assert summary_published(counsellor) is None
    viewer = logged_in(ClientFactory())
    assert "/ 5" not in viewer.get(f"/counselling/counsellors/{counsellor.pk}/").content.decode()

    for appointment in appointments[4:]:
        appointment_rate(appointment=appointment, score=4, actor=appointment.client)
    ratings_refresh()

    assert summary_published(counsellor).count == 7
    assert "4.14" in viewer.get(f"/counselling/counsellors/{counsellor.pk}/").content.decode()
    assert "4.14" in viewer.get("/counselling/").content.decode()
    with pytest.raises(AlreadyRated):
        appointment_rate(appointment=appointments[0], score=1, actor=appointments[0].client)


def test_a_client_with_a_flagged_session_gets_no_rating_request_and_no_rate_form(clock, counsellor):
    flagged = attended(counsellor)
    other = attended(counsellor, day=-2)
    session_record_write(
        appointment=flagged, notes=SECRET, risk_flag=RiskFlag.SELF_HARM, actor=counsellor.user
    )
    clock.move_to(NOW + datetime.timedelta(hours=3))

    counselling_sweep()
    counselling_sweep()

    assert list(RatingRequest.objects.values_list("appointment", flat=True)) == [other.pk]
    asked = Notification.objects.filter(kind="counselling_rate", channel="in_app")
    assert list(asked.values_list("recipient", flat=True)) == [other.client_id]
    page = logged_in(flagged.client).get(f"/counselling/appointments/{flagged.reference}/")
    assert page.context["may_rate"] is False
    assert logged_in(other.client).get(f"/counselling/appointments/{other.reference}/").context["may_rate"]
    with pytest.raises(AppointmentMoveNotAllowed):
        appointment_rate(appointment=flagged, score=5, actor=flagged.client)
    response = logged_in(flagged.client).post(
        f"/counselling/appointments/{flagged.reference}/rate/", {"score": 5}
    )
    assert response.status_code == 400


def test_the_rate_form_refuses_a_bad_score_next_to_the_field(clock, counsellor):
    appointment = attended(counsellor)
    response = logged_in(appointment.client).post(
        f"/counselling/appointments/{appointment.reference}/rate/", {"score": 9}
    )
    assert response.status_code == 400
    assert response.context["rate_form"].errors["score"]


# --- Intake -----------------------------------------------------------------------------------------------


def test_the_client_answers_the_intake_before_the_session_and_the_counsellor_reads_it_logged(
    clock, counsellor, client_user
):
    upcoming = AppointmentFactory(counsellor=counsellor, client=client_user)
    response = logged_in(client_user).post(
        f"/counselling/appointments/{upcoming.reference}/intake/", {"concern": "考试前总是焦虑"}
    )
    assert response.status_code == 302
    with pytest.raises(CounsellingPermissionDenied):
        intake_answer(appointment=upcoming, concern="x", actor=counsellor.user)
    clock.move_to(upcoming.starts_at)
    with pytest.raises(AppointmentMoveNotAllowed):
        intake_answer(appointment=upcoming, concern="改", actor=client_user)
    assert Intake.objects.get().concern == "考试前总是焦虑"

    AppointmentFactory._meta.model.objects.filter(pk=upcoming.pk).update(state=State.COMPLETED)
    page = logged_in(counsellor.user).get(f"/counselling/schedule/{upcoming.reference}/record/")

    assert "考试前总是焦虑" in page.content.decode()
    assert AccessLogEntry.objects.filter(subject=client_user, fields=["intake"]).count() == 1


def test_the_records_list_costs_a_fixed_number_of_queries(
    clock, counsellor, supervisor, manager, django_assert_num_queries
):
    records = [
        session_record_write(appointment=attended(counsellor, day=-day), notes=SECRET, actor=counsellor.user)
        for day in range(1, 4)
    ]
    grant(records[0], supervisor, manager)
    browser = logged_in(supervisor)
    browser.get("/counselling/records/")  # the session and the policy's first reads
    with django_assert_num_queries(9):  # session, user, device, policy, reach, count, roles, inbox, rows
        response = browser.get("/counselling/records/")
    assert len(response.context["page"].object_list) == 3
    assert SECRET not in response.content.decode()


def test_the_clients_export_holds_their_appointments_and_intake_but_not_the_notes(
    clock, counsellor, client_user
):
    import io
    import json
    import zipfile

    from privacy.services import personal_data_export

    upcoming = AppointmentFactory(counsellor=counsellor, client=client_user)
    intake_answer(appointment=upcoming, concern="考试焦虑", actor=client_user)
    session_record_write(appointment=attended(counsellor, client_user), notes=SECRET, actor=counsellor.user)

    archive = zipfile.ZipFile(io.BytesIO(personal_data_export(user=client_user)))
    document = json.loads(archive.read("personal-data.json"))

    part = document["counselling"]
    assert [row["concern"] for row in part["intake_answers"]] == ["考试焦虑"]
    assert sorted(row["session_record_kept"] for row in part["appointments"]) == [False, True]
    assert SECRET not in json.dumps(document, ensure_ascii=False)


@pytest.mark.parametrize("count", [1, 4])
def test_the_record_and_penalty_lists_cost_the_same_whatever_their_length(
    clock, counsellor, manager, django_assert_num_queries, count
):
    from counseling.models import CounsellorPenalty

    for day in range(1, count + 1):
        session_record_write(appointment=attended(counsellor, day=-day), notes=SECRET, actor=counsellor.user)
        CounsellorPenalty.objects.create(
            counsellor=counsellor, kind="warning", reason="记录不及时", starts_at=NOW, imposed_by=manager
        )
    browser = logged_in(counsellor.user)
    for url, queries in [
        ("/api/v1/counselling/records/", 5),
        ("/api/v1/counselling/penalties/", 5),
        ("/counselling/penalties/", 7),
    ]:
        browser.get(url)
        with django_assert_num_queries(queries):
            response = browser.get(url)
        assert response.status_code == 200, url


def test_the_counsellor_answers_a_published_comment_once_in_public(clock, counsellor):
    from ratings.models import CommentState, Rating

    appointment = attended(counsellor)
    rating = appointment_rate(appointment=appointment, score=4, comment="很耐心", actor=appointment.client)
    browser = logged_in(counsellor.user)
    assert browser.post(f"/counselling/comments/{rating.pk}/reply/", {"text": "谢谢"}).status_code == 404

    Rating.objects.filter(pk=rating.pk).update(comment_state=CommentState.PUBLISHED, moderated_at=NOW)
    assert "很耐心" in browser.get("/counselling/comments/").content.decode()
    assert browser.post(f"/counselling/comments/{rating.pk}/reply/", {"text": ""}).status_code == 400
    assert (
        browser.post(f"/counselling/comments/{rating.pk}/reply/", {"text": "谢谢您的反馈"}).status_code == 302
    )
    again = browser.post(f"/counselling/comments/{rating.pk}/reply/", {"text": "再次"})
    assert again.status_code == 400
    assert Rating.objects.get().reply == "谢谢您的反馈"
    page = logged_in(ClientFactory()).get(f"/counselling/counsellors/{counsellor.pk}/").content.decode()
    assert "谢谢您的反馈" in page
    other = logged_in(CounsellorFactory().user)
    assert other.post(f"/counselling/comments/{rating.pk}/reply/", {"text": "x"}).status_code == 404
