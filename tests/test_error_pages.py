"""With DEBUG off, errors get the site's own pages in the visitor's language, each with a way home."""

import pytest
from django.conf import settings
from django.db import connection
from django.template.loader import render_to_string
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from accounts.tests.factories import LearnerFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.error_urls")]

HOME_LINK = 'href="/"'


@pytest.fixture(autouse=True)
def debug_off(settings):
    settings.DEBUG = False


def client_in(language: str, **kwargs) -> Client:
    client = Client(**kwargs)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def assert_no_django_page(html: str) -> None:
    for django_words in ("<h1>Not Found</h1>", "<h1>Bad Request (400)</h1>", "<h1>Server Error (500)</h1>"):
        assert django_words not in html
    assert "<h1>403 Forbidden</h1>" not in html


@pytest.mark.parametrize(
    ("language", "heading", "text"),
    [
        ("zh-hans", "<h1>页面不存在</h1>", "此地址没有页面"),
        ("en", "<h1>Page not found</h1>", "There is no page at this address"),
    ],
)
def test_a_missing_page_is_the_sites_own(language, heading, text):
    response = client_in(language).get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert heading in html and text in html
    assert f'<html lang="{language}">' in html
    assert 'class="site-header"' in html  # the site's layout, with its navigation
    assert HOME_LINK in html
    assert_no_django_page(html)


@pytest.mark.parametrize(("language", "detail"), [("zh-hans", "未找到。"), ("en", "Not found.")])
@pytest.mark.parametrize(
    "address",
    [
        "/api/v1/no-such-endpoint/",
        "/api/v1/remedies/null,null/carry-out/",  # an id the URL's converter refuses
        "/api/v1/complaints/TS-2026-000001/attachments/abc/",
    ],
)
def test_an_api_address_that_names_nothing_answers_in_json(language, detail, address):
    client = client_in(language)
    client.force_login(LearnerFactory())

    response = client.get(address)

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": detail, "code": "not_found"}


def test_a_page_address_beside_the_api_keeps_the_page():
    response = client_in("en").get("/apiary/")  # begins like the API's prefix, but is not under it
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
    assert "<h1>Page not found</h1>" in response.content.decode()


@pytest.mark.parametrize(
    ("language", "heading", "text"),
    [
        ("zh-hans", "<h1>无权访问</h1>", "您的账户无权打开此页面"),
        ("en", "<h1>Not allowed</h1>", "Your account may not open this page"),
    ],
)
def test_a_refused_page_is_the_sites_own(language, heading, text):
    client = client_in(language)
    client.force_login(LearnerFactory())
    response = client.get(reverse("dashboard:page"))
    assert response.status_code == 403
    html = response.content.decode()
    assert heading in html and text in html
    assert 'class="site-header"' in html
    assert HOME_LINK in html
    assert_no_django_page(html)


@pytest.mark.parametrize(
    ("language", "heading"), [("zh-hans", "<h1>请求无效</h1>"), ("en", "<h1>Bad request</h1>")]
)
def test_a_bad_request_is_the_sites_own(language, heading):
    response = client_in(language).get("/tampered/")
    assert response.status_code == 400
    html = response.content.decode()
    assert heading in html
    assert f'<html lang="{language}">' in html
    assert HOME_LINK in html
    assert "a tampered request" not in html
    assert_no_django_page(html)


def test_a_request_for_another_host_gets_the_bad_request_page_in_the_default_language():
    # refused before the middleware that knows the visitor's language, or who they are, has run
    response = client_in("en").get("/", HTTP_HOST="not-our-site.example")
    assert response.status_code == 400
    html = response.content.decode()
    assert "<h1>请求无效</h1>" in html and '<html lang="zh-hans">' in html
    assert HOME_LINK in html
    assert_no_django_page(html)


@pytest.mark.parametrize(
    ("language", "heading", "text"),
    [
        ("zh-hans", "<h1>出错了</h1>", "由于我们这边的错误"),
        ("en", "<h1>Something went wrong</h1>", "because of an error on our side"),
    ],
)
def test_a_server_error_is_the_sites_own(language, heading, text):
    response = client_in(language, raise_request_exception=False).get("/fails/")
    assert response.status_code == 500
    html = response.content.decode()
    assert heading in html and text in html
    assert f'<html lang="{language}">' in html
    assert HOME_LINK in html
    assert "the database went away" not in html
    assert_no_django_page(html)


def test_the_server_error_page_needs_neither_the_database_nor_the_request():
    # Django renders 500.html with no request and no context processors; it must not reach for the database
    with translation.override("zh-hans"), CaptureQueriesContext(connection) as queries:
        html = render_to_string("500.html")
    assert len(queries.captured_queries) == 0
    assert "<h1>出错了</h1>" in html and HOME_LINK in html
    assert "{{" not in html and "static/" not in html
