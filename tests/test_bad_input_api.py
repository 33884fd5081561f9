"""Every field of every API POST refuses what it cannot hold: a 400 naming that field, and nothing stored.

The endpoints and their fields come from the API's own OpenAPI schema, so a new endpoint or field is covered
the day it is added. Each field gets the inputs its type invites an attacker to try: a NUL, a right-to-left
override in a name people see in lists, text one character past its limit, integers past what PostgreSQL
holds, dates outside the calendar, numbers that are not finite. The body names only the bad field; the
answer must name it with a message, whatever else it names.
"""

import pytest
from django.apps import apps
from drf_spectacular.generators import SchemaGenerator

from accounts.tests.factories import UserFactory
from complaints.tests.api_helpers import logged_in
from complaints.tests.factories import ComplaintFactory

pytestmark = pytest.mark.django_db

SCHEMA = SchemaGenerator().get_schema(request=None, public=True)
COMPONENTS = SCHEMA["components"]["schemas"]

# Fields whose text is shown in lists and titles: a text-direction control there could disguise it.
SHOWN_AS_NAMES = {"title"}
SHOWN_AS_NAMES_AT = {("/api/v1/complaints/", "description")}
UNBOUNDED_TEXT = 100_000  # text with no documented limit must still refuse one character past this


def resolve(schema: dict) -> dict:
    if "$ref" in schema:
        return resolve(COMPONENTS[schema["$ref"].rsplit("/", 1)[-1]])
    if "allOf" in schema:
        merged = {key: value for key, value in schema.items() if key != "allOf"}
        for part in schema["allOf"]:
            merged = {**resolve(part), **merged}
        return merged
    return schema


def bad_values(path: str, name: str, schema: dict) -> dict[str, object]:
    """Inputs the field must refuse, by what its schema says it holds."""
    schema = resolve(schema)
    if "enum" in schema:
        choice = next(value for value in schema["enum"] if value)
        return {"a choice with a NUL": f"{choice}\x00", "a choice that is not offered": f"{choice}-x" * 1000}
    kind = schema.get("type")
    if kind == "string":
        if schema.get("format") == "uri":
            return {}  # uploaded files: tests/test_nul_characters.py and the evidence tests refuse bad ones
        if schema.get("format") == "date":
            return {"year 10000": "10000-01-01", "year 0": "0000-01-01", "February 30th": "2026-02-30"}
        values = {
            "a NUL": "投诉\x00内容",
            "text past its limit": "长" * (schema.get("maxLength", UNBOUNDED_TEXT) + 1),
        }
        if name in SHOWN_AS_NAMES or (path, name) in SHOWN_AS_NAMES_AT:
            values["a right-to-left override"] = "投诉\u202eexe.txt"
        return values
    if kind == "integer":
        values = {
            "2**31": 2**31,
            "2**63": 2**63,
            "-(2**63) - 1": -(2**63) - 1,
            "10**30 as text": "1" + "0" * 30,
        }
        if "maximum" in schema:
            values["one past the maximum"] = schema["maximum"] + 1
        if "minimum" in schema:
            values["one below the minimum"] = schema["minimum"] - 1
        return values
    if kind == "number":
        return {"not finite": "1e400", "not a number": "NaN", "10**30": 10**30}
    if kind == "boolean":
        return {"a boolean with a NUL": "true\x00"}
    if kind == "array":
        item = resolve(schema.get("items", {}))
        if item.get("type") == "object" or "properties" in item:
            return {
                f"{label} in {nested}": [{nested: value}]
                for nested, nested_schema in item.get("properties", {}).items()
                for label, value in bad_values(path, nested, nested_schema).items()
            }
        return {f"{label} in a list": [value] for label, value in bad_values(path, name, item).items()}
    return {}


def cases() -> list:
    found = []
    for path, operations in sorted(SCHEMA["paths"].items()):
        body = operations.get("post", {}).get("requestBody", {}).get("content", {})
        media = body.get("application/json") or body.get("multipart/form-data")
        if media is None:
            continue
        for name, field in resolve(media["schema"]).get("properties", {}).items():
            if field.get("readOnly"):
                continue
            for label, value in bad_values(path, name, field).items():
                found.append(pytest.param(path, name, value, id=f"{path} {name}: {label}"))
    return found


CASES = cases()


def test_the_schema_gives_every_input_a_bad_value_to_try():
    paths = {case.values[0] for case in CASES}
    assert "/api/v1/complaints/" in paths
    assert "/api/v1/complaints/{reference}/propose-resolution/" in paths
    assert {
        "/api/v1/counselling/appointments/",
        "/api/v1/counselling/appointments/{reference}/cancel/",
        "/api/v1/counselling/appointments/{reference}/waive/",
        "/api/v1/counselling/restrictions/{id}/appeal/",
        "/api/v1/counselling/identity/",
    } <= paths
    assert len(CASES) > 100


def row_counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def counselling_world(superuser) -> dict:
    import datetime

    from django.utils import timezone

    from counseling.models import BookingRestriction, State
    from counseling.tests.factories import AppointmentFactory

    appointment = AppointmentFactory()
    no_show = AppointmentFactory(
        client=superuser,
        state=State.NO_SHOW,
        no_show_kind="not_attended",
        starts_at=timezone.now() - datetime.timedelta(days=2),
    )
    restriction = BookingRestriction.objects.create(
        client=superuser,
        ends_at=timezone.now() + datetime.timedelta(days=30),
        no_show_count=3,
        last_no_show=no_show,
    )
    return {"appointment": appointment, "id": restriction.pk}


# The counselling endpoints a session leaves behind answer only its counsellor or its client, so the body
# is posted by them: the record by the counsellor of an attended session, the intake and the rating by its
# client, a reply by the counsellor a penalty concerns.
SESSION_ENDPOINTS = ("/record/", "/intake/", "/rating/")


def session_endpoint_target(path: str):
    """The URL and the person who may post to an endpoint after a session; None for another path."""
    if not (
        path.startswith("/api/v1/counselling/")
        and (path.endswith(SESSION_ENDPOINTS) or "/penalties/" in path)
    ):
        return None
    import datetime

    from django.utils import timezone

    from counseling.models import CounsellorPenalty, State
    from counseling.tests.factories import AppointmentFactory

    if path.endswith("/intake/"):
        appointment = AppointmentFactory()
        return path.format(reference=appointment.reference), appointment.client
    session = timezone.now() - datetime.timedelta(days=1)
    appointment = AppointmentFactory(
        state=State.COMPLETED,
        starts_at=session,
        ends_at=session + datetime.timedelta(minutes=50),
        blocked_from=session,
        blocked_until=session + datetime.timedelta(hours=1),
        completed_at=session + datetime.timedelta(hours=1),
    )
    if path.endswith("/rating/"):
        return path.format(reference=appointment.reference), appointment.client
    if "/penalties/" in path:
        penalty = CounsellorPenalty.objects.create(
            counsellor=appointment.counsellor,
            kind="warning",
            reason="记录不及时",
            starts_at=timezone.now(),
            imposed_by=UserFactory(),
        )
        return path.format(id=penalty.pk), appointment.counsellor.user
    return path.format(reference=appointment.reference), appointment.counsellor.user


@pytest.mark.parametrize(("path", "field", "value"), CASES)
def test_a_bad_value_is_refused_next_to_its_field_and_nothing_is_stored(path, field, value):
    target = session_endpoint_target(path)
    if target is not None:
        url, person = target
        client = logged_in(person)
        before = row_counts()
        response = client.post(url, {field: value}, content_type="application/json")
        assert response.status_code == 400, response.content[:500]
        assert response.json().get(field), f"no message for {field}: {response.json()}"
        assert row_counts() == before
        return
    # given a complaint a superuser may act on, named in the URL
    # (or, for the feedback endpoints, a feedback item; for the refund endpoints, a refund request; for
    # counselling, an appointment and the superuser's own booking restriction; for qualifications, one; for
    # the help centre, a published article)
    superuser = UserFactory(is_staff=True, is_superuser=True)
    complaint = ComplaintFactory(investigating=True)
    named = {}
    if path.startswith("/api/v1/feedback/"):
        from feedback.tests.factories import FeedbackItemFactory

        complaint = FeedbackItemFactory()
    if path.startswith("/api/v1/refunds/"):
        from refunds.tests.factories import RefundRequestFactory

        complaint = RefundRequestFactory()
    if path.startswith("/api/v1/qualifications/"):
        from qualifications.tests.test_bad_input import a_submitted_qualification

        named["id"] = a_submitted_qualification().pk
    if path.startswith("/api/v1/help/"):
        from helpcentre.tests.factories import ArticleFactory

        named["slug"] = ArticleFactory(published=True).slug
    if path.startswith("/api/v1/counselling/"):
        named = counselling_world(superuser)
        complaint = named.pop("appointment")
    client = logged_in(superuser)
    url = None
    if path.startswith(("/api/v1/courses/", "/api/v1/course-suggestions/", "/api/v1/enrolments/")):
        # a course the superuser learns in (they also own it), a suggestion of it, their finished enrolment
        from accounts.roles import Role
        from accounts.services import user_add_role
        from courses.tests.factories import CompletedEnrolmentFactory, UpdateSuggestionFactory

        superuser = UserFactory(is_staff=True, is_superuser=True)
        user_add_role(user=superuser, role=Role.LEARNER)
        enrolment = CompletedEnrolmentFactory(learner=superuser)
        suggestion = UpdateSuggestionFactory(course=enrolment.course)
        client = logged_in(superuser)
        url = path.format(
            code=enrolment.course.code, reference=suggestion.reference, enrolment_id=enrolment.pk
        )
    if path.startswith("/api/v1/course-comments/"):
        # an instructor's published comment to reply to
        from accounts.roles import Role
        from accounts.services import user_add_role
        from courses.tests.evaluation_helpers import evaluate
        from courses.tests.factories import CourseFactory, InstructorFactory
        from courses.tests.test_evaluations import moderator
        from ratings.services import rating_comment_moderate

        teacher = UserFactory(is_staff=True, is_superuser=True)
        user_add_role(user=teacher, role=Role.INSTRUCTOR)
        course = CourseFactory()
        course.instructors.add(InstructorFactory(user=teacher))
        rating = evaluate(course, comment="很好").rating
        rating_comment_moderate(rating=rating, actor=moderator(), publish=True)
        client = logged_in(teacher)
        url = path.format(rating_id=rating.pk)
    if path.startswith("/api/v1/chats/"):
        # a learner's own open chat: a chat answers only the learner who opened it
        from accounts.tests.factories import LearnerFactory
        from livechat.services import chat_open

        learner = LearnerFactory()
        client = logged_in(learner)
        url = path.format(reference=chat_open(actor=learner).reference)
    if path.startswith("/api/v1/community/"):
        # a visible post on the learning-experience board, to post on, reply to and report
        from community.tests.factories import PostFactory

        url = path.format(slug="experience", id=PostFactory().pk)
    if url is None:
        url = path.format(reference=complaint.reference, **named)
    before = row_counts()

    # when
    response = client.post(url, {field: value}, content_type="application/json")

    # then
    assert response.status_code == 400, response.content[:500]
    errors = response.json()
    assert errors.get(field), f"no message for {field}: {errors}"
    assert row_counts() == before
