"""Every list of complaints a member of staff is shown leaves one access-log row per complaint and person.

The rows name who read, through which screen, and whose complaint it was; never a value shown. Each page
writes its rows in one INSERT, so a list still costs a fixed number of queries.
"""

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from accounts.models import Guardianship, User
from accounts.roles import Role
from accounts.tests.factories import LearnerFactory, ParentFactory, StaffFactory
from complaints.models import Complaint
from complaints.states import State
from privacy.models import AccessLogEntry

from .api_helpers import logged_in
from .factories import ComplaintFactory

pytestmark = pytest.mark.django_db

QUEUE = reverse("admin:complaints_complaint_changelist")
API_LIST = "/api/v1/complaints/"


def logged(**filters) -> set[tuple[int, str]]:
    """The (person, record) pairs the access log holds for the filters."""
    return set(AccessLogEntry.objects.filter(**filters).values_list("subject_id", "object_id"))


def shown(*complaints: Complaint) -> set[tuple[int, str]]:
    pairs = set()
    for complaint in complaints:
        pairs |= {(complaint.complainant_id, str(complaint.pk)), (complaint.learner_id, str(complaint.pk))}
    return pairs


def assert_no_values(complaints) -> None:
    """No column of any log row holds a title, a reference or a name that the list showed."""
    values = set()
    for complaint in complaints:
        values |= {complaint.title, complaint.reference, complaint.complainant.display_name}
    for entry in AccessLogEntry.objects.all():
        text = " ".join(str(getattr(entry, field.attname)) for field in AccessLogEntry._meta.concrete_fields)
        assert not any(value in text for value in values), text


@pytest.fixture
def parents_complaint(category):
    """A complaint a parent filed for their child: the list shows both people."""
    parent, child = ParentFactory(), LearnerFactory()
    Guardianship.objects.create(guardian=parent, learner=child)
    return ComplaintFactory(category=category, complainant=parent, learner=child, filed_by=parent)


# --- the API -----------------------------------------------------------------------------------------------


def test_a_staff_members_api_list_logs_each_complaint_and_person_shown(
    category, dept_agent, parents_complaint
):
    # given complaints in the agent's department, one of their own, and one of another department
    plain = ComplaintFactory(category=category, acknowledged=True)
    ComplaintFactory(category=category, complainant=dept_agent, learner=dept_agent)
    elsewhere = ComplaintFactory()

    # when the agent lists them through the API
    response = logged_in(dept_agent).get(API_LIST)

    # then every complaint shown of another person is logged for its complainant and its learner
    assert response.status_code == 200
    assert len(response.json()["results"]) == 3
    assert logged(actor=dept_agent) == shown(plain, parents_complaint)
    assert not logged(subject=dept_agent)
    assert not logged(subject=elsewhere.complainant)
    entry = AccessLogEntry.objects.filter(actor=dept_agent).first()
    assert (entry.channel, entry.kind, entry.screen) == ("api", "list", "api:complaint-list")
    assert entry.fields == ["reference", "complainant", "learner", "title", "state"]
    assert entry.content_type == ContentType.objects.get_for_model(Complaint)
    assert_no_values([plain, parents_complaint])


def test_a_learners_and_a_parents_own_lists_are_not_logged(parents_complaint):
    for reader in (parents_complaint.complainant, parents_complaint.learner):
        assert len(logged_in(reader).get(API_LIST).json()["results"]) == 1
    assert not AccessLogEntry.objects.exists()


@pytest.mark.parametrize("duplicates", [1, 4])
def test_the_duplicates_api_logs_the_complaints_it_suggests_at_a_fixed_cost(
    category, dept_agent, duplicates, django_assert_num_queries
):
    # given a complaint with same-complainant, same-category complaints filed around it
    complaint = ComplaintFactory(category=category)
    suggested = [
        ComplaintFactory(category=category, complainant=complaint.complainant) for _ in range(duplicates)
    ]
    ComplaintFactory(category=category)  # another complainant: no duplicate
    client = logged_in(dept_agent)
    url = f"/api/v1/complaints/{complaint.reference}/duplicates/"
    client.get(url)  # warm the session and the content types
    assert logged(actor=dept_agent) == shown(*suggested)

    # session, user, the second factor's device, policy, roles, the reader's reach and grants, the complaint,
    # the rules, the page, the access-log rows
    with django_assert_num_queries(11):
        response = client.get(url)

    assert [row["reference"] for row in response.json()["results"]] == [
        c.reference for c in sorted(suggested, key=lambda c: (c.created_at, c.pk), reverse=True)
    ]
    # each read of the list leaves its own rows: two reads, two rows per complaint shown
    assert AccessLogEntry.objects.filter(actor=dept_agent, screen="api:complaint-duplicates").count() == (
        2 * duplicates
    )
    assert not logged(object_id=str(complaint.pk), screen="api:complaint-duplicates")


# --- the admin ---------------------------------------------------------------------------------------------


def test_each_page_of_the_queue_logs_the_complaints_it_shows(monkeypatch, category, dept_agent):
    from complaints.admin.complaint import ComplaintAdmin

    monkeypatch.setattr(ComplaintAdmin, "list_per_page", 3)
    complaints = [ComplaintFactory(category=category) for _ in range(5)]
    ComplaintFactory()  # another department's: never shown, never logged
    client = logged_in(dept_agent)

    first = client.get(QUEUE)
    first_rows = list(first.context["cl"].result_list)
    assert logged(actor=dept_agent) == shown(*first_rows)
    second = client.get(QUEUE, {"p": 2})
    second_rows = list(second.context["cl"].result_list)

    assert len(first_rows) == 3 and len(second_rows) == 2
    assert logged(actor=dept_agent) == shown(*complaints)
    entries = AccessLogEntry.objects.filter(actor=dept_agent)
    assert entries.count() == 5
    assert {(e.channel, e.kind, e.screen) for e in entries} == {
        ("admin", "list", "admin:complaints_complaint_changelist")
    }
    assert {tuple(e.fields) for e in entries} == {("reference", "title", "state")}
    assert_no_values(complaints)


def test_a_queue_action_that_changes_rows_and_redirects_logs_no_list(category, dept_agent):
    complaint = ComplaintFactory(category=category)
    response = logged_in(dept_agent).post(
        QUEUE, {"action": "claim", "_selected_action": [complaint.pk], "index": 0}
    )
    assert response.status_code == 302
    assert not AccessLogEntry.objects.filter(kind="list").exists()


def test_the_workspace_logs_the_duplicates_it_suggests(category, dept_agent):
    complaint = ComplaintFactory(category=category, investigating=True, owner=dept_agent)
    duplicate = ComplaintFactory(category=category, complainant=complaint.complainant)

    page = logged_in(dept_agent).get(reverse("admin:complaints_complaint_change", args=[complaint.pk]))

    assert duplicate.reference in page.text
    assert logged(actor=dept_agent, kind="list") == shown(duplicate)
    entry = AccessLogEntry.objects.get(actor=dept_agent, kind="list")
    assert entry.screen == "admin:complaints_complaint_change:duplicates"
    # the complaint opened is logged as a record read, as before
    assert logged(actor=dept_agent, kind="record") == {(complaint.complainant_id, str(complaint.pk))}


@pytest.fixture
def guardianship_clerk(db):
    """A member of staff who keeps guardianships and may read people's records (for the autocomplete)."""
    clerk = StaffFactory(roles=[Role.SUPERVISOR])
    clerk.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_user", "view_guardianship", "change_guardianship"])
    )
    return User.objects.get(pk=clerk.pk)


def test_the_admin_autocomplete_logs_the_people_it_offers(guardianship_clerk):
    # given two learners whose names match and one who does not
    wang, wang_er = LearnerFactory(display_name="王小明"), LearnerFactory(display_name="王二")
    LearnerFactory(display_name="李雷")
    client = logged_in(guardianship_clerk)

    # when the guardianship form's learner field asks the autocomplete for "王", by POST as the page does
    response = client.post(
        reverse("admin:autocomplete"),
        {"app_label": "accounts", "model_name": "guardianship", "field_name": "learner", "term": "王"},
    )

    # then the people offered are logged, and only they, by id
    assert response.status_code == 200
    offered = {int(row["id"]) for row in response.json()["results"]}
    assert offered == {wang.pk, wang_er.pk}
    assert logged(actor=guardianship_clerk) == {(wang.pk, str(wang.pk)), (wang_er.pk, str(wang_er.pk))}
    entry = AccessLogEntry.objects.filter(actor=guardianship_clerk).first()
    assert (entry.kind, entry.screen) == ("search", "admin:autocomplete:accounts_user")
    assert entry.fields == ["email", "display_name"]
    assert not AccessLogEntry.objects.filter(reason__contains="王").exists()


def test_an_autocomplete_refused_logs_nothing(dept_agent):
    LearnerFactory(display_name="王小明")
    response = logged_in(dept_agent).post(
        reverse("admin:autocomplete"),
        {"app_label": "accounts", "model_name": "guardianship", "field_name": "learner", "term": "王"},
    )
    assert response.status_code == 403
    assert not AccessLogEntry.objects.exists()


# --- the learners' pages, read by staff ---------------------------------------------------------------------


def test_a_refused_action_that_shows_the_page_again_logs_the_read_like_a_get(category, dept_agent):
    # given a member of staff who is no party of the complaint
    complaint = ComplaintFactory(category=category, awaiting_complainant=True)
    client = logged_in(dept_agent)

    # when they post an empty answer to it, which is refused and shows the whole page again
    response = client.post(reverse("complaints:reply", args=[complaint.reference]), {"body": ""})

    # then the page was read, and the read is logged as a GET of the page is, naming the address
    assert response.status_code == 400
    assert complaint.title in response.text
    entry = AccessLogEntry.objects.get()
    assert (entry.actor, entry.subject, entry.object_id) == (
        dept_agent,
        complaint.complainant,
        str(complaint.pk),
    )
    assert (entry.channel, entry.kind, entry.screen) == ("page", "record", "complaints:reply")
    complaint.refresh_from_db()
    assert complaint.state == State.AWAITING_COMPLAINANT


def test_a_partys_refused_action_is_not_logged(category):
    complaint = ComplaintFactory(category=category, awaiting_complainant=True)
    response = logged_in(complaint.complainant).post(
        reverse("complaints:reply", args=[complaint.reference]), {"body": ""}
    )
    assert response.status_code == 400
    assert not AccessLogEntry.objects.exists()


def test_the_complaint_list_page_read_by_staff_is_logged(category, dept_agent):
    complaint = ComplaintFactory(category=category)
    page = logged_in(dept_agent).get(reverse("complaints:list"))
    assert complaint.reference in page.text
    assert logged(actor=dept_agent) == shown(complaint)
    assert AccessLogEntry.objects.get().screen == "complaints:list"


# --- a fixed number of queries, however many rows are shown -----------------------------------------------


@pytest.mark.parametrize("people", [1, 4])
def test_the_autocomplete_costs_the_same_queries_for_one_person_or_four(
    guardianship_clerk, people, django_assert_num_queries
):
    for number in range(people):
        LearnerFactory(display_name=f"王{number}")
    client = logged_in(guardianship_clerk)
    params = {"app_label": "accounts", "model_name": "guardianship", "field_name": "learner", "term": "王"}
    client.post(reverse("admin:autocomplete"), params)  # warm the session and the content types

    # session, user, the second factor's device, policy, the clerk's permissions (two), their grants of
    # people, the count, the page of people, the access-log rows
    with django_assert_num_queries(10):
        response = client.post(reverse("admin:autocomplete"), params)

    assert len(response.json()["results"]) == people
    assert AccessLogEntry.objects.filter(actor=guardianship_clerk).count() == 2 * people


@pytest.mark.parametrize("rows", [1, 5])
def test_the_list_page_read_by_staff_costs_the_same_queries_for_one_row_or_five(
    category, dept_agent, rows, django_assert_num_queries
):
    for _ in range(rows):
        ComplaintFactory(category=category)
    client = logged_in(dept_agent)
    client.get(reverse("complaints:list"))

    # session, user, the second factor's device, policy, roles, the reader's reach and grants, the count, the
    # page, its clocks, the access-log rows, unread notices
    with django_assert_num_queries(QUERIES_OF_THE_STAFF_LIST_PAGE):
        page = client.get(reverse("complaints:list"))

    assert len(page.context["page"].object_list) == rows
    assert AccessLogEntry.objects.filter(actor=dept_agent, screen="complaints:list").count() == 2 * rows


@pytest.mark.parametrize("found", [1, 3])
def test_a_search_of_the_queue_costs_the_same_queries_for_one_complaint_or_three(
    category, dept_agent, found, django_assert_num_queries
):
    learner = LearnerFactory(mobile="13912345678")
    for _ in range(found):
        ComplaintFactory(category=category, complainant=learner)
    ComplaintFactory(category=category)
    client = logged_in(dept_agent)
    address = client.post(QUEUE, {"q": "13912345678", "_search": "1"}).url
    client.get(address)

    # session, user, the second factor's device, policy, roles, the reader's reach and grants, categories for
    # the filter, the capped count (the people with the number are a subquery), the two permission lists for
    # the side menu, the page, the access-log rows
    with django_assert_num_queries(QUERIES_OF_A_QUEUE_SEARCH):
        page = client.get(address)

    assert len(page.context["cl"].result_list) == found
    assert AccessLogEntry.objects.filter(actor=dept_agent, kind="search").count() == 2 * found


QUERIES_OF_THE_STAFF_LIST_PAGE = 12
QUERIES_OF_A_QUEUE_SEARCH = 13
