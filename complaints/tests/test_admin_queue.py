"""The staff queue in the admin: order by due time, filters, search, roles, and a fixed number of queries."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from accounts.tests.factories import StaffFactory
from complaints.models import Complaint
from privacy.models import AccessLogEntry
from sla.models import Clock, Target, WorkCalendar

from .factories import ComplaintFactory

pytestmark = pytest.mark.django_db

QUEUE = reverse("admin:complaints_complaint_changelist")


def change_url(complaint: Complaint) -> str:
    return reverse("admin:complaints_complaint_change", args=[complaint.pk])


def start_clock(complaint: Complaint, *, due_in: datetime.timedelta, target=Target.ACKNOWLEDGE) -> Clock:
    now = timezone.now()
    return Clock.objects.create(
        complaint=complaint,
        target=target,
        duration=datetime.timedelta(hours=1),
        warning_percent=75,
        calendar=WorkCalendar.objects.order_by("pk").first(),
        started_at=now - datetime.timedelta(hours=1),
        warn_at=now + due_in - datetime.timedelta(minutes=15),
        due_at=now + due_in,
    )


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def listed(page) -> list[str]:
    return [complaint.reference for complaint in page.context["cl"].result_list]


def test_the_queue_lists_nearest_due_first_and_complaints_without_a_running_clock_last(dept_agent, category):
    later = ComplaintFactory(category=category)
    start_clock(later, due_in=datetime.timedelta(hours=5))
    start_clock(later, due_in=datetime.timedelta(hours=30), target=Target.RESOLUTION)
    overdue = ComplaintFactory(category=category)
    start_clock(overdue, due_in=-datetime.timedelta(minutes=20))
    soon = ComplaintFactory(category=category)
    start_clock(soon, due_in=datetime.timedelta(minutes=30))
    no_clock = ComplaintFactory(category=category)

    page = logged_in(dept_agent).get(QUEUE)

    assert page.status_code == 200
    assert listed(page) == [overdue.reference, soon.reference, later.reference, no_clock.reference]
    assert "queue-due-overdue" in page.text
    assert "queue-due-soon" in page.text
    assert "queue-due-fine" in page.text
    assert "admin-queue/countdown.js" in page.text


def test_a_later_page_continues_the_same_order_across_complaints_with_and_without_clocks(
    dept_agent, category, monkeypatch
):
    from complaints.admin.complaint import ComplaintAdmin

    monkeypatch.setattr(ComplaintAdmin, "list_per_page", 2)
    with_clocks = []
    for hours in (3, 1, 2):
        complaint = ComplaintFactory(category=category)
        start_clock(complaint, due_in=datetime.timedelta(hours=hours))
        with_clocks.append((hours, complaint.reference))
    without = [ComplaintFactory(category=category).reference for _ in range(2)]
    expected = [reference for _, reference in sorted(with_clocks)] + sorted(without, reverse=True)
    client = logged_in(dept_agent)

    pages = [listed(client.get(QUEUE, {"p": number})) for number in (1, 2, 3)]

    assert pages == [expected[0:2], expected[2:4], expected[4:5]]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"queue": "mine"}, {"mine"}),
        ({"queue": "unassigned"}, {"unassigned", "overdue"}),
        ({"due": "overdue"}, {"overdue"}),
        ({"due": "soon"}, {"soon"}),
        ({"flag": "urgent"}, {"urgent"}),
        ({"state__exact": "acknowledged"}, {"mine", "soon", "urgent"}),
    ],
)
def test_queue_filters(dept_agent, dept_supervisor, category, query, expected):
    made = {
        "mine": ComplaintFactory(category=category, acknowledged=True, owner=dept_agent),
        "unassigned": ComplaintFactory(category=category),
        "overdue": ComplaintFactory(category=category),
        "soon": ComplaintFactory(category=category, acknowledged=True, owner=dept_supervisor),
        "urgent": ComplaintFactory(
            category=category, acknowledged=True, owner=dept_supervisor, is_urgent=True
        ),
    }
    start_clock(made["overdue"], due_in=-datetime.timedelta(hours=2))
    start_clock(made["soon"], due_in=datetime.timedelta(minutes=40))
    start_clock(made["urgent"], due_in=datetime.timedelta(hours=20))
    names = {complaint.reference: name for name, complaint in made.items()}

    page = logged_in(dept_agent).get(QUEUE, query)

    assert {names[reference] for reference in listed(page)} == expected


def test_my_department_filter_leaves_out_what_a_leader_sees_elsewhere(leader, dept_agent, category):
    leader.department = dept_agent.department
    leader.save()
    ours = ComplaintFactory(category=category)
    theirs = ComplaintFactory()

    everything = listed(logged_in(leader).get(QUEUE))
    department = listed(logged_in(leader).get(QUEUE, {"queue": "department"}))

    assert set(everything) >= {ours.reference, theirs.reference}
    assert department == [ours.reference]


def test_search_by_mobile_goes_through_the_blind_index(dept_agent, category):
    wanted = ComplaintFactory(category=category)
    ComplaintFactory(category=category)
    mobile = wanted.complainant.mobile
    spaced = f"+86 {mobile[:3]} {mobile[3:7]} {mobile[7:]}"

    page = logged_in(dept_agent).get(QUEUE, {"q": spaced})

    assert listed(page) == [wanted.reference]


def test_search_by_mobile_never_sends_the_number_to_the_database(dept_agent, category):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    wanted = ComplaintFactory(category=category)
    mobile = wanted.complainant.mobile
    client = logged_in(dept_agent)

    with CaptureQueriesContext(connection) as captured:
        page = client.get(QUEUE, {"q": mobile})

    assert listed(page) == [wanted.reference]
    assert not any(mobile in query["sql"] for query in captured.captured_queries)


def test_search_by_reference_and_by_complainant_name(dept_agent, category):
    first = ComplaintFactory(category=category)
    second = ComplaintFactory(category=category)
    client = logged_in(dept_agent)

    assert listed(client.get(QUEUE, {"q": first.reference.lower()})) == [first.reference]
    assert listed(client.get(QUEUE, {"q": second.complainant.display_name})) == [second.reference]


@pytest.mark.parametrize("rows", [1, 50])
def test_the_queue_costs_the_same_queries_for_one_row_and_fifty(
    dept_agent, category, rows, django_assert_num_queries
):
    for number in range(rows):
        complaint = ComplaintFactory(category=category, acknowledged=True)
        if number % 2 == 0:
            start_clock(complaint, due_in=datetime.timedelta(hours=number + 1))
    client = logged_in(dept_agent)
    client.get(QUEUE)  # warm the content-type and site caches

    # session, user, privacy-policy check, roles, categories for the filter, the capped count, the page
    # with running clocks, the page without, and the user's two permission lists for the side menu
    with django_assert_num_queries(10):
        page = client.get(QUEUE)

    assert len(page.context["cl"].result_list) == rows


def test_the_queue_never_counts_the_whole_table(dept_agent, category):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    ComplaintFactory(category=category)
    client = logged_in(dept_agent)

    with CaptureQueriesContext(connection) as captured:
        client.get(QUEUE)

    counts = [query["sql"] for query in captured.captured_queries if "COUNT(" in query["sql"].upper()]
    assert counts and all("LIMIT" in sql.upper() for sql in counts)


# Roles


def test_an_agent_sees_only_their_departments_complaints(dept_agent, category):
    ours = ComplaintFactory(category=category)
    theirs = ComplaintFactory()

    assert listed(logged_in(dept_agent).get(QUEUE)) == [ours.reference]
    assert theirs.reference not in logged_in(dept_agent).get(QUEUE).text


def test_an_agent_opening_another_departments_complaint_by_url_gets_no_page_and_no_log(
    outsider_agent, category
):
    complaint = ComplaintFactory(category=category)

    page = logged_in(outsider_agent).get(change_url(complaint))

    assert page.status_code == 302
    assert complaint.title not in logged_in(outsider_agent).get(page.url).text
    assert not AccessLogEntry.objects.exists()


def test_reading_the_workspace_logs_exactly_one_personal_data_read(dept_agent, category):
    complaint = ComplaintFactory(category=category)

    page = logged_in(dept_agent).get(change_url(complaint))

    assert page.status_code == 200
    assert complaint.complainant.mobile in page.text
    entry = AccessLogEntry.objects.get()
    assert entry.actor == dept_agent
    assert entry.subject == complaint.complainant
    assert entry.content_type == ContentType.objects.get_for_model(Complaint)
    assert entry.object_id == str(complaint.pk)


def test_a_manager_reads_every_complaint_but_is_offered_no_action(category):
    manager = StaffFactory(roles=[Role.MANAGER])
    complaint = ComplaintFactory(category=category)
    client = logged_in(manager)

    queue = client.get(QUEUE)
    workspace = client.get(change_url(complaint))

    assert complaint.reference in listed(queue)
    assert 'name="action"' not in queue.text
    assert workspace.status_code == 200
    assert 'id="move-' not in workspace.text


def test_a_learner_cannot_open_the_queue(learner_client):
    assert learner_client.get(QUEUE).status_code == 302
