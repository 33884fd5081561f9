"""The account page: one's own name, e-mail, verified mobile number, password and notice channels.

Every change is tested with its refusals, which show the error next to the field and change nothing.
"""

import datetime
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from accounts.models import MobileVerification, User
from accounts.services import MOBILE_CODE_MAX_ATTEMPTS
from accounts.tests.factories import LearnerFactory
from notifications import sms
from notifications.models import NotificationPreference
from privacy.models import Purpose, PurposeConsent

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password"  # the factories' password
NEW_MOBILE = "13712345678"


@pytest.fixture(autouse=True)
def sms_outbox():
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


@pytest.fixture
def person(db):
    return LearnerFactory(email="me@example.edu.cn", display_name="张同学", mobile="13900000001")


@pytest.fixture
def me(client, person):
    client.force_login(person)
    return client


def columns(user: User) -> dict:
    fresh = User.objects.get(pk=user.pk)
    return {field.attname: getattr(fresh, field.attname) for field in User._meta.concrete_fields}


def error_shown(response, field_id: str) -> bool:
    return f'id="{field_id}_error"' in response.text


def ask_code(client, django_capture_on_commit_callbacks, mobile=NEW_MOBILE):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(reverse("account-mobile"), {"mobile-mobile": mobile})


def code_sent(outbox) -> str:
    return re.search(r"\b(\d{6})\b", outbox[-1]["text"]).group(1)


def test_the_account_page_is_linked_from_the_navigation_and_shows_my_details(me, person):
    home = me.get(reverse("home"))
    page = me.get(reverse("account"))

    assert f'href="{reverse("account")}"' in home.text
    assert page.status_code == 200
    assert "me@example.edu.cn" in page.text
    assert "139****0001" in page.text
    assert "13900000001" not in page.text


def test_the_account_page_needs_a_log_in(client):
    response = client.get(reverse("account"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# --- Name ---------------------------------------------------------------------------------------------------


def test_i_change_my_name(me, person):
    response = me.post(reverse("account-name"), {"name-display_name": "  张小明 "})

    assert response.status_code == 302
    assert User.objects.get(pk=person.pk).display_name == "张小明"


def test_an_empty_name_is_refused_next_to_the_field(me, person):
    before = columns(person)

    response = me.post(reverse("account-name"), {"name-display_name": "   "})

    assert response.status_code == 400
    assert error_shown(response, "id_name-display_name")
    assert columns(person) == before


# --- E-mail -------------------------------------------------------------------------------------------------


def test_i_change_my_email_with_my_current_password_and_log_in_with_it(me, person, client):
    response = me.post(
        reverse("account-email"), {"email-email": "New@Example.edu.cn", "email-password": PASSWORD}
    )

    assert response.status_code == 302
    assert User.objects.get(pk=person.pk).email == "new@example.edu.cn"
    client.logout()
    assert client.login(username="new@example.edu.cn", password=PASSWORD)


def test_a_wrong_current_password_changes_no_email(me, person):
    before = columns(person)

    response = me.post(
        reverse("account-email"), {"email-email": "new@example.edu.cn", "email-password": "wrong"}
    )

    assert response.status_code == 400
    assert error_shown(response, "id_email-password")
    assert columns(person) == before


@pytest.mark.parametrize("taken", ["other@example.edu.cn", "OTHER@example.edu.cn"])
def test_an_email_another_account_uses_is_refused(me, person, taken):
    LearnerFactory(email="other@example.edu.cn")
    before = columns(person)

    response = me.post(reverse("account-email"), {"email-email": taken, "email-password": PASSWORD})

    assert response.status_code == 400
    assert error_shown(response, "id_email-email")
    assert columns(person) == before


def test_an_email_that_is_not_an_address_is_refused(me, person):
    before = columns(person)

    response = me.post(
        reverse("account-email"), {"email-email": "not-an-address", "email-password": PASSWORD}
    )

    assert response.status_code == 400
    assert error_shown(response, "id_email-email")
    assert columns(person) == before


# --- Password -----------------------------------------------------------------------------------------------


def password_change(current=PASSWORD, new="Brand-new-pass-2026", again=None) -> dict:
    return {
        "password-current_password": current,
        "password-new_password": new,
        "password-new_password_again": new if again is None else again,
    }


def test_i_change_my_password_and_stay_logged_in(me, person, client):
    response = me.post(reverse("account-password"), password_change())

    assert response.status_code == 302
    assert me.get(reverse("account")).status_code == 200  # this session goes on
    fresh = User.objects.get(pk=person.pk)
    assert fresh.check_password("Brand-new-pass-2026")
    assert not fresh.check_password(PASSWORD)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (password_change(current="wrong"), "id_password-current_password"),
        (password_change(again="Something-else-2026"), "id_password-new_password_again"),
        (password_change(new="12345678"), "id_password-new_password"),
    ],
    ids=["wrong current password", "two passwords differ", "too weak"],
)
def test_a_refused_password_change_changes_nothing(me, person, change, field):
    before = columns(person)

    response = me.post(reverse("account-password"), change)

    assert response.status_code == 400
    assert error_shown(response, field)
    assert columns(person) == before


# --- Mobile number, verified by a code ----------------------------------------------------------------------


def test_a_code_goes_to_the_new_number_and_the_number_changes_only_with_it(
    me, person, sms_outbox, django_capture_on_commit_callbacks
):
    response = ask_code(me, django_capture_on_commit_callbacks, mobile="+86 137-1234-5678")

    assert response.status_code == 302
    assert [message["to"] for message in sms_outbox] == [NEW_MOBILE]
    code = code_sent(sms_outbox)
    verification = MobileVerification.objects.get(user=person)
    assert code not in verification.code_hash
    assert len(verification.code_hash) == 64
    assert verification.expires_at == verification.sent_at + datetime.timedelta(minutes=10)
    assert User.objects.get(pk=person.pk).mobile == "13900000001"
    assert "137****5678" in me.get(reverse("account")).text

    confirmed = me.post(reverse("account-mobile-confirm"), {"code-code": code})

    assert confirmed.status_code == 302
    fresh = User.objects.get(pk=person.pk)
    assert fresh.mobile == NEW_MOBILE
    assert User.objects.get(mobile_index=fresh.mobile_index) == fresh
    assert not MobileVerification.objects.exists()


def test_a_wrong_code_is_counted_and_changes_nothing(
    me, person, sms_outbox, django_capture_on_commit_callbacks
):
    ask_code(me, django_capture_on_commit_callbacks)
    wrong = "000000" if code_sent(sms_outbox) != "000000" else "111111"
    before = columns(person)

    response = me.post(reverse("account-mobile-confirm"), {"code-code": wrong})

    assert response.status_code == 400
    assert error_shown(response, "id_code-code")
    assert MobileVerification.objects.get(user=person).attempts == 1
    assert columns(person) == before


def test_after_too_many_wrong_codes_even_the_right_one_is_refused(
    me, person, sms_outbox, django_capture_on_commit_callbacks
):
    ask_code(me, django_capture_on_commit_callbacks)
    code = code_sent(sms_outbox)
    wrong = "000000" if code != "000000" else "111111"
    for _attempt in range(MOBILE_CODE_MAX_ATTEMPTS):
        me.post(reverse("account-mobile-confirm"), {"code-code": wrong})
    before = columns(person)

    response = me.post(reverse("account-mobile-confirm"), {"code-code": code})

    assert response.status_code == 400
    assert error_shown(response, "id_code-code")
    assert MobileVerification.objects.get(user=person).attempts == MOBILE_CODE_MAX_ATTEMPTS
    assert columns(person) == before


def test_an_expired_code_is_refused(me, person, sms_outbox, django_capture_on_commit_callbacks):
    ask_code(me, django_capture_on_commit_callbacks)
    code = code_sent(sms_outbox)
    before = columns(person)

    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=10, seconds=1), tick=False):
        response = me.post(reverse("account-mobile-confirm"), {"code-code": code})

    assert response.status_code == 400
    assert error_shown(response, "id_code-code")
    assert "expired" in response.context["code_form"].errors.as_data()["code"][0].code
    assert columns(person) == before


def test_no_code_was_asked_for(me, person):
    before = columns(person)

    response = me.post(reverse("account-mobile-confirm"), {"code-code": "123456"})

    assert response.status_code == 400
    assert error_shown(response, "id_code-code")
    assert columns(person) == before


@pytest.mark.parametrize(
    "mobile",
    ["12345", "23912345678", "13900000001", "13800000099"],
    ids=["short", "not mobile", "mine", "taken"],
)
def test_a_number_that_cannot_be_mine_gets_no_code(
    me, person, mobile, sms_outbox, django_capture_on_commit_callbacks
):
    LearnerFactory(mobile="13800000099")
    before = columns(person)

    response = ask_code(me, django_capture_on_commit_callbacks, mobile=mobile)

    assert response.status_code == 400
    assert error_shown(response, "id_mobile-mobile")
    assert sms_outbox == []
    assert not MobileVerification.objects.exists()
    assert columns(person) == before


def test_a_new_code_waits_a_minute_and_then_replaces_the_old_one(
    me, person, sms_outbox, django_capture_on_commit_callbacks
):
    ask_code(me, django_capture_on_commit_callbacks)
    first = code_sent(sms_outbox)

    too_soon = ask_code(me, django_capture_on_commit_callbacks)
    assert too_soon.status_code == 400
    assert error_shown(too_soon, "id_mobile-mobile")
    assert len(sms_outbox) == 1

    later = timezone.now() + datetime.timedelta(seconds=61)
    with time_machine.travel(later, tick=False):
        assert ask_code(me, django_capture_on_commit_callbacks).status_code == 302
        second = code_sent(sms_outbox)
        assert len(sms_outbox) == 2
        if first != second:
            refused = me.post(reverse("account-mobile-confirm"), {"code-code": first})
            assert refused.status_code == 400
        assert me.post(reverse("account-mobile-confirm"), {"code-code": second}).status_code == 302
    assert User.objects.get(pk=person.pk).mobile == NEW_MOBILE


def test_the_code_is_sent_in_my_language(me, person, sms_outbox, django_capture_on_commit_callbacks):
    person.preferred_language = "en"
    person.save(update_fields=["preferred_language"])

    ask_code(me, django_capture_on_commit_callbacks)

    assert sms_outbox[-1]["text"].startswith("Your verification code is ")


# --- Notice channels ----------------------------------------------------------------------------------------


def test_i_turn_sms_notices_on_with_my_consent(me, person):
    response = me.post(
        reverse("account-channels"),
        {"channels-email": "on", "channels-sms": "on", "channels-consent_to_sms": "on"},
    )

    assert response.status_code == 302
    preference = NotificationPreference.objects.get(user=person)
    assert (preference.email, preference.sms) == (True, True)
    consent = PurposeConsent.objects.get(user=person, purpose=Purpose.SMS_NOTICES)
    assert (consent.given_by, consent.withdrawn_at) == (person, None)
    page = me.get(reverse("account"))
    assert "channels-consent_to_sms" not in page.text  # consent given: no need to ask again


def test_sms_without_consent_is_refused_and_records_nothing(me, person):
    response = me.post(reverse("account-channels"), {"channels-email": "on", "channels-sms": "on"})

    assert response.status_code == 400
    assert error_shown(response, "id_channels-sms")
    assert not NotificationPreference.objects.exists()
    assert not PurposeConsent.objects.exists()


def test_sms_without_a_mobile_number_is_refused_and_records_no_consent(client):
    person = LearnerFactory(mobile="")
    client.force_login(person)

    response = client.post(
        reverse("account-channels"), {"channels-sms": "on", "channels-consent_to_sms": "on"}
    )

    assert response.status_code == 400
    assert error_shown(response, "id_channels-sms")
    assert not NotificationPreference.objects.exists()
    assert not PurposeConsent.objects.exists()


def test_i_turn_email_notices_off(me, person):
    response = me.post(reverse("account-channels"), {})

    assert response.status_code == 302
    preference = NotificationPreference.objects.get(user=person)
    assert (preference.email, preference.sms) == (False, False)
