"""A NUL character anywhere a request names something is refused with a 400, never a 500.

PostgreSQL refuses NUL in text; one middleware refuses it before any view: in the path, in the query
string or in a form field.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from accounts.tests.factories import LearnerFactory, UserFactory
from complaints.models import Complaint, ComplaintEvent
from complaints.tests.api_helpers import PNG, logged_in
from complaints.tests.factories import CategoryFactory, ComplaintFactory
from notifications.models import Notification

pytestmark = pytest.mark.django_db

MESSAGE_EN = "The address or the form holds a NUL character, which no field of this site accepts."


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def learner_and_complaint():
    learner = LearnerFactory()
    return learner, ComplaintFactory(complainant=learner, learner=learner)


def in_english(client: Client) -> Client:
    client.cookies["django_language"] = "en"
    return client


@pytest.mark.parametrize(
    "url",
    [
        "/complaints/{reference}%00/",
        "/complaints/TS-2026-%00/",
        "/complaints/{reference}%00/appeal/",
        "/complaints/?state=%00",
    ],
)
def test_the_learners_pages_refuse_a_nul_with_a_400_page(learner_and_complaint, url):
    learner, complaint = learner_and_complaint
    client = in_english(logged_in(learner))

    response = client.get(url.format(reference=complaint.reference))

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert MESSAGE_EN in response.text


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/complaints/{reference}%00/",
        "/api/v1/complaints/TS%00/",
        "/api/v1/complaints/?state=%00",
        "/api/v1/complaints/{reference}/?x%00=1",
    ],
)
def test_the_api_refuses_a_nul_with_a_json_400(learner_and_complaint, url):
    learner, complaint = learner_and_complaint

    response = in_english(logged_in(learner)).get(url.format(reference=complaint.reference))

    assert response.status_code == 400
    assert response.json() == {"code": "nul_character", "detail": MESSAGE_EN}


@pytest.mark.parametrize(
    "query",
    ["state=%00", "q=%00", "q=TS-%00", "severity=general%00", "category__id__exact=%00", "o=1%00"],
)
def test_the_admin_queue_refuses_a_nul_in_a_filter_or_the_search(query):
    client = in_english(logged_in(UserFactory(is_staff=True, is_superuser=True)))
    ComplaintFactory()

    response = client.get(f"{reverse('admin:complaints_complaint_changelist')}?{query}")

    assert response.status_code == 400
    assert MESSAGE_EN in response.text


def test_a_nul_in_a_form_field_files_nothing():
    learner = LearnerFactory()
    category = CategoryFactory()
    client = in_english(logged_in(learner))

    response = client.post(
        reverse("complaints:new"),
        {"category": category.pk, "title": "迟到\x00", "description": "九月以来每次直播课都迟到。"},
    )

    assert response.status_code == 400
    assert MESSAGE_EN in response.text
    assert not Complaint.objects.exists()
    assert not ComplaintEvent.objects.exists()
    assert not Notification.objects.exists()


def test_a_nul_in_a_multipart_field_files_nothing_through_the_api(media_root):
    learner = LearnerFactory()
    category = CategoryFactory()
    upload = SimpleUploadedFile("a.png", PNG, content_type="image/png")

    response = in_english(logged_in(learner)).post(
        "/api/v1/complaints/",
        {
            "category": category.code,
            "title": "迟到\x00",
            "description": "九月以来每次都迟到。",
            "attachments": [upload],
        },
    )

    assert response.status_code == 400
    assert response.json()["code"] == "nul_character"
    assert not Complaint.objects.exists()
    assert not media_root.exists() or not any(path.is_file() for path in media_root.rglob("*"))


def test_a_request_without_nul_goes_through(learner_and_complaint):
    learner, complaint = learner_and_complaint

    response = logged_in(learner).get(f"/complaints/{complaint.reference}/")

    assert response.status_code == 200
