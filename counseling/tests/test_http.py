"""The counselling pages and REST API through their real URLs: who gets 200, 404 or 409; a refused booking
changes nothing and queues nothing; the photo is served with its checked type; every list costs the same
queries for 2 rows as for 10."""

import datetime
import re

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from accounts.roles import Role
from accounts.tests.factories import LearnerFactory, StaffFactory, UserFactory
from complaints.tests.evidence_files import jpeg_image, png_image
from core.models import ReferenceCounter
from counseling.models import Appointment, AppointmentEvent, Counsellor, State
from counseling.services import MAX_OPEN_HOLDS, appointment_confirm, appointment_hold
from notifications.models import Notification

from .conftest import at
from .factories import AppointmentFactory, ClientFactory, CounsellorFactory

pytestmark = pytest.mark.django_db

API = "/api/v1/counselling"


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def written() -> dict:
    """Everything a booking writes: appointments as they stand, their events, notices, reference counters."""
    return {
        "appointments": sorted(Appointment.objects.values_list("pk", "state", "client_id", "starts_at")),
        "events": AppointmentEvent.objects.count(),
        "notices": sorted(Notification.objects.values_list("pk", "kind", "state")),
        "counters": sorted(ReferenceCounter.objects.values_list("prefix", "year", "last_number")),
    }


def offered(moment: datetime.datetime) -> str:
    """How the counsellor's page names a free slot in its booking form."""
    return f'name="starts_at" value="{moment.astimezone(datetime.UTC).isoformat()}"'


def book_form(counsellor, starts_at) -> dict:
    return {"counsellor": counsellor.pk, "starts_at": starts_at.isoformat()}


# --- Booking on the pages -----------------------------------------------------------------------------------


def test_a_client_finds_holds_and_confirms_on_the_pages(clock, counsellor, client_user):
    client = logged_in(client_user)
    found = client.get("/counselling/", {"speciality": "anxiety"})
    assert found.status_code == 200 and counsellor.public_name in found.content.decode()
    page = client.get(f"/counselling/counsellors/{counsellor.pk}/")
    assert page.status_code == 200 and offered(at(1, 10)) in page.content.decode()

    held = client.post("/counselling/book/", book_form(counsellor, at(1, 10)))

    appointment = Appointment.objects.get()
    assert (appointment.state, appointment.client, appointment.starts_at) == (
        State.HELD,
        client_user,
        at(1, 10),
    )
    assert (
        held.status_code == 302 and held["Location"] == f"/counselling/appointments/{appointment.reference}/"
    )
    assert not Notification.objects.exists()
    confirmed = client.post(f"/counselling/appointments/{appointment.reference}/confirm/")
    assert confirmed.status_code == 302
    appointment.refresh_from_db()
    assert appointment.state == State.CONFIRMED
    assert set(Notification.objects.values_list("recipient_id", "kind")) >= {
        (client_user.pk, "counselling_confirmed"),
        (counsellor.user_id, "counselling_booked"),
    }
    # the slot is no longer offered
    assert (
        at(1, 10).isoformat() not in client.get(f"/counselling/counsellors/{counsellor.pk}/").content.decode()
    )


def _hold_twice(counsellor, client_user):
    for hour in (11, 12)[:MAX_OPEN_HOLDS]:
        appointment_hold(counsellor=counsellor, starts_at=at(1, hour), actor=client_user)


@pytest.mark.parametrize(
    ("case", "status", "code"),
    [
        ("taken by another client", 409, "slot_taken"),
        ("never offered", 400, "slot_unavailable"),
        ("a learner without a verified identity", 403, "identity_required"),
        ("a third hold at once", 409, "too_many_holds"),
    ],
)
def test_a_refused_booking_answers_its_status_and_changes_and_queues_nothing(
    clock, counsellor, client_user, case, status, code
):
    booker, starts_at = client_user, at(1, 10)
    if case == "taken by another client":
        other = ClientFactory()
        held = appointment_hold(counsellor=counsellor, starts_at=at(1, 10), actor=other)
        appointment_confirm(appointment=held, actor=other)
    elif case == "never offered":
        starts_at = at(1, 8)
    elif case == "a learner without a verified identity":
        booker = LearnerFactory()
    else:
        _hold_twice(counsellor, client_user)
    before = written()

    page = logged_in(booker).post("/counselling/book/", book_form(counsellor, starts_at))
    answer = logged_in(booker).post(
        f"{API}/appointments/", book_form(counsellor, starts_at), content_type="application/json"
    )

    assert page.status_code == status
    assert [str(message) for message in page.context["messages"]], "the page says why"
    assert answer.status_code == status
    assert answer.json()["code"] == code
    assert written() == before


def test_a_third_hold_is_refused_until_one_of_two_is_confirmed_or_runs_out(clock, counsellor, client_user):
    _hold_twice(counsellor, client_user)
    api = logged_in(client_user)
    refused = api.post(
        f"{API}/appointments/", book_form(counsellor, at(1, 14)), content_type="application/json"
    )
    assert refused.status_code == 409 and refused.json()["code"] == "too_many_holds"
    assert "2" in refused.json()["detail"]

    first = Appointment.objects.order_by("starts_at").first()
    appointment_confirm(appointment=first, actor=client_user)
    again = api.post(
        f"{API}/appointments/", book_form(counsellor, at(1, 14)), content_type="application/json"
    )
    assert again.status_code == 201
    assert Appointment.objects.filter(client=client_user, state=State.HELD).count() == MAX_OPEN_HOLDS

    clock.shift(datetime.timedelta(minutes=11))  # both holds run out
    later = api.post(
        f"{API}/appointments/", book_form(counsellor, at(2, 10)), content_type="application/json"
    )
    assert later.status_code == 201


# --- Who may see and change an appointment ------------------------------------------------------------------


@pytest.fixture
def booked(clock, counsellor, client_user):
    return AppointmentFactory(counsellor=counsellor, client=client_user, starts_at=at(2, 10))


def _person(who: str, booked: Appointment):
    return {
        "the client": lambda: booked.client,
        "the counsellor": lambda: booked.counsellor.user,
        "another learner": ClientFactory,
        "another counsellor": lambda: CounsellorFactory().user,
        "the counselling desk": lambda: StaffFactory(roles=[Role.SUPERVISOR]),
        "an agent of another desk": lambda: StaffFactory(roles=[Role.INSTRUCTOR]),
    }[who]()


@pytest.mark.parametrize(
    ("who", "page", "api"),
    [
        ("the client", 200, 200),
        ("the counsellor", 200, 200),
        ("another learner", 404, 404),
        ("another counsellor", 404, 404),
        ("the counselling desk", 200, 200),
        ("an agent of another desk", 404, 404),
    ],
)
def test_who_sees_an_appointment(booked, who, page, api):
    client = logged_in(_person(who, booked))
    assert client.get(f"/counselling/appointments/{booked.reference}/").status_code == page
    assert client.get(f"{API}/appointments/{booked.reference}/").status_code == api


@pytest.mark.parametrize("who", ["another learner", "another counsellor", "an agent of another desk"])
def test_a_stranger_cannot_cancel_nor_confirm_and_nothing_changes(booked, who):
    client = logged_in(_person(who, booked))
    before = written()
    assert (
        client.post(f"/counselling/appointments/{booked.reference}/cancel/", {"reason": "x"}).status_code
        == 404
    )
    assert client.post(f"/counselling/appointments/{booked.reference}/confirm/").status_code == 404
    cancel = client.post(
        f"{API}/appointments/{booked.reference}/cancel/", {"reason": "x"}, content_type="application/json"
    )
    assert cancel.status_code == 404
    assert written() == before


def test_a_move_the_state_does_not_allow_answers_409_and_changes_nothing(clock, booked, client_user):
    client = logged_in(client_user)
    before = written()
    confirm_again = client.post(f"{API}/appointments/{booked.reference}/confirm/")
    assert confirm_again.status_code == 409
    page = client.post(f"/counselling/appointments/{booked.reference}/confirm/")
    assert page.status_code == 409
    clock.move_to(at(2, 10, 5))  # the session has started
    started = client.post(
        f"{API}/appointments/{booked.reference}/cancel/", {"reason": "太忙"}, content_type="application/json"
    )
    assert started.status_code == 409 and started.json()["code"] == "started"
    assert written() == before


def test_the_client_cancels_on_the_page_with_a_reason_and_a_late_one_is_a_no_show(
    clock, counsellor, client_user
):
    late = AppointmentFactory(counsellor=counsellor, client=client_user, starts_at=at(0, 20))
    client = logged_in(client_user)
    empty = client.post(f"/counselling/appointments/{late.reference}/cancel/", {"reason": ""})
    assert empty.status_code == 400 and empty.context["cancel_form"].errors.keys() == {"reason"}
    late.refresh_from_db()
    assert late.state == State.CONFIRMED

    answer = client.post(f"/counselling/appointments/{late.reference}/cancel/", {"reason": "临时加班"})

    assert answer.status_code == 302
    late.refresh_from_db()
    assert (late.state, late.no_show_kind, late.cancellation_reason) == (
        State.NO_SHOW,
        "late_cancellation",
        "临时加班",
    )


def test_only_counsellors_have_a_schedule_and_hours(counsellor, client_user):
    assert logged_in(client_user).get("/counselling/schedule/").status_code == 404
    assert logged_in(client_user).get("/counselling/availability/").status_code == 404
    assert logged_in(counsellor.user).get("/counselling/schedule/").status_code == 200
    assert logged_in(counsellor.user).get("/counselling/availability/").status_code == 200


def test_a_counsellor_who_cannot_be_booked_is_404_on_the_pages_and_the_api(clock, client_user):
    suspended = CounsellorFactory(is_suspended=True, suspended_reason="暂停执业")
    unqualified = CounsellorFactory(qualified=False)
    client = logged_in(client_user)
    for counsellor in (suspended, unqualified):
        assert client.get(f"/counselling/counsellors/{counsellor.pk}/").status_code == 404
        assert client.get(f"{API}/counsellors/{counsellor.pk}/").status_code == 404
        assert client.get(f"{API}/counsellors/{counsellor.pk}/slots/").status_code == 404
        assert client.post("/counselling/book/", book_form(counsellor, at(1, 10))).status_code == 404
    assert not Appointment.objects.exists()


# --- The photo ----------------------------------------------------------------------------------------------


def test_a_photo_uploaded_in_the_admin_is_checked_and_served_with_the_type_found(
    clock, speciality, client_user, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    user = UserFactory(roles=[Role.COUNSELLOR])
    desk = StaffFactory(roles=[Role.SUPERVISOR])
    form = {
        "user": user.pk,
        "public_name": "周咨询师",
        "specialities": [speciality.pk],
        "languages": "zh",
        "approach": "人本主义",
        "time_zone": "Asia/Shanghai",
        "session_minutes": "50",
        "buffer_before_minutes": "0",
        "buffer_after_minutes": "10",
        "minimum_notice_hours": "2",
        "is_active": "on",
        "created_at_0": "2026-12-01",
        "created_at_1": "09:00:00",
        # a JPEG whose name and declared type say PNG: what the bytes say counts
        "photo": SimpleUploadedFile("me.png", jpeg_image(), content_type="image/png"),
    }

    answer = logged_in(desk).post("/admin/counseling/counsellor/add/", form)

    assert answer.status_code == 302, answer.context["adminform"].form.errors if answer.context else answer
    counsellor = Counsellor.objects.get(user=user)
    assert counsellor.photo_type == "image/jpeg"
    assert re.fullmatch(r"[0-9a-f]{32}\.jpg", counsellor.photo.name), counsellor.photo.name
    from counseling.tests.factories import certify

    certify(counsellor)
    served = logged_in(client_user).get(f"/counselling/counsellors/{counsellor.pk}/photo/")
    assert served.status_code == 200
    assert (served["Content-Type"], served["X-Content-Type-Options"]) == ("image/jpeg", "nosniff")
    assert b"".join(served.streaming_content) == jpeg_image()


def test_a_photo_never_checked_is_not_served(clock, counsellor, client_user, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    counsellor.photo.save("old.png", ContentFile(png_image()))  # stored before photos were checked
    assert counsellor.photo_type == ""
    assert logged_in(client_user).get(f"/counselling/counsellors/{counsellor.pk}/photo/").status_code == 404
    counsellor.photo_type = "image/png"
    counsellor.save(update_fields=["photo_type"])
    served = logged_in(client_user).get(f"/counselling/counsellors/{counsellor.pk}/photo/")
    assert (served.status_code, served["Content-Type"]) == (200, "image/png")


# --- Every list costs the same queries for 2 rows as for 10 -------------------------------------------------

# The session, the user, the current privacy policy and the user's roles come first on every page and call.
FIND_PAGE_QUERIES = 13  # with the published rating summaries of the page's counsellors, one query
MY_APPOINTMENTS_QUERIES = 9
SCHEDULE_QUERIES = 7
API_COUNSELLORS_QUERIES = 5
API_APPOINTMENTS_QUERIES = 6


def _counsellors(speciality, count: int) -> None:
    CounsellorFactory.create_batch(count, specialities=[speciality])


def _appointments(counsellor, client_user, count: int, first_day: int) -> None:
    for day in range(first_day, first_day + count):
        AppointmentFactory(counsellor=counsellor, client=client_user, starts_at=at(day, 10))


def test_the_find_page_and_the_api_list_of_counsellors_cost_fixed_queries(
    clock, speciality, client_user, django_assert_num_queries
):
    _counsellors(speciality, 2)
    client = logged_in(client_user)
    client.get("/counselling/")  # warm the session and the policy caches
    for count in (2, 10):
        with django_assert_num_queries(FIND_PAGE_QUERIES):
            page = client.get("/counselling/", {"speciality": "anxiety"})
        assert len(page.context["page"].object_list) == count
        with django_assert_num_queries(API_COUNSELLORS_QUERIES):
            answer = client.get(f"{API}/counsellors/", {"speciality": "anxiety"})
        assert len(answer.json()["results"]) == count
        if count == 2:
            _counsellors(speciality, 8)


def test_my_appointments_the_schedule_and_the_api_list_cost_fixed_queries(
    clock, counsellor, client_user, django_assert_num_queries
):
    _appointments(counsellor, client_user, 2, first_day=1)
    client, own = logged_in(client_user), logged_in(counsellor.user)
    client.get("/counselling/appointments/")
    own.get("/counselling/schedule/")
    for count in (2, 10):
        with django_assert_num_queries(MY_APPOINTMENTS_QUERIES):
            page = client.get("/counselling/appointments/")
        assert len(page.context["page"].object_list) == count
        with django_assert_num_queries(SCHEDULE_QUERIES):
            schedule = own.get("/counselling/schedule/")
        assert len(schedule.context["appointments"]) == count
        with django_assert_num_queries(API_APPOINTMENTS_QUERIES):
            answer = client.get(f"{API}/appointments/")
        assert len(answer.json()["results"]) == count
        with django_assert_num_queries(API_APPOINTMENTS_QUERIES):
            theirs = own.get(f"{API}/appointments/")
        assert len(theirs.json()["results"]) == count
        if count == 2:
            _appointments(counsellor, client_user, 8, first_day=3)
