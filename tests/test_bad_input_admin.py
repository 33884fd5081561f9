"""Every field of the admin's add forms refuses what it cannot hold, next to the field, and stores nothing.

The models and fields come from the admin's registry, so a model or field added to the admin is tried the
day it is added. The values are those of the site's own forms (tests/test_bad_input_forms.py): text past its
limit, ids and integers past what PostgreSQL holds, dates outside the calendar, numbers that are not finite,
durations of more days than a timedelta holds, a choice not offered.

The admin shows a refused form again with Django's own status, 200, and the error next to the field. Text
fields with no limit are not tried here: staff write some at length (the privacy policy).
"""

import pytest
from django import forms
from django.apps import apps
from django.contrib import admin
from django.test import Client, RequestFactory

from accounts.models import User
from accounts.tests.factories import UserFactory

from .test_bad_input_forms import bad_values

pytestmark = pytest.mark.django_db


PROJECT_APPS = {
    "accounts",
    "complaints",
    "courses",
    "privacy",
    "notifications",
    "sla",
    "dashboard",
    "core",
    "surveys",
    "feedback",
    "refunds",
    "counseling",
    "activities",
    "community",
    "livechat",
}
# Titles, and the names of departments, categories, calendars, instructors and counsellors, shown in lists and
# choices.
NAMES_SHOWN_IN_LISTS = {"title", "name", "name_en", "public_name"}


def bad_admin_values(form_class, name: str, field: forms.Field) -> dict[str, str]:
    if isinstance(field, forms.CharField) and field.max_length is None:
        # Texts staff write at length (the privacy policy, canned answers) have no limit in the admin.
        return {}
    if isinstance(field, forms.DurationField):
        return {"more days than a timedelta holds": "1000000000 00:00:00", "10**30 seconds": "1" + "0" * 30}
    if isinstance(field, forms.SplitDateTimeField):
        return {}  # two inputs, name_0 and name_1: the date part is tried by the date fields' values
    values = bad_values(form_class, name, field)
    # The admins of Django's groups and of the log-in protection's libraries (lockouts, second-factor devices,
    # for superusers) are left as those libraries made them; the role groups come from a migration.
    mine = form_class._meta.model._meta.app_label in PROJECT_APPS
    if mine and name in NAMES_SHOWN_IN_LISTS and isinstance(field, forms.CharField):
        values["a right-to-left override"] = "讲师\u202eexe.txt"
    return values


# Records that only the site's services write: their admin has no add form, even for a superuser.
WRITTEN_BY_THE_SITE = {
    "privacy.PolicyConsent": "written when a person accepts the policy",
    "helpcentre.Section": "the four sections are seeded by a migration; editors read them, never add one",
    "privacy.AccessLogEntry": "written by every read of personal data",
    "privacy.ErasureRequest": "filed by the person on their data page",
    "privacy.IdentityDocument": "uploaded by the person",
    "complaints.Complaint": "filed through the filing service (the staff's intake screen)",
    "notifications.Notification": "written by the services' notices",
    "sla.Escalation": "written by the SLA sweep",
    "sla.Clock": "kept by the SLA service",
    "surveys.Answer": "written by the learners' answers, unnamed",
    "feedback.FeedbackItem": "given online, or entered on the paper-form and import screens",
    "feedback.PaperBatch": "opened by the paper-form and import screens",
    "refunds.RefundRequest": "requested by the learner or their guardian; staff decide it in the workspace",
    "ratings.Rating": "given through the domains' services; moderators only publish or reject comments",
    "courses.EvaluationText": "written with a learner's evaluation; moderators only publish or reject it",
    "courses.UpdateSuggestion": "proposed by a learner of the course; its owners answer it with the moves",
    "activities.Registration": "made by a learner or parent registering on the site; staff mark attendance",
    "community.Post": "posted by learners on the boards; staff read the posts, moderators act with the moves",
    "community.Reply": "written by learners in a thread; moderators act on it with the moves",
    "community.ModerationAction": "written by the moderators' moves; they read the decisions",
    "community.Report": "sent by a learner from the thread page; moderators act on it with the moves",
    "community.Appeal": "filed by the author on their moderation page; moderators decide it with the moves",
    "livechat.Chat": "opened by a learner on the chat page; staff answer it in the chat console",
}


def test_what_only_the_site_writes_has_no_add_form():
    client = Client()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    for label in WRITTEN_BY_THE_SITE:
        model = apps.get_model(label)
        url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/add/"
        assert client.get(url).status_code == 403, url


# One row that a migration writes and staff edit: its form is tried on that row's change screen.
SINGLETONS = {"complaints.ComplaintRules"}


def superuser_request():
    """A request of an unsaved superuser: enough for the admin to build its forms at collection time."""
    request = RequestFactory().get("/")
    request.user = User(is_superuser=True, is_staff=True, is_active=True)
    return request


def cases() -> list:
    found = []
    request = superuser_request()
    for model, model_admin in admin.site._registry.items():
        if model._meta.label in WRITTEN_BY_THE_SITE:
            continue
        form_class = model_admin.get_form(request, None, change=False)
        for name, field in form_class.base_fields.items():
            for label, value in bad_admin_values(form_class, name, field).items():
                found.append(pytest.param(model, name, value, id=f"{model._meta.label} {name}: {label}"))
    return found


def row_counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


CASES = cases()


def test_the_admin_has_add_forms_to_try():
    models = {case.values[0]._meta.label for case in CASES}
    assert {"complaints.ComplaintRules", "sla.SlaPolicy", "courses.Enrolment"} <= models


@pytest.mark.parametrize(("model", "field", "value"), CASES)
def test_a_bad_value_in_an_admin_form_is_refused_next_to_its_field_and_nothing_is_stored(model, field, value):
    client = Client()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    client.cookies["django_language"] = "en"
    url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/add/"
    if model._meta.label in SINGLETONS:
        url = url.replace("add/", f"{model._default_manager.get().pk}/change/")
    before = row_counts()

    response = client.post(url, {field: value})

    assert response.status_code == 200, response.status_code
    errors = response.context["adminform"].form.errors
    assert errors.get(field), f"no message next to {field}: {errors}"
    assert row_counts() == before


def _counsellor_photo_post(client: Client, name: str, content: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile(name, content, content_type="image/png")  # what the browser claims
    return client.post("/admin/counseling/counsellor/add/", {"public_name": "林咨询师", "photo": upload})


@pytest.mark.parametrize(
    ("label", "name", "content"),
    [
        ("a PDF", "photo.png", "plain_pdf"),
        ("a zip archive named as an image", "photo.png", "zip_archive"),
        ("text named as an image", "photo.png", None),
        ("an image with a zip after its end", "photo.png", "png_then_zip"),
    ],
)
def test_a_counsellors_photo_that_is_not_an_image_is_refused_next_to_its_field(
    label, name, content, settings, tmp_path
):
    from complaints.tests import evidence_files

    settings.MEDIA_ROOT = tmp_path / "media"
    client = Client()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    client.cookies["django_language"] = "en"
    if content is None:
        body = b"<script>alert(1)</script>"
    elif content == "png_then_zip":
        body = evidence_files.png_image() + evidence_files.zip_archive()
    else:
        body = getattr(evidence_files, content)()
    before = row_counts()

    response = _counsellor_photo_post(client, name, body)

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors.get("photo"), f"no message next to the photo: {errors}"
    assert row_counts() == before
    assert not (tmp_path / "media").exists() or not any((tmp_path / "media").rglob("*.*"))
