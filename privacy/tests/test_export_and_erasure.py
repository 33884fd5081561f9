"""A person downloads all their data (and nothing of anyone else's) and can have their account erased."""

import io
import json
import zipfile
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from accounts.models import Guardianship, MobileVerification, User
from accounts.roles import Role
from accounts.tests.factories import GuardianshipFactory, LearnerFactory, StaffFactory
from courses.models import Enrolment
from courses.tests.factories import EnrolmentFactory
from privacy.models import AccessLogEntry, ErasureRequest, IdentityDocument, PolicyConsent, PurposeConsent
from privacy.services import (
    PrivacyError,
    access_log_record,
    erasure_carry_out,
    erasure_refuse,
    erasure_request_create,
    purpose_consent_grant,
)

pytestmark = pytest.mark.django_db


def export_of(client, user) -> dict:
    client.force_login(user)
    response = client.post(reverse("privacy:export"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        return json.loads(archive.read("personal-data.json"))


def test_the_export_holds_the_persons_records_and_no_one_elses(client):
    me = LearnerFactory(email="me@example.edu.cn", mobile="13911112222", home_address="南京市鼓楼区")
    other = LearnerFactory(email="other@example.edu.cn", mobile="13833334444", home_address="成都市武侯区")
    EnrolmentFactory(learner=me, course__code="PY-101", amount_paid=Decimal("1999.00"))
    EnrolmentFactory(learner=other, course__code="EN-110")
    reader = StaffFactory(display_name="读取人")
    access_log_record(
        actor=reader, subject=me, record=me, fields=["mobile"], channel="admin", screen="admin:x"
    )
    access_log_record(
        actor=reader, subject=other, record=other, fields=["mobile"], channel="admin", screen="admin:x"
    )

    document = export_of(client, me)

    assert document["profile"]["email"] == "me@example.edu.cn"
    assert document["profile"]["mobile"] == "13911112222"
    assert [row["course"] for row in document["enrolments"]] == ["PY-101"]
    assert document["enrolments"][0]["amount_paid_cny"] == "1999.00"
    assert len(document["access_log"]) == 1
    assert document["consents"]["privacy_policy"][0]["version"] == "1"
    flat = json.dumps(document, ensure_ascii=False)
    for foreign in ("other@example.edu.cn", "13833334444", "成都市武侯区", "EN-110"):
        assert foreign not in flat


def test_a_parents_export_names_their_child_link(client):
    link = GuardianshipFactory()
    document = export_of(client, link.guardian)
    assert [child["learner"] for child in document["guardianships"]["children"]] == [
        link.learner.display_name
    ]


def test_erasure_drops_a_mobile_number_waiting_for_verification(erasure_officer):
    person = LearnerFactory()
    now = timezone.now()
    MobileVerification.objects.create(
        user=person,
        mobile="13712345678",
        code_hash="0" * 64,
        sent_at=now,
        expires_at=now + timedelta(minutes=10),
    )
    other = LearnerFactory()
    MobileVerification.objects.create(
        user=other,
        mobile="13712345679",
        code_hash="0" * 64,
        sent_at=now,
        expires_at=now + timedelta(minutes=10),
    )

    erasure_carry_out(request=erasure_request_create(user=person), actor=erasure_officer)

    assert list(MobileVerification.objects.values_list("user", flat=True)) == [other.pk]


def test_the_export_needs_post_and_a_login(client):
    assert client.get(reverse("privacy:export")).status_code in (302, 405)
    response = client.post(reverse("privacy:export"))
    assert response.status_code == 302
    assert "log-in" in response["Location"]


@pytest.fixture
def erasure_officer():
    officer = StaffFactory(roles=[Role.LEGAL])
    return User.objects.get(pk=officer.pk)


def test_the_legal_role_may_carry_out_erasure(erasure_officer):
    assert erasure_officer.has_perm("privacy.carry_out_erasure")


def test_erasure_anonymises_the_person_and_keeps_the_counts(erasure_officer):
    person = LearnerFactory(
        email="leaving@example.edu.cn",
        display_name="要走的人",
        mobile="13955556666",
        home_address="广州市天河区",
    )
    EnrolmentFactory(learner=person)
    EnrolmentFactory(learner=person)
    GuardianshipFactory(learner=person)
    IdentityDocument.objects.create(user=person, kind="passport", content=b"scan", content_type="image/png")
    purpose_consent_grant(user=person, purpose="sms_notices", given_by=person)
    reader = StaffFactory()
    access_log_record(
        actor=reader, subject=person, record=person, fields=["mobile"], channel="admin", screen="x"
    )
    users_before, enrolments_before = User.objects.count(), Enrolment.objects.count()

    request = erasure_request_create(user=person, reason="不再学习")
    erasure_carry_out(request=request, actor=erasure_officer)

    person.refresh_from_db()
    assert person.email == f"erased-{person.pk}@erased.invalid"
    assert person.display_name == "已注销用户"
    assert (person.mobile, person.home_address, person.resident_id, person.date_of_birth) == (
        "",
        "",
        "",
        None,
    )
    assert person.mobile_index == ""
    assert not person.is_active
    assert not person.has_usable_password()
    assert not person.groups.exists()
    assert not IdentityDocument.objects.filter(user=person).exists()
    assert not Guardianship.objects.filter(learner=person).exists()
    assert not PurposeConsent.objects.filter(user=person, withdrawn_at=None).exists()
    # statistics survive: the same number of people and enrolments, the consent and access records kept
    assert User.objects.count() == users_before
    assert Enrolment.objects.count() == enrolments_before
    assert Enrolment.objects.filter(learner=person).count() == 2
    assert PolicyConsent.objects.filter(user=person).exists()
    assert AccessLogEntry.objects.filter(subject=person).count() == 1
    request.refresh_from_db()
    assert (request.state, request.handled_by) == (ErasureRequest.State.CARRIED_OUT, erasure_officer)


def test_erasure_by_someone_without_the_permission_changes_nothing():
    person = LearnerFactory(email="stay@example.edu.cn")
    request = erasure_request_create(user=person)
    with pytest.raises(PrivacyError):
        erasure_carry_out(request=request, actor=StaffFactory())
    person.refresh_from_db()
    request.refresh_from_db()
    assert person.email == "stay@example.edu.cn" and person.is_active
    assert request.state == ErasureRequest.State.PENDING


def test_one_pending_request_at_a_time(client):
    person = LearnerFactory()
    client.force_login(person)
    url = reverse("privacy:erasure-request")
    client.post(url, {"confirm": "on", "reason": "再见"})
    client.post(url, {"confirm": "on"})
    assert ErasureRequest.objects.filter(user=person).count() == 1


def test_an_unconfirmed_request_shows_the_error_and_creates_nothing(client):
    person = LearnerFactory()
    client.force_login(person)
    response = client.post(reverse("privacy:erasure-request"), {"reason": "再见"})
    assert response.status_code == 400
    assert "confirm" in response.context["erasure_form"].errors
    assert not ErasureRequest.objects.exists()


def test_a_refusal_needs_a_reason_and_is_shown_to_the_person(client, erasure_officer):
    person = LearnerFactory()
    request = erasure_request_create(user=person)
    with pytest.raises(PrivacyError):
        erasure_refuse(request=request, actor=erasure_officer, reason="  ")
    erasure_refuse(request=request, actor=erasure_officer, reason="投诉处理中，依法需保留记录")
    client.force_login(person)
    assert "依法需保留记录" in client.get(reverse("privacy:my-data")).text
    with pytest.raises(PrivacyError):
        erasure_carry_out(request=request, actor=erasure_officer)


def test_the_admin_action_carries_out_erasure(client, erasure_officer):
    erasure_officer.user_permissions.add(Permission.objects.get(codename="change_erasurerequest"))
    person = LearnerFactory()
    request = erasure_request_create(user=person)
    client.force_login(erasure_officer)
    response = client.post(
        reverse("admin:privacy_erasurerequest_changelist"),
        {"action": "carry_out", "_selected_action": [request.pk]},
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert not person.is_active
