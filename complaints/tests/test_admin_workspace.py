"""The workspace page: every move a form of its own, the appeal decided there, the SLA clocks shown, the staff
picker without the person a complaint is about, and a fixed number of queries."""

import datetime
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import pytest
from django.contrib.messages import constants
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from accounts.roles import Role
from accounts.tests.factories import StaffFactory
from complaints.admin import forms
from complaints.clocks import complaint_clocks_sync
from complaints.models import Appeal, CannedResponse, Complaint, ComplaintEvent, EventKind
from complaints.services import complaint_add_internal_note
from complaints.states import State
from courses.tests.factories import CourseFactory, EnrolmentFactory, InstructorFactory
from privacy.models import PurposeConsent
from sla.models import Clock, Target

from .factories import ComplaintFactory

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def workspace(complaint) -> str:
    return reverse("admin:complaints_complaint_change", args=[complaint.pk])


def move_url(complaint, action: str) -> str:
    return reverse("admin:complaints_complaint_workspace", args=[complaint.pk, action])


class Forms(HTMLParser):
    """The page's forms as the browser builds them: a form opened inside another is dropped."""

    def __init__(self):
        super().__init__()
        self.open: list[dict] = []
        self.forms: list[dict] = []
        self.nested: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            form = {**attrs, "inputs": []}
            (self.nested if self.open else self.forms).append(form)
            self.open.append(form)
        elif tag in ("input", "textarea", "select") and self.open:
            self.open[0]["inputs"].append(attrs)

    def handle_endtag(self, tag):
        if tag == "form" and self.open:
            self.open.pop()


def page_forms(html: str) -> Forms:
    parser = Forms()
    parser.feed(html)
    return parser


# --- every move is a form of its own ----------------------------------------------------------------------


def test_every_move_is_a_form_of_its_own_that_posts_to_its_move_with_a_csrf_token(dept_agent, category):
    complaint = ComplaintFactory(category=category, acknowledged=True, owner=dept_agent)

    page = logged_in(dept_agent).get(workspace(complaint))

    parsed = page_forms(page.text)
    assert parsed.nested == []  # a form inside the change form is dropped by the browser
    moves = {form["id"]: form for form in parsed.forms if form.get("id", "").startswith("move-")}
    assert next(iter(moves)) == "move-start-investigation"
    assert len(moves) > 1
    for form_id, form in moves.items():
        assert form["action"] == move_url(complaint, form_id.removeprefix("move-"))
        assert form["method"] == "post"
        assert any(field.get("name") == "csrfmiddlewaretoken" for field in form["inputs"])


def test_the_first_move_posted_from_the_page_moves_the_complaint(dept_agent, category):
    complaint = ComplaintFactory(category=category, acknowledged=True, owner=dept_agent)
    client = logged_in(dept_agent)
    forms_on_page = page_forms(client.get(workspace(complaint)).text).forms
    first = next(form for form in forms_on_page if form.get("id", "").startswith("move-"))
    fields = {field["name"]: field.get("value", "") for field in first["inputs"] if "name" in field}

    response = client.post(first["action"], fields, follow=True)

    complaint.refresh_from_db()
    assert complaint.state == State.INVESTIGATING
    assert [message.level for message in response.context["messages"]] == [constants.SUCCESS]


def test_bad_input_in_a_move_is_shown_next_to_its_field_and_changes_nothing(dept_agent, category, snapshot):
    complaint = ComplaintFactory(category=category, investigating=True, owner=dept_agent)
    before = snapshot(complaint)

    response = logged_in(dept_agent).post(
        move_url(complaint, "propose-resolution"), {"response": "退还部分学费。", "remedy": "refund"}
    )

    assert response.status_code == 400
    form = next(move for move in response.context["moves"] if move["name"] == "propose-resolution")["form"]
    assert form.errors == {"amount": [translation.gettext("A refund needs an amount in yuan.")]}
    assert "退还部分学费。" in response.text  # what was typed is kept
    assert 'class="errorlist' in response.text.split('id="move-propose-resolution"')[1].split("</form>")[0]
    before.assert_unchanged()


# --- the appeal is decided in the workspace ---------------------------------------------------------------


@pytest.fixture
def appealed(category, dept_agent):
    complaint = ComplaintFactory(category=category, appealed=True, owner=dept_agent)
    complaint_add_internal_note(complaint=complaint, body="已核实。", actor=dept_agent)
    return complaint


@pytest.fixture
def reviewer(department):
    """A supervisor of the complaint's department who did not handle it."""
    return StaffFactory(department=department, roles=[Role.SUPERVISOR])


@pytest.mark.parametrize(
    ("decision", "state"),
    [(Appeal.Decision.UPHELD, State.CLOSED), (Appeal.Decision.REVISED, State.RESPONDED)],
)
def test_an_independent_reviewer_decides_the_appeal_in_the_workspace(appealed, reviewer, decision, state):
    client = logged_in(reviewer)

    page = client.get(workspace(appealed))
    response = client.post(
        move_url(appealed, "review-appeal"), {"decision": decision, "reason": "经复核，维持/修改原处理意见。"}
    )

    assert 'id="move-review-appeal"' in page.text
    assert "对处理结果不满意。" in page.text.split('id="move-review-appeal"')[1]  # the appeal's reason
    assert response.status_code == 302
    appealed.refresh_from_db()
    appeal = Appeal.objects.get(complaint=appealed)
    assert appealed.state == state
    assert (appeal.decision, appeal.reviewer, appeal.decision_reason) == (
        decision,
        reviewer,
        "经复核，维持/修改原处理意见。",
    )
    event = ComplaintEvent.objects.filter(complaint=appealed).latest("id")
    assert (event.kind, event.is_public, event.actor) == (EventKind.APPEAL_DECISION, True, reviewer)


def test_a_reviewer_who_handled_the_complaint_is_not_offered_the_appeal_and_is_refused(
    appealed, department, snapshot
):
    handled = StaffFactory(department=department, roles=[Role.SUPERVISOR])
    complaint_add_internal_note(complaint=appealed, body="我也看过。", actor=handled)
    before = snapshot(appealed)
    client = logged_in(handled)

    page = client.get(workspace(appealed))
    response = client.post(
        move_url(appealed, "review-appeal"), {"decision": "upheld", "reason": "维持。"}, follow=True
    )

    assert page.status_code == 200 and 'id="move-review-appeal"' not in page.text
    assert [message.level for message in response.context["messages"]] == [constants.ERROR]
    assert Appeal.objects.get(complaint=appealed).decision == Appeal.Decision.PENDING
    before.assert_unchanged()


def test_the_owner_is_not_offered_the_appeal(appealed, dept_agent):
    page = logged_in(dept_agent).get(workspace(appealed))

    assert page.status_code == 200 and 'id="move-review-appeal"' not in page.text


def test_the_leader_the_complaint_is_about_cannot_reach_it_nor_decide_its_appeal(category, snapshot):
    leader = StaffFactory(roles=[Role.LEADERSHIP])
    complaint = ComplaintFactory(category=category, appealed=True, subject_staff=leader)
    before = snapshot(complaint)
    client = logged_in(leader)

    page = client.get(workspace(complaint))
    response = client.post(move_url(complaint, "review-appeal"), {"decision": "upheld", "reason": "维持。"})

    assert page.status_code == 302  # Django's admin sends an object one cannot see back to the index
    assert response.status_code == 404
    assert Appeal.objects.get(complaint=complaint).decision == Appeal.Decision.PENDING
    before.assert_unchanged()


def test_an_appeal_decision_without_a_decision_or_reasons_is_shown_and_changes_nothing(
    appealed, reviewer, snapshot
):
    before = snapshot(appealed)

    response = logged_in(reviewer).post(move_url(appealed, "review-appeal"), {"reason": " "})

    assert response.status_code == 400
    form = next(move for move in response.context["moves"] if move["name"] == "review-appeal")["form"]
    assert set(form.errors) == {"decision", "reason"}
    assert Appeal.objects.get(complaint=appealed).decision == Appeal.Decision.PENDING
    before.assert_unchanged()


# --- the staff picker -------------------------------------------------------------------------------------


def owner_choices(page_text: str, form_id: str) -> str:
    return page_text.split(f'id="{form_id}"')[1].split("</form>")[0]


def test_the_person_a_complaint_is_about_is_not_offered_as_its_owner(dept_supervisor, department, category):
    about = StaffFactory(department=department, roles=[Role.AGENT], display_name="被投诉的坐席")
    colleague = StaffFactory(department=department, roles=[Role.AGENT], display_name="同事坐席")
    complaint = ComplaintFactory(category=category, investigating=True, subject_staff=about)

    page = logged_in(dept_supervisor).get(workspace(complaint))

    for form_id in ("move-assign", "move-improvement-actions"):
        choices = owner_choices(page.text, form_id)
        assert f'value="{colleague.pk}"' in choices
        assert f'value="{about.pk}"' not in choices and "被投诉的坐席" not in choices


def test_assigning_the_person_a_complaint_is_about_is_refused_next_to_the_field(
    dept_supervisor, department, category, snapshot
):
    about = StaffFactory(department=department, roles=[Role.AGENT])
    complaint = ComplaintFactory(category=category, investigating=True, subject_staff=about)
    before = snapshot(complaint)

    response = logged_in(dept_supervisor).post(move_url(complaint, "assign"), {"owner": about.pk})

    assert response.status_code == 400
    form = next(move for move in response.context["moves"] if move["name"] == "assign")["form"]
    assert list(form.errors) == ["owner"]
    before.assert_unchanged()


def test_the_staff_picker_reads_as_a_staff_member_in_chinese_and_the_person_whose_data_it_is_as_before():
    with translation.override("zh-hans"):
        assert str(forms.handling_staff().label) == "人员"
        assert str(PurposeConsent._meta.get_field("user").verbose_name) == "本人"


def test_the_workspace_labels_its_staff_picker_in_chinese(dept_supervisor, category):
    complaint = ComplaintFactory(category=category, investigating=True)

    page = logged_in(dept_supervisor).get(workspace(complaint))

    assert '<label for="id_assign_owner">人员:</label>' in owner_choices(page.text, "move-assign")


# --- the SLA clocks ---------------------------------------------------------------------------------------


def local(moment: datetime.datetime) -> str:
    return timezone.localtime(moment, SHANGHAI).strftime("%Y-%m-%d %H:%M")


def clock_row(page_text: str, target: str) -> str:
    return page_text.split(f'id="clock-{target}"')[1].split("</tr>")[0]


def test_the_clocks_show_their_due_times_in_shanghai_and_what_is_paused(dept_agent, category):
    filed = timezone.now().replace(second=0, microsecond=0) - datetime.timedelta(hours=30)
    complaint = ComplaintFactory(
        category=category, awaiting_complainant=True, owner=dept_agent, created_at=filed
    )
    paused_since = filed + datetime.timedelta(hours=3)
    clocks = {clock.target: clock for clock in complaint_clocks_sync(complaint=complaint, now=paused_since)}

    page = logged_in(dept_agent).get(workspace(complaint)).text

    acknowledge = clocks[Target.ACKNOWLEDGE]
    assert local(acknowledge.due_at) in clock_row(page, "acknowledge")
    assert acknowledge.due_at.astimezone(datetime.UTC).strftime("%Y-%m-%d %H:%M") not in clock_row(
        page, "acknowledge"
    )
    assert f"按时达成（{local(complaint.acknowledged_at)}）" in clock_row(page, "acknowledge")
    for target in ("first_response", "resolution"):
        row = clock_row(page, target)
        assert local(clocks[target].due_at) in row
        assert f"自 {local(paused_since)} 起暂停" in row
    assert "Asia/Shanghai" in page.split('class="workspace-clocks"')[1].split("</section>")[0]


def test_the_clocks_show_what_is_breached_running_met_late_and_stopped(dept_agent, category):
    filed = timezone.now() - datetime.timedelta(hours=80)
    late = ComplaintFactory(category=category, investigating=True, owner=dept_agent, created_at=filed)
    Complaint.objects.filter(pk=late.pk).update(acknowledged_at=filed + datetime.timedelta(hours=2))
    late.refresh_from_db()
    complaint_clocks_sync(complaint=late)
    Clock.objects.filter(complaint=late, target=Target.FIRST_RESPONSE).update(breached_at=timezone.now())
    finished = ComplaintFactory(category=category, withdrawn=True)
    complaint_clocks_sync(complaint=finished)
    client = logged_in(dept_agent)

    page = client.get(workspace(late)).text
    ended = logged_in(StaffFactory(roles=[Role.LEADERSHIP])).get(workspace(finished)).text

    assert "逾期达成" in clock_row(page, "acknowledge")
    assert "已违约" in clock_row(page, "first_response")  # 72 hours for a general complaint, 80 passed
    assert "进行中" in clock_row(page, "resolution")  # 7 days
    for target in ("first_response", "resolution"):
        assert "已停止" in clock_row(ended, target)


# --- the page's cost --------------------------------------------------------------------------------------


def busy(complaint, agent, extra: int) -> None:
    """Give the complaint more of everything the page lists: events, duplicates, canned responses, the
    learner's enrolments."""
    for number in range(extra):
        EnrolmentFactory(learner=complaint.learner)
        complaint_add_internal_note(complaint=complaint, body=f"备注{number}", actor=agent)
        ComplaintFactory(category=complaint.category, complainant=complaint.complainant)
        CannedResponse.objects.create(title=f"话术{number}", body="您好。")
        StaffFactory(department=complaint.department, roles=[Role.AGENT])


@pytest.mark.parametrize("extra", [0, 6])
def test_the_workspace_costs_a_fixed_number_of_queries(
    dept_agent, category, extra, django_assert_num_queries
):
    complaint = ComplaintFactory(category=category, investigating=True, owner=dept_agent)
    complaint_clocks_sync(complaint=complaint)
    busy(complaint, dept_agent, extra)
    client = logged_in(dept_agent)
    client.get(workspace(complaint))  # the session's first page reads the privacy policy once more

    # The duplicates shown leave their access-log rows in one INSERT, whatever their number; none, none.
    with django_assert_num_queries(WORKSPACE_QUERIES + (1 if extra else 0)):
        page = client.get(workspace(complaint))

    assert page.status_code == 200
    assert page.text.count('class="workspace-clock"') == 3
    assert page.text.count("timeline-internal") == extra


def test_each_person_or_course_a_complaint_names_costs_one_query_more(
    dept_agent, department, category, django_assert_num_queries
):
    instructor = InstructorFactory(user=StaffFactory(roles=[Role.INSTRUCTOR]))
    complaint = ComplaintFactory(
        category=category,
        investigating=True,
        owner=dept_agent,
        subject_course=CourseFactory(),
        subject_instructor=instructor,
        subject_staff=StaffFactory(department=department, roles=[Role.AGENT]),
    )
    client = logged_in(dept_agent)
    client.get(workspace(complaint))

    with django_assert_num_queries(WORKSPACE_QUERIES + 3):
        page = client.get(workspace(complaint))

    assert page.status_code == 200 and complaint.subject_course.title in page.text


# Session, user, the second factor's device, current policy, roles; the reader's reach through other tables
# and their grants (read once per request: privacy.policy); the complaint with what the reader may change
# and its attachments; the events; the clocks; the rules and the duplicates; canned responses; Django's
# permission caches (the app list and the inlines); the access-log row; the staff picker; the learner's
# enrolments, for the resolution's remedy. The course, the instructor and the staff member a complaint names
# are read as the page shows them (joining them to the complaint's query made PostgreSQL plan it for longer
# than the three reads take).
WORKSPACE_QUERIES = 18


def test_the_workspace_lists_the_case_facts_as_text_the_complainant_wrote(dept_agent, category):
    complaint = ComplaintFactory(
        category=category,
        title="<b>标题</b>",
        description='第一行<script>alert("x")</script>\n第二行',
        is_urgent=True,
        subject_course=CourseFactory(title="Python 入门"),
    )

    page = logged_in(dept_agent).get(workspace(complaint))

    assert page.status_code == 200
    assert "<script>alert" not in page.text and "<b>标题</b>" not in page.text
    assert "第一行&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;<br>第二行" in page.text
    assert "&lt;b&gt;标题&lt;/b&gt;" in page.text
    for css_class in (
        "field-reference",
        "field-complainant_details",
        "field-is_urgent",
        "field-subject_course",
    ):
        assert css_class in page.text
    assert complaint.reference in page.text and "Python 入门" in page.text
    assert complaint.complainant.email in page.text
