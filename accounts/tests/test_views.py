import re

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from accounts.models import User
from accounts.roles import Role
from accounts.tests.factories import LearnerFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"


def sign_up_data(**overrides) -> dict:
    data = {
        "display_name": "李同学",
        "email": "new.learner@example.edu.cn",
        "mobile": "+86 139 1234 5678",
        "account_type": "learner",
        "preferred_language": "zh-hans",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "accept_policy": "on",
    }
    data.update(overrides)
    return data


def test_sign_up_page_is_in_chinese_by_default_whatever_the_browser_asks(client):
    response = client.get(reverse("sign-up"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.status_code == 200
    assert "创建账户" in response.text
    assert '<html lang="zh-hans">' in response.text


def test_sign_up_creates_a_learner_and_logs_them_in(client):
    response = client.post(reverse("sign-up"), sign_up_data())
    assert response.status_code == 302
    user = User.objects.get(email="new.learner@example.edu.cn")
    assert user.mobile == "13912345678"
    assert user.has_role(Role.LEARNER)
    assert not user.is_staff
    assert client.get(reverse("home")).context["user"] == user


def test_sign_up_as_parent_gives_the_parent_role(client):
    client.post(reverse("sign-up"), sign_up_data(account_type="parent"))
    assert User.objects.get(email="new.learner@example.edu.cn").has_role(Role.PARENT)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"email": "not-an-email"}, "email"),
        ({"mobile": "12345"}, "mobile"),
        ({"password2": "something-else-entirely"}, "password2"),
        ({"password1": "123", "password2": "123"}, "password1"),
        ({"account_type": "agent"}, "account_type"),
        ({"display_name": ""}, "display_name"),
        ({"display_name": "李同学\u202e"}, "display_name"),
        ({"display_name": "\u2067管理员\u2069"}, "display_name"),
        ({"accept_policy": ""}, "accept_policy"),
    ],
)
def test_bad_sign_up_shows_the_error_at_the_field_and_creates_nothing(client, overrides, field):
    response = client.post(reverse("sign-up"), sign_up_data(**overrides))
    assert response.status_code == 400
    assert field in response.context["form"].errors
    # the error list carries the id the invalid input's aria-describedby names, so screen readers read it
    assert f'<ul class="field-errors" id="id_{field}_error">' in response.text
    if field == "account_type":  # a radio group is described by its fieldset
        described = re.search(r"<fieldset[^>]*>", response.text).group(0)
    else:
        control = rf'<(?:input|select|textarea) [^>]*name="{field}"[^>]*>'
        described = re.search(control, response.text).group(0)
        assert 'aria-invalid="true"' in described
    assert re.search(rf'aria-describedby="(?:[^"]* )?id_{field}_error[ "]', described)
    assert f"id_{field}_errors" not in response.text
    assert not User.objects.exists()


def test_a_short_password_is_refused_in_chinese_and_in_english(client):
    response = client.post(reverse("sign-up"), sign_up_data(password1="short-1", password2="short-1"))
    assert response.context["form"].errors["password1"] == ["密码长度太短。密码必须包含至少 8 个字符。"]
    assert "This password is too short" not in response.text

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(reverse("sign-up"), sign_up_data(password1="short-1", password2="short-1"))
    assert response.context["form"].errors["password1"] == [
        "This password is too short. It must contain at least 8 characters."
    ]
    assert not User.objects.exists()


def test_sign_up_refuses_an_email_already_in_use_in_any_case(client):
    LearnerFactory(email="taken@example.edu.cn")
    response = client.post(reverse("sign-up"), sign_up_data(email="TAKEN@example.edu.cn"))
    assert "email" in response.context["form"].errors
    assert User.objects.count() == 1


def test_log_in_with_email_and_log_out(client):
    LearnerFactory(email="me@example.edu.cn", password=PASSWORD)
    response = client.post(reverse("login"), {"username": "Me@Example.edu.cn", "password": PASSWORD})
    assert response.status_code == 302
    assert response.wsgi_request.user.is_authenticated
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert not client.get(reverse("home")).context["user"].is_authenticated


def test_log_in_with_wrong_password_is_refused(client):
    LearnerFactory(email="me@example.edu.cn", password=PASSWORD)
    response = client.post(reverse("login"), {"username": "me@example.edu.cn", "password": "wrong-password"})
    assert response.status_code == 200
    assert not response.wsgi_request.user.is_authenticated


def test_log_out_needs_post(client):
    user = LearnerFactory()
    client.force_login(user)
    assert client.get(reverse("logout")).status_code == 405
    assert client.get(reverse("home")).context["user"] == user


def test_password_reset_mails_a_working_link(client):
    LearnerFactory(email="me@example.edu.cn")
    response = client.post(reverse("password_reset"), {"email": "me@example.edu.cn"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = next(line for line in mail.outbox[0].body.splitlines() if "/password-reset/" in line)
    path = link.split("://", 1)[1].split("/", 1)[1]
    response = client.get("/" + path, follow=True)
    assert response.context["validlink"]
    response = client.post(
        response.redirect_chain[-1][0],
        {"new_password1": "brand-new-pass-2026", "new_password2": "brand-new-pass-2026"},
    )
    assert response.status_code == 302
    assert User.objects.get(email="me@example.edu.cn").check_password("brand-new-pass-2026")


def test_password_reset_for_an_unknown_address_sends_nothing(client):
    client.post(reverse("password_reset"), {"email": "nobody@example.edu.cn"})
    assert mail.outbox == []


def test_language_switch_sets_the_cookie_and_remembers_it_on_the_account(client):
    user = LearnerFactory()
    client.force_login(user)
    response = client.post(reverse("choose-language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    user.refresh_from_db()
    assert user.preferred_language == "en"
    assert "Our promises to you" in client.get(reverse("home")).text


def test_a_saved_preference_applies_on_a_new_device(client):
    user = LearnerFactory(preferred_language="en")
    client.force_login(user)
    assert '<html lang="en">' in client.get(reverse("home")).text


def test_an_unknown_language_changes_nothing(client):
    user = LearnerFactory()
    client.force_login(user)
    client.post(reverse("choose-language"), {"language": "xx", "next": "/"})
    user.refresh_from_db()
    assert user.preferred_language == "zh-hans"
    assert '<html lang="zh-hans">' in client.get(reverse("home")).text


def test_navigation_fits_the_role(client, agent):
    learner = LearnerFactory()
    client.force_login(learner)
    assert reverse("admin:index") not in client.get(reverse("home")).text
    client.force_login(agent)
    assert reverse("admin:index") in client.get(reverse("home")).text
