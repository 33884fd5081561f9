"""The complaints' part of a person's data: in their export (public timeline only), blanked on erasure."""

import io
import json
import zipfile

import pytest
from django.urls import reverse

from accounts.models import User
from accounts.roles import Role
from accounts.tests.factories import StaffFactory
from complaints.models import Complaint
from complaints.services import complaint_add_internal_note, complaint_add_public_reply
from privacy.services import erasure_carry_out, erasure_request_create

from .factories import ComplaintFactory

pytestmark = pytest.mark.django_db


def export_of(client, user) -> dict:
    client.force_login(user)
    response = client.post(reverse("privacy:export"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        return json.loads(archive.read("personal-data.json"))


@pytest.fixture
def erasure_officer():
    officer = StaffFactory(roles=[Role.LEGAL])
    return User.objects.get(pk=officer.pk)


def test_the_export_holds_the_persons_complaints_with_their_public_timeline_only(client):
    mine = ComplaintFactory(investigating=True, title="我的投诉")
    theirs = ComplaintFactory(title="别人的投诉")
    staff = StaffFactory(department=mine.department, roles=[Role.AGENT])
    complaint_add_public_reply(complaint=mine, body="公开答复内容", actor=staff)
    complaint_add_internal_note(complaint=mine, body="内部备注内容", actor=staff)

    document = export_of(client, mine.complainant)

    assert [row["reference"] for row in document["complaints"]] == [mine.reference]
    texts = [event["text"] for event in document["complaints"][0]["timeline"]]
    assert "公开答复内容" in texts
    flat = json.dumps(document, ensure_ascii=False)
    assert "内部备注内容" not in flat
    assert theirs.reference not in flat and "别人的投诉" not in flat


def test_erasure_blanks_complaint_texts_and_keeps_their_statistics(erasure_officer):
    complaint = ComplaintFactory(
        closed=True, title="含有个人信息的标题", description="我的手机号是 13912345678"
    )
    other = ComplaintFactory(title="别人的投诉")
    before = list(
        Complaint.objects.values_list("category_id", "severity", "state", "created_at").order_by("pk")
    )

    request = erasure_request_create(user=complaint.complainant)
    erasure_carry_out(request=request, actor=erasure_officer)

    complaint.refresh_from_db()
    other.refresh_from_db()
    assert "13912345678" not in complaint.description
    assert complaint.title != "含有个人信息的标题"
    assert other.title == "别人的投诉"
    after = list(
        Complaint.objects.values_list("category_id", "severity", "state", "created_at").order_by("pk")
    )
    assert after == before
