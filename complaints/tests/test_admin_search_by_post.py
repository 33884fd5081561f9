"""The queue is searched by POST: a mobile number, a name or an e-mail address never travels in a URL.

The search box posts its term; the list comes back at an address with an opaque token, bound to the member
of staff and kept for a short while. Every request line of the round trip, and every link on the result
page, holds the token and never the term.
"""

import re
import time
from urllib.parse import unquote

import pytest
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from accounts.models import User
from accounts.roles import Role
from accounts.tests.factories import LearnerFactory, StaffFactory
from privacy.admin import SEARCH_TOKEN_VAR
from privacy.models import AccessLogEntry
from privacy.searches import search_term_for_token

from .factories import ComplaintFactory

pytestmark = pytest.mark.django_db

QUEUE = reverse("admin:complaints_complaint_changelist")


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def request_lines(first: str, response) -> list[str]:
    """The path and query of every request the client made: the first, then each redirect it followed."""
    return [first, *(url for url, _status in response.redirect_chain)]


def stored_searches() -> set[bytes]:
    """The keys of every search the cache holds (read from Redis itself)."""
    return set(cache._cache.get_client().keys("*privacy:search:*"))


def listed(page) -> list[str]:
    return [complaint.reference for complaint in page.context["cl"].result_list]


def token_of(url: str) -> str:
    match = re.search(rf"[?&]{SEARCH_TOKEN_VAR}=([^&]+)", url)
    assert match, url
    return match.group(1)


@pytest.fixture
def wanted(category):
    learner = LearnerFactory(mobile="13812345678", display_name="陈静怡", email="chen.jingyi@example.edu.cn")
    return ComplaintFactory(category=category, complainant=learner)


@pytest.mark.parametrize(
    ("term", "secret"),
    [
        ("138 1234 5678", "5678"),
        ("陈静怡", "陈静怡"),
        ("chen.jingyi@example.edu.cn", "chen.jingyi"),
    ],
)
def test_a_posted_search_finds_the_complaint_and_no_url_holds_the_term(
    dept_agent, category, wanted, term, secret
):
    ComplaintFactory(category=category)  # someone else's, not found

    # when the agent searches the queue through its search box
    page = logged_in(dept_agent).post(QUEUE, {"q": term, "_search": "1"}, follow=True)

    # then the list shows the complaint, and neither the request lines nor the page's links hold the term
    assert page.status_code == 200
    assert listed(page) == [wanted.reference]
    lines = request_lines(QUEUE, page)
    assert len(lines) == 2 and SEARCH_TOKEN_VAR + "=" in lines[1]
    for line in lines:
        assert secret not in unquote(line) and "q=" not in line
    links = re.findall(r'href="([^"]*)"', page.text)
    assert links and not any(secret in link or "q=" in link for link in links)
    # and the box shows what was searched, in the page only
    assert f'value="{term}"' in page.text


def test_the_search_box_posts_with_its_csrf_token(dept_agent):
    page = logged_in(dept_agent).get(QUEUE)
    form = re.search(r'<form id="changelist-search"[^>]*>(.*?)</form>', page.text, re.S)
    assert form and 'method="post"' in form.group(0)
    assert 'name="csrfmiddlewaretoken"' in form.group(1) and 'name="_search"' in form.group(1)


def test_a_search_posted_without_the_csrf_token_is_refused(dept_agent, wanted):
    client = Client(enforce_csrf_checks=True)
    client.force_login(dept_agent)
    response = client.post(QUEUE, {"q": "13812345678", "_search": "1"})
    assert response.status_code == 403
    assert not AccessLogEntry.objects.filter(kind="search").exists()


def test_the_term_is_kept_encrypted_and_bound_to_who_searched(dept_agent, wanted):
    response = logged_in(dept_agent).post(QUEUE, {"q": "13812345678", "_search": "1"})
    token = token_of(response.url)

    assert any(key.endswith(f"privacy:search:{dept_agent.pk}:{token}".encode()) for key in stored_searches())
    stored = cache.get(f"privacy:search:{dept_agent.pk}:{token}")
    assert stored and "13812345678" not in stored and stored.startswith("enc1:")
    assert search_term_for_token(user=dept_agent, token=token) == "13812345678"
    assert search_term_for_token(user=StaffFactory(), token=token) is None


def test_a_search_keeps_the_lists_filters_and_its_pages_carry_the_token(dept_agent, category, wanted):
    client = logged_in(dept_agent)
    response = client.post(f"{QUEUE}?queue=department&state=submitted", {"q": "陈静怡", "_search": "1"})
    assert response.status_code == 302
    assert "queue=department" in response.url and "state=submitted" in response.url

    page = client.get(response.url)
    assert listed(page) == [wanted.reference]
    filter_links = re.findall(r'href="(\?[^"]*)"', page.text)
    assert any(SEARCH_TOKEN_VAR + "=" in link for link in filter_links)


def test_a_term_in_a_link_is_swapped_for_a_token_and_leaves_no_trace_in_the_log(dept_agent, wanted):
    client = logged_in(dept_agent)

    response = client.get(QUEUE, {"q": "13812345678", "queue": "department"})

    assert response.status_code == 302
    assert "13812345678" not in response.url and "q=" not in response.url
    assert "queue=department" in response.url
    page = client.get(response.url)
    assert listed(page) == [wanted.reference]
    for entry in AccessLogEntry.objects.all():
        assert "13812345678" not in " ".join(str(value) for value in entry.__dict__.values())


def test_a_token_from_another_member_of_staff_finds_nothing(dept_agent, category, wanted):
    # given a search made by one agent
    address = logged_in(dept_agent).post(QUEUE, {"q": "13812345678", "_search": "1"}).url
    colleague = StaffFactory(department=dept_agent.department, roles=[Role.AGENT])
    ComplaintFactory(category=category)

    # when a colleague opens its address
    page = logged_in(colleague).get(address, follow=True)

    # then the search is not theirs: they are told so and see the queue unsearched
    assert page.redirect_chain and SEARCH_TOKEN_VAR not in page.redirect_chain[-1][0]
    assert "搜索已过期" in page.text
    assert page.context["cl"].query == ""
    assert 'value="13812345678"' not in page.text
    assert not AccessLogEntry.objects.filter(actor=colleague, kind="search").exists()


def test_an_expired_search_says_so(settings, dept_agent, wanted):
    settings.PRIVACY_SEARCH_TTL_SECONDS = 1
    client = logged_in(dept_agent)
    address = client.post(QUEUE, {"q": "13812345678", "_search": "1"}).url
    assert listed(client.get(address)) == [wanted.reference]

    time.sleep(1.5)  # the cache itself lets the token expire
    page = client.get(address, follow=True)

    assert "搜索已过期" in page.text
    assert page.context["cl"].query == ""
    assert SEARCH_TOKEN_VAR not in page.redirect_chain[-1][0]


@pytest.mark.parametrize("term", ["x" * 101, "138\x0712345678"])
def test_a_bad_term_is_refused_with_a_message_and_stores_nothing(dept_agent, wanted, term):
    keys_before = stored_searches()
    page = logged_in(dept_agent).post(QUEUE, {"q": term, "_search": "1"}, follow=True)

    assert page.status_code == 200
    assert page.context["cl"].query == ""
    assert any(message.level_tag == "error" for message in page.context["messages"])
    assert all(SEARCH_TOKEN_VAR not in url for url, _status in page.redirect_chain)
    assert not AccessLogEntry.objects.filter(kind="search").exists()
    assert stored_searches() == keys_before


def test_the_search_is_logged_as_a_search_naming_the_people_found_and_not_the_term(dept_agent, wanted):
    logged_in(dept_agent).post(QUEUE, {"q": "13812345678", "_search": "1"}, follow=True)

    entry = AccessLogEntry.objects.get(actor=dept_agent)
    assert (entry.subject_id, entry.object_id, entry.kind) == (
        wanted.complainant_id,
        str(wanted.pk),
        "search",
    )
    assert "13812345678" not in " ".join(str(value) for value in entry.__dict__.values())


def test_the_people_admin_searches_by_post_too(wanted):
    officer = StaffFactory(roles=[Role.SUPERVISOR])
    officer.user_permissions.add(Permission.objects.get(codename="view_user"))
    officer = User.objects.get(pk=officer.pk)
    people = reverse("admin:accounts_user_changelist")

    page = logged_in(officer).post(people, {"q": "chen.jingyi@example.edu.cn", "_search": "1"}, follow=True)

    assert [person.pk for person in page.context["cl"].result_list] == [wanted.complainant_id]
    assert all("chen.jingyi" not in unquote(url) for url in request_lines(people, page))
    entry = AccessLogEntry.objects.get(actor=officer)
    assert (entry.subject_id, entry.kind, entry.screen) == (
        wanted.complainant_id,
        "search",
        "admin:accounts_user_changelist",
    )


def test_staff_who_may_not_see_the_list_are_refused_before_any_search_is_kept(wanted):
    learner = LearnerFactory()  # logged in, but no member of staff
    instructor = StaffFactory(roles=[Role.INSTRUCTOR])
    keys_before = stored_searches()

    for reader in (learner, instructor):
        response = logged_in(reader).post(QUEUE, {"q": "13812345678", "_search": "1"})
        assert response.status_code in (302, 403)
        assert SEARCH_TOKEN_VAR not in response.get("Location", "")

    assert stored_searches() == keys_before
    assert not AccessLogEntry.objects.exists()


@pytest.mark.parametrize("token", ["a b c d e f g h i j", "x" * 300, "../../etc", "短"])
def test_a_token_that_is_no_token_of_ours_says_the_search_expired(dept_agent, wanted, token):
    page = logged_in(dept_agent).get(QUEUE, {SEARCH_TOKEN_VAR: token}, follow=True)

    assert page.status_code == 200
    assert page.context["cl"].query == ""
    assert "搜索已过期" in page.text
