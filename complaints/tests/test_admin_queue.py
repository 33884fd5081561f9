"""The staff queue in the admin: order by due time, filters, search, roles, and a fixed number of queries."""

import datetime
import re

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
        subject=complaint,
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


def searched(client: Client, term: str):
    """Search the queue as its search box does: the term is posted, the list comes back by its token."""
    return client.post(QUEUE, {"q": term, "_search": "1"}, follow=True)


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


def overdue_queue(category, dept_supervisor) -> list[str]:
    """Complaints the overdue page must list, in its order, among others it must leave out."""
    due = []
    for minutes in (50, 10, 30, 40):
        complaint = ComplaintFactory(category=category)
        start_clock(complaint, due_in=-datetime.timedelta(minutes=minutes))
        due.append((-minutes, complaint.reference))
    # Two overdue clocks: listed once, by the nearer one.
    twice = ComplaintFactory(category=category)
    start_clock(twice, due_in=-datetime.timedelta(minutes=20))
    start_clock(twice, due_in=-datetime.timedelta(minutes=45), target=Target.RESOLUTION)
    due.append((-45, twice.reference))
    # Overdue and not overdue: listed by the overdue one.
    mixed = ComplaintFactory(category=category, acknowledged=True, owner=dept_supervisor)
    start_clock(mixed, due_in=datetime.timedelta(hours=2))
    start_clock(mixed, due_in=-datetime.timedelta(minutes=5), target=Target.RESOLUTION)
    due.append((-5, mixed.reference))
    # Left out: a clock met while overdue, a clock not yet due, a paused overdue clock, no clock at all.
    met = ComplaintFactory(category=category)
    Clock.objects.filter(pk=start_clock(met, due_in=-datetime.timedelta(minutes=15)).pk).update(
        met_at=timezone.now()
    )
    start_clock(ComplaintFactory(category=category), due_in=datetime.timedelta(minutes=15))
    paused = ComplaintFactory(category=category)
    Clock.objects.filter(pk=start_clock(paused, due_in=-datetime.timedelta(minutes=25)).pk).update(
        paused_at=timezone.now()
    )
    ComplaintFactory(category=category)
    return [reference for _, reference in sorted(due)]


def test_the_overdue_filter_pages_through_exactly_the_overdue_complaints_nearest_first(
    dept_agent, dept_supervisor, category, monkeypatch
):
    from complaints.admin.complaint import ComplaintAdmin

    monkeypatch.setattr(ComplaintAdmin, "list_per_page", 4)
    expected = overdue_queue(category, dept_supervisor)
    client = logged_in(dept_agent)

    pages = [listed(client.get(QUEUE, {"due": "overdue", "p": number})) for number in (1, 2)]

    assert pages == [expected[0:4], expected[4:6]]


def test_a_filtered_page_of_several_reads_its_rows_once_without_the_due_filters_semi_join(
    dept_agent, dept_supervisor, category, monkeypatch
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from complaints.admin.complaint import ComplaintAdmin

    monkeypatch.setattr(ComplaintAdmin, "list_per_page", 4)
    expected = overdue_queue(category, dept_supervisor)
    client = logged_in(dept_agent)
    client.get(QUEUE, {"due": "overdue"})  # warm the content-type and site caches

    with CaptureQueriesContext(connection) as captured:
        page = client.get(QUEUE, {"due": "overdue", "queue": "department"})

    assert listed(page) == expected[0:4]
    reads = [query["sql"] for query in captured.captured_queries if "LIMIT 4" in query["sql"]]
    assert len(reads) == 1
    # The nearest clock's due range stands for the filter there; the count keeps the filter itself.
    assert reads[0].count('"sla_clock" U0') == 3  # the anti-join and the two annotations only
    counts = [query["sql"] for query in captured.captured_queries if "COUNT(" in query["sql"].upper()]
    assert len(counts) == 1 and counts[0].count('"sla_clock" U0') == 1


def test_select_all_on_the_overdue_filter_acts_on_exactly_the_overdue_complaints(
    dept_agent, dept_supervisor, category, monkeypatch
):
    from complaints.admin.complaint import ComplaintAdmin

    monkeypatch.setattr(ComplaintAdmin, "list_per_page", 4)
    expected = overdue_queue(category, dept_supervisor)
    unclaimed = set(expected) - {Complaint.objects.get(owner=dept_supervisor).reference}
    client = logged_in(dept_agent)
    first = Complaint.objects.get(reference=expected[0])

    client.post(
        f"{QUEUE}?due=overdue&queue=unassigned",
        {"action": "claim", "select_across": "1", "index": "0", "_selected_action": [first.pk]},
        follow=True,
    )

    assert set(Complaint.objects.filter(owner=dept_agent).values_list("reference", flat=True)) == unclaimed


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


def test_due_soon_counts_and_lists_the_same_complaints_those_whose_nearest_clock_is_due_within_the_hour(
    dept_agent, category
):
    # given one complaint due in 40 minutes, and one whose next clock is due in 40 minutes but whose
    # acknowledgement is already overdue (its nearest clock: overdue, not "due soon")
    soon = ComplaintFactory(category=category)
    start_clock(soon, due_in=datetime.timedelta(minutes=40))
    already_overdue = ComplaintFactory(category=category)
    start_clock(already_overdue, due_in=-datetime.timedelta(hours=2))
    start_clock(already_overdue, due_in=datetime.timedelta(minutes=40), target=Target.FIRST_RESPONSE)

    # when the agent filters "due within an hour"
    page = logged_in(dept_agent).get(QUEUE, {"due": "soon"})

    # then the count and the rows agree: the complaint due soon alone; the other one is under "overdue"
    assert listed(page) == [soon.reference]
    assert page.context["cl"].result_count == 1
    overdue = logged_in(dept_agent).get(QUEUE, {"due": "overdue"})
    assert listed(overdue) == [already_overdue.reference]


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

    page = searched(logged_in(dept_agent), spaced)

    assert listed(page) == [wanted.reference]


def test_search_by_mobile_never_sends_the_number_to_the_database(dept_agent, category):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    wanted = ComplaintFactory(category=category)
    mobile = wanted.complainant.mobile
    client = logged_in(dept_agent)

    with CaptureQueriesContext(connection) as captured:
        page = searched(client, mobile)

    assert listed(page) == [wanted.reference]
    assert not any(mobile in query["sql"] for query in captured.captured_queries)


def test_search_by_reference_and_by_complainant_name(dept_agent, category):
    first = ComplaintFactory(category=category)
    second = ComplaintFactory(category=category)
    client = logged_in(dept_agent)

    assert listed(searched(client, first.reference.lower())) == [first.reference]
    assert listed(searched(client, second.complainant.display_name)) == [second.reference]


@pytest.mark.parametrize("rows", [1, 50])
def test_the_queue_costs_the_same_queries_for_one_row_and_fifty(
    dept_agent, category, rows, django_assert_num_queries
):
    for number in range(rows):
        complaint = ComplaintFactory(
            category=category,
            acknowledged=True,
            is_urgent=number % 2 == 0,
            legal_flag=number % 3 == 0,
            safety_flag=number % 5 == 0,
        )
        if number % 2 == 0:
            start_clock(complaint, due_in=datetime.timedelta(hours=number + 1))
    client = logged_in(dept_agent)
    client.get(QUEUE)  # warm the content-type and site caches

    # session, user, the second factor's device, privacy-policy check, roles, the reader's reach and grants
    # (privacy.policy), categories for the filter, the capped count, the page with running clocks, the page
    # without, the user's two permission lists for the side menu, and the access-log rows of the complaints
    # shown (one INSERT)
    with django_assert_num_queries(14):
        page = client.get(QUEUE)

    assert len(page.context["cl"].result_list) == rows
    assert page.text.count('class="queue-marker queue-marker-urgent"') == (rows + 1) // 2


def marker_cell(page, complaint: Complaint) -> str:
    """The words in the flags cell of the complaint's row, as a screen reader reads them."""
    row = re.search(rf"<tr[^>]*>(?:(?!</tr>).)*?{complaint.reference}(?:(?!</tr>).)*</tr>", page.text, re.S)
    assert row, complaint.reference
    cell = re.search(r'<td class="field-markers">(.*?)</td>', row.group(0), re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", cell.group(1)).split())


def test_each_row_names_its_urgent_legal_and_safety_flags_in_words(dept_agent, category):
    plain = ComplaintFactory(category=category)
    urgent = ComplaintFactory(category=category, is_urgent=True)
    legal = ComplaintFactory(category=category, legal_flag=True)
    everything = ComplaintFactory(category=category, is_urgent=True, legal_flag=True, safety_flag=True)

    page = logged_in(dept_agent).get(QUEUE)

    assert '<th scope="col" class="column-markers">' in page.text
    assert marker_cell(page, plain) == ""
    assert marker_cell(page, urgent) == "紧急"
    assert marker_cell(page, legal) == "法律"
    assert marker_cell(page, everything) == "紧急 法律 安全"
    assert page.text.count('<li class="queue-marker queue-marker-safety">安全</li>') == 1


def test_the_flag_markers_follow_the_readers_language(dept_agent, category):
    dept_agent.preferred_language = "en"
    dept_agent.save(update_fields=["preferred_language"])
    flagged = ComplaintFactory(category=category, is_urgent=True, safety_flag=True)

    page = logged_in(dept_agent).get(QUEUE)

    assert marker_cell(page, flagged) == "Urgent Safety"


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


@pytest.mark.parametrize("query", ["?due=soon&p=5", "?p=99", "?p=-1", "?p=abc", "?due=overdue&p=3"])
def test_a_page_number_past_the_end_or_malformed_redirects_instead_of_failing(dept_agent, category, query):
    ComplaintFactory(category=category, department=category.default_department)
    response = logged_in(dept_agent).get(QUEUE + query)
    assert response.status_code in (200, 302)
    if response.status_code == 302:
        assert "e=1" in response["Location"]
