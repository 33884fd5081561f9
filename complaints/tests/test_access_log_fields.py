"""A complaint read in the access log: the person sees its fields named as the forms name them."""

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.urls import reverse

from accounts.models import User
from accounts.roles import Role
from accounts.tests.factories import LearnerFactory, StaffFactory
from privacy.services import access_log_record

from .factories import ComplaintFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def records_officer():
    """A staff member allowed to read people's records (the model-wide view permission)."""
    officer = StaffFactory(roles=[Role.SUPERVISOR])
    officer.user_permissions.add(Permission.objects.get(codename="view_user"))
    return User.objects.get(pk=officer.pk)


@pytest.fixture
def person():
    return LearnerFactory(mobile="13912345678", home_address="杭州市西湖区")


def log_read(actor, subject):
    return access_log_record(
        actor=actor, subject=subject, record=subject, fields=["mobile"], channel="admin", screen="admin:test"
    )


def test_the_access_log_page_names_the_fields_in_the_readers_language(client, records_officer, person):
    # given a read of the person's own record, and one of a complaint that shows their contact details
    log_read(records_officer, person)
    complaint = ComplaintFactory(complainant=person)
    access_log_record(
        actor=records_officer,
        subject=person,
        record=complaint,
        fields=["display_name", "email", "mobile", "title", "timeline", "attachments"],
        channel="admin",
        screen="admin:complaints_complaint_change",
    )
    client.force_login(person)

    # when the person reads their log, in Chinese and then in English
    chinese = client.get(reverse("privacy:my-data")).text
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(reverse("privacy:my-data")).text

    # then each field is named as the forms name it, never by its column
    assert "<td>显示名称、电子邮箱、手机号码、标题、处理记录、附件</td>" in chinese
    assert "<td>手机号码</td>" in chinese
    assert "<td>display name, e-mail address, mobile number, title, timeline, attachments</td>" in english
    assert "<td>mobile number</td>" in english
    for page in (chinese, english):
        assert "display_name" not in page and ">mobile<" not in page
