"""Sign-up needs consent; a new policy version must be accepted before going on."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.tests.factories import LearnerFactory
from privacy.models import PolicyConsent, PolicyVersion, Purpose, PurposeConsent
from privacy.selectors import policy_version_current
from privacy.services import PrivacyError, purpose_consent_grant, purpose_consent_withdraw

pytestmark = pytest.mark.django_db


def sign_up(client, **overrides):
    data = {
        "display_name": "李同学",
        "email": "new@example.edu.cn",
        "account_type": "learner",
        "preferred_language": "zh-hans",
        "password1": "correct-horse-battery",
        "password2": "correct-horse-battery",
        "accept_policy": "on",
    }
    data.update(overrides)
    return client.post(reverse("sign-up"), data, HTTP_USER_AGENT="TestBrowser/1.0", REMOTE_ADDR="10.1.2.3")


def publish_new_version(**overrides) -> PolicyVersion:
    values = {
        "version": "2",
        "effective_at": timezone.now() - datetime.timedelta(minutes=1),
        "text": "第二版隐私政策全文",
        "text_en": "Privacy policy, version 2",
        "summary": "新增短信通知条款。",
        "summary_en": "Adds SMS notices.",
    }
    values.update(overrides)
    return PolicyVersion.objects.create(**values)


def test_a_fresh_installation_has_a_current_policy():
    assert policy_version_current().version == "1"


def test_sign_up_is_refused_without_consent_and_creates_nothing(client):
    response = sign_up(client, accept_policy="")
    assert response.status_code == 400  # a refused sign-up says so, as every other refused form does
    assert "accept_policy" in response.context["form"].errors
    assert not User.objects.exists()
    assert not PolicyConsent.objects.exists()


def test_sign_up_records_the_consent_with_where_it_came_from(client):
    sign_up(client)
    consent = PolicyConsent.objects.get(user__email="new@example.edu.cn")
    assert consent.policy_version == policy_version_current()
    assert consent.ip_address == "10.1.2.3"
    assert consent.user_agent == "TestBrowser/1.0"


def test_a_new_policy_version_forces_re_acceptance(client):
    learner = LearnerFactory()
    client.force_login(learner)
    assert client.get(reverse("home")).status_code == 200

    new_version = publish_new_version()

    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("privacy:accept"))
    page = client.get(response["Location"])
    assert "新增短信通知条款" in page.text
    assert not PolicyConsent.objects.filter(user=learner, policy_version=new_version).exists()

    # ticking nothing changes nothing
    response = client.post(reverse("privacy:accept"), {"next": "/"})
    assert response.status_code == 400
    assert not PolicyConsent.objects.filter(user=learner, policy_version=new_version).exists()

    response = client.post(reverse("privacy:accept"), {"accept": "on", "next": reverse("privacy:my-data")})
    assert response["Location"] == reverse("privacy:my-data")
    assert PolicyConsent.objects.filter(user=learner, policy_version=new_version).exists()
    assert client.get(reverse("home")).status_code == 200


def test_a_version_not_yet_in_effect_asks_nothing(client):
    learner = LearnerFactory()
    client.force_login(learner)
    publish_new_version(effective_at=timezone.now() + datetime.timedelta(days=3))
    assert client.get(reverse("home")).status_code == 200


def test_the_api_answers_json_until_the_policy_is_accepted(client):
    learner = LearnerFactory()
    client.force_login(learner)
    publish_new_version()
    response = client.get(reverse("my-access-log"))
    assert response.status_code == 403
    assert response.json()["code"] == "policy_acceptance_required"


def test_the_policy_and_log_out_stay_reachable_before_accepting(client):
    learner = LearnerFactory()
    client.force_login(learner)
    publish_new_version()
    assert client.get(reverse("privacy:policy")).status_code == 200
    assert client.post(reverse("logout")).status_code == 302


def test_the_accept_page_never_redirects_off_site(client):
    learner = LearnerFactory()
    client.force_login(learner)
    publish_new_version()
    response = client.post(reverse("privacy:accept"), {"accept": "on", "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_purpose_consent_can_be_given_and_withdrawn_and_given_again(client):
    learner = LearnerFactory()
    client.force_login(learner)
    url = reverse("privacy:purpose-consent")
    client.post(url, {"purpose": Purpose.COUNSELLING_RECORDS, "decision": "grant"})
    client.post(url, {"purpose": Purpose.COUNSELLING_RECORDS, "decision": "grant"})
    assert PurposeConsent.objects.filter(user=learner, withdrawn_at=None).count() == 1
    client.post(url, {"purpose": Purpose.COUNSELLING_RECORDS, "decision": "withdraw"})
    assert not PurposeConsent.objects.filter(user=learner, withdrawn_at=None).exists()
    client.post(url, {"purpose": Purpose.COUNSELLING_RECORDS, "decision": "grant"})
    assert PurposeConsent.objects.filter(user=learner).count() == 2


def test_an_unknown_purpose_changes_nothing(client):
    learner = LearnerFactory()
    client.force_login(learner)
    client.post(reverse("privacy:purpose-consent"), {"purpose": "selling_data", "decision": "grant"})
    assert not PurposeConsent.objects.exists()


def test_a_parent_consents_for_their_child_but_a_stranger_cannot():
    from accounts.tests.factories import GuardianshipFactory

    link = GuardianshipFactory()
    consent = purpose_consent_grant(user=link.learner, purpose=Purpose.MINOR_DATA, given_by=link.guardian)
    assert consent.given_by == link.guardian
    stranger = LearnerFactory()
    with pytest.raises(PrivacyError):
        purpose_consent_withdraw(user=link.learner, purpose=Purpose.MINOR_DATA, actor=stranger)
    assert PurposeConsent.objects.get().withdrawn_at is None
