"""The supervision screens of the admin: rows added through their services, refusals next to the field, the
safety officer's actions, and lists at a fixed number of queries."""

import datetime

import pytest
from django.test import Client

from accounts.roles import Role
from accounts.tests.factories import StaffFactory
from counseling.models import RecordGrant, RiskFlag, SafetyCase, SafetyCaseState, SpotCheckSample
from counseling.services import session_record_write

from .conftest import NOW
from .test_records import attended


def staff(*roles) -> tuple:
    person = StaffFactory(roles=list(roles))
    browser = Client()
    browser.force_login(person)
    browser.cookies["django_language"] = "en"
    return person, browser


def test_a_manager_grants_through_the_add_form_and_a_refusal_shows_next_to_its_field(clock, counsellor):
    manager, browser = staff(Role.MANAGER)
    supervisor = StaffFactory(roles=[Role.SUPERVISOR])
    data = {
        "supervisor": supervisor.pk,
        "counsellor": counsellor.pk,
        "valid_from_0": "2026-12-07",
        "valid_from_1": "09:00",
        "valid_until_0": "2027-06-07",
        "valid_until_1": "09:00",
        "purpose": "投诉核查",
    }

    refused = browser.post("/admin/counseling/recordgrant/add/", data)
    assert refused.status_code == 200
    assert refused.context["adminform"].form.errors["valid_until"] == ["A grant lasts at most 92 days."]
    assert not RecordGrant.objects.exists()

    saved = browser.post("/admin/counseling/recordgrant/add/", {**data, "valid_until_0": "2026-12-21"})
    assert saved.status_code == 302
    grant = RecordGrant.objects.get()
    assert (grant.supervisor, grant.granted_by, grant.purpose) == (supervisor, manager, "投诉核查")


def test_a_supervisor_draws_the_monthly_sample_in_the_admin(clock, counsellor):
    supervisor, browser = staff(Role.SUPERVISOR)
    session_record_write(appointment=attended(counsellor), notes="记录", actor=counsellor.user)

    response = browser.post(
        "/admin/counseling/spotchecksample/add/",
        {"counsellor": counsellor.pk, "month": "2026-12-01", "size": 3},
    )

    assert response.status_code == 302
    sample = SpotCheckSample.objects.get()
    assert (sample.drawn_by, sample.records.count()) == (supervisor, 1)
    assert RecordGrant.objects.get().sample == sample


def test_the_safety_officer_works_a_case_with_the_admins_actions(clock, counsellor):
    officer, browser = staff(Role.SAFETY_OFFICER)
    session_record_write(
        appointment=attended(counsellor),
        notes="绝密笔记内容",
        risk_flag=RiskFlag.SELF_HARM,
        actor=counsellor.user,
    )
    case = SafetyCase.objects.get()
    url = "/admin/counseling/safetycase/"

    browser.post(url, {"action": "acknowledge", "_selected_action": [case.pk], "note": ""})
    browser.post(url, {"action": "follow_up", "_selected_action": [case.pk], "note": "已联系"})
    clock.move_to(NOW + datetime.timedelta(hours=1))
    browser.post(url, {"action": "close", "_selected_action": [case.pk], "note": "风险解除"})

    case.refresh_from_db()
    assert (case.state, case.handler, case.follow_up, case.close_note) == (
        SafetyCaseState.CLOSED,
        officer,
        "已联系",
        "风险解除",
    )
    page = browser.get(f"{url}{case.pk}/change/")
    assert page.status_code == 200
    assert "已联系" in page.content.decode() and "绝密笔记内容" not in page.content.decode()


@pytest.mark.parametrize("size", [1, 4])
def test_the_safety_case_list_costs_a_fixed_number_of_queries(db, clock, django_assert_num_queries, size):
    from .factories import CounsellorFactory

    _officer, browser = staff(Role.SAFETY_OFFICER)
    for _ in range(size):
        counsellor = CounsellorFactory()
        session_record_write(
            appointment=attended(counsellor),
            notes="记录",
            risk_flag=RiskFlag.SELF_HARM,
            actor=counsellor.user,
        )
    browser.get("/admin/counseling/safetycase/")
    with django_assert_num_queries(10):  # the same for 1 case as for 4
        response = browser.get("/admin/counseling/safetycase/")
    assert response.status_code == 200
