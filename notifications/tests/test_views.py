"""The inbox, marking notices read, the unread count in the header, and choosing channels."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import LearnerFactory
from notifications.models import Notification, NotificationPreference
from privacy.services import purpose_consent_grant

pytestmark = pytest.mark.django_db


def in_app(recipient, reference="TS-2026-000001", *, read=False, state="sent", kind="complaint_closed"):
    now = timezone.now()
    return Notification.objects.create(
        recipient=recipient,
        channel="in_app",
        kind=kind,
        context={"reference": reference},
        state=state,
        sent_at=now if state == "sent" else None,
        read_at=now if read else None,
    )


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_inbox_lists_only_the_persons_delivered_in_app_notices_newest_first():
    learner = LearnerFactory(preferred_language="en")
    older = in_app(learner, "TS-2026-000001")
    newer = in_app(learner, "TS-2026-000002", kind="complaint_public_reply")
    in_app(learner, "TS-2026-000003", state="pending")
    in_app(LearnerFactory(), "TS-2026-000004")
    Notification.objects.create(recipient=learner, channel="email", kind="k", context={"reference": "X-5"})

    response = logged_in(learner).get(reverse("notifications:inbox"))

    assert response.status_code == 200
    assert [entry.notification for entry in response.context["entries"]] == [newer, older]
    assert f"New reply on complaint {newer.context['reference']}" in response.text
    assert 'href="/complaints/TS-2026-000001/"' in response.text
    assert "TS-2026-000003" not in response.text and "TS-2026-000004" not in response.text


def test_the_inbox_speaks_the_readers_language_and_is_paginated():
    learner = LearnerFactory(preferred_language="en")
    for number in range(25):
        in_app(learner, f"TS-2026-{number:06d}")

    client = logged_in(learner)
    first = client.get(reverse("notifications:inbox"))
    second = client.get(reverse("notifications:inbox"), {"page": 2})

    assert len(first.context["entries"]) == 20 and len(second.context["entries"]) == 5
    assert "Complaint TS-2026-000024 closed" in first.text
    assert "Page 2 of 2" in second.text


@pytest.mark.parametrize("notices", [1, 20])
def test_the_inbox_costs_the_same_queries_whatever_its_length(notices, django_assert_num_queries):
    learner = LearnerFactory()
    for number in range(notices):
        in_app(learner, f"TS-2026-{number:06d}")
    client = logged_in(learner)
    client.get(reverse("notifications:inbox"))  # the policy check is remembered in the session

    # session, user, current privacy policy, page count, page rows, roles for the navigation, unread count
    with django_assert_num_queries(7):
        response = client.get(reverse("notifications:inbox"))

    assert len(response.context["entries"]) == notices


def test_the_header_shows_the_unread_count_to_the_person_only():
    learner = LearnerFactory(preferred_language="en")
    in_app(learner)
    in_app(learner)
    in_app(learner, read=True)

    page = logged_in(learner).get(reverse("home")).text
    anonymous = Client().get(reverse("home"))

    assert '<span class="unread-count">(2<span class="visually-hidden"> unread</span>)</span>' in page
    assert "unread-count" not in anonymous.text
    assert "unread_notification_count" not in anonymous.context


def test_mark_all_read_marks_only_the_persons_unread_notices():
    learner = LearnerFactory()
    mine = [in_app(learner), in_app(learner)]
    already = in_app(learner, read=True)
    other = in_app(LearnerFactory())
    read_before = Notification.objects.get(pk=already.pk).read_at

    response = logged_in(learner).post(reverse("notifications:mark-all-read"))

    assert response.status_code == 302 and response.url == reverse("notifications:inbox")
    assert all(Notification.objects.get(pk=n.pk).read_at is not None for n in mine)
    assert Notification.objects.get(pk=already.pk).read_at == read_before
    assert Notification.objects.get(pk=other.pk).read_at is None
    assert "unread-count" not in logged_in(learner).get(reverse("home")).text


def test_mark_all_read_needs_a_post_and_a_login():
    learner = LearnerFactory()
    in_app(learner)
    assert logged_in(learner).get(reverse("notifications:mark-all-read")).status_code == 405
    assert Client().post(reverse("notifications:mark-all-read")).status_code == 302
    assert Notification.objects.get(recipient=learner).read_at is None


@pytest.mark.parametrize("name", ["notifications:inbox", "notifications:preferences"])
def test_the_pages_need_a_login(name):
    response = Client().get(reverse(name))
    assert response.status_code == 302 and reverse("login") in response.url


def test_the_preference_page_shows_the_defaults_with_labels():
    learner = LearnerFactory(preferred_language="en")

    response = logged_in(learner).get(reverse("notifications:preferences"))

    assert response.status_code == 200
    form = response.context["form"]
    assert (form["email"].value(), form["sms"].value()) == (True, False)
    assert "Send my notices by e-mail" in response.text and "Send my notices by SMS" in response.text


def test_choosing_sms_with_a_mobile_number_and_consent_is_saved_and_used():
    learner = LearnerFactory(mobile="13912345678")
    purpose_consent_grant(user=learner, purpose="sms_notices", given_by=learner)

    response = logged_in(learner).post(reverse("notifications:preferences"), {"sms": "on"})

    assert response.status_code == 302
    preference = NotificationPreference.objects.get(user=learner)
    assert (preference.email, preference.sms) == (False, True)


@pytest.mark.parametrize(
    ("mobile", "consent", "error"),
    [
        ("", True, "Add your mobile number to your account first."),
        ("13912345678", False, "Give your consent to SMS notices on the My data page first."),
    ],
)
def test_choosing_sms_without_a_mobile_number_or_consent_is_refused_next_to_the_field(mobile, consent, error):
    learner = LearnerFactory(mobile=mobile, preferred_language="en")
    if consent:
        purpose_consent_grant(user=learner, purpose="sms_notices", given_by=learner)

    response = logged_in(learner).post(reverse("notifications:preferences"), {"email": "on", "sms": "on"})

    assert response.status_code == 400
    assert response.context["form"].errors == {"sms": [error]}
    assert f'<ul class="field-errors" id="id_sms_error"><li>{error}</li></ul>' in response.text
    assert not NotificationPreference.objects.filter(user=learner).exists()
