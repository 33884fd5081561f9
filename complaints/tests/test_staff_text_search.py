"""Staff find complaints and feedback by a few Chinese characters of their text in the admin's own search
box: title matches first, only what their access rules let them read, each row shown logged as today."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse

from accounts.roles import Role
from accounts.tests.factories import DepartmentFactory, StaffFactory
from complaints.models import Complaint
from feedback.tests.factories import FeedbackItemFactory
from privacy.models import AccessLogEntry

from .factories import CategoryFactory, ComplaintFactory

pytestmark = pytest.mark.django_db

QUEUE = reverse("admin:complaints_complaint_changelist")
FEEDBACK_QUEUE = reverse("admin:feedback_feedbackitem_changelist")


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def searched(client: Client, address: str, term: str):
    """Search as the search box does: the term is posted, the list comes back by its token."""
    page = client.post(address, {"q": term, "_search": "1"}, follow=True)
    assert page.status_code == 200
    return page


def listed(page) -> list[str]:
    return [row.reference for row in page.context["cl"].result_list]


@pytest.fixture
def other_category():
    return CategoryFactory(default_department=DepartmentFactory())


def test_a_two_character_term_finds_titles_first_then_descriptions_newest_first(dept_agent, category):
    older_title = ComplaintFactory(category=category, title="要求退费", description="课程与宣传不符。")
    in_body = ComplaintFactory(category=category, title="课程问题", description="我想申请退费，老师不回复。")
    newer_title = ComplaintFactory(category=category, title="退费进度太慢", description="等了两周。")
    ComplaintFactory(category=category, title="教室太吵", description="上课时隔壁装修。")

    page = searched(logged_in(dept_agent), QUEUE, "退费")

    assert listed(page) == [newer_title.reference, older_title.reference, in_body.reference]
    assert listed(searched(logged_in(dept_agent), QUEUE, "老师")) == [in_body.reference]


def test_later_pages_continue_from_the_title_matches_into_the_rest(dept_agent, category, monkeypatch):
    from complaints.admin.complaint import ComplaintAdmin

    monkeypatch.setattr(ComplaintAdmin, "list_per_page", 2)
    in_body = [
        ComplaintFactory(category=category, title=f"课程问题{n}", description="申请退费。").reference
        for n in range(2)
    ]
    in_title = [
        ComplaintFactory(category=category, title=f"退费{n}", description="请处理。").reference
        for n in range(3)
    ]
    client = logged_in(dept_agent)
    address = client.post(QUEUE, {"q": "退费", "_search": "1"}).url

    pages = [listed(client.get(address, {"p": number})) for number in (1, 2, 3)]

    assert pages == [in_title[::-1][:2], [in_title[0], in_body[1]], [in_body[0]]]


def test_a_longer_term_must_stand_together_in_the_text(dept_agent, category):
    together = ComplaintFactory(category=category, title="退费流程", description="请说明。")
    ComplaintFactory(category=category, title="退费", description="流程不清楚。")

    assert listed(searched(logged_in(dept_agent), QUEUE, "退费流程")) == [together.reference]


def test_search_never_finds_a_complaint_the_member_of_staff_may_not_read(
    dept_agent, category, other_category
):
    mine = ComplaintFactory(category=category, title="退费申请", description="请处理。")
    elsewhere = ComplaintFactory(
        category=other_category, title="退费申请被拒", description="另一个部门的投诉。"
    )
    about_me = ComplaintFactory(
        category=category,
        title="投诉工作人员退费态度",
        description="关于这名客服。",
        subject_staff=dept_agent,
    )

    page = searched(logged_in(dept_agent), QUEUE, "退费")

    assert listed(page) == [mine.reference]
    assert elsewhere.title not in page.text and about_me.title not in page.text
    # A supervisor of the other department finds theirs and not this one.
    other_supervisor = StaffFactory(department=elsewhere.department, roles=[Role.SUPERVISOR])
    assert listed(searched(logged_in(other_supervisor), QUEUE, "退费")) == [elsewhere.reference]


def test_each_complaint_a_text_search_shows_leaves_an_access_log_row(dept_agent, category):
    found = ComplaintFactory(category=category, title="退费申请", description="请处理。")
    ComplaintFactory(category=category, title="教室太吵", description="隔壁装修。")
    complaint_type = ContentType.objects.get_for_model(Complaint)
    AccessLogEntry.objects.all().delete()

    searched(logged_in(dept_agent), QUEUE, "退费")

    shown = AccessLogEntry.objects.filter(actor=dept_agent, content_type=complaint_type)
    assert sorted(shown.values_list("object_id", flat=True).distinct()) == [str(found.pk)]


def test_punctuation_alone_finds_nothing_and_a_name_still_finds_its_complainant(dept_agent, category):
    named = ComplaintFactory(category=category, title="课程问题", description="请处理。")
    client = logged_in(dept_agent)

    assert listed(searched(client, QUEUE, "！？。")) == []
    assert listed(searched(client, QUEUE, named.complainant.display_name)) == [named.reference]


@pytest.mark.parametrize("rows", [1, 30])
def test_a_text_search_costs_the_same_queries_for_one_row_and_thirty(
    dept_agent, category, rows, django_assert_num_queries
):
    for number in range(rows):
        ComplaintFactory(category=category, title=f"退费申请{number}", description="请处理。")
    client = logged_in(dept_agent)
    page = searched(client, QUEUE, "退费")
    address = page.redirect_chain[-1][0]
    client.get(address)  # warm the content-type and site caches

    # session, user, the second factor's device, privacy-policy check, the search token, the complainants
    # the term names, roles, the reader's reach and grants, categories for the filter, the capped count,
    # the page's title matches and the rest, the user's two permission lists for the side menu, and the
    # access-log rows of the complaints shown (one INSERT)
    with django_assert_num_queries(15):
        page = client.get(address)

    assert len(page.context["cl"].result_list) == rows


def test_feedback_staff_find_items_by_two_characters_of_their_text():
    agent = StaffFactory(roles=[Role.AGENT])
    wanted = FeedbackItemFactory(text="希望老师讲课慢一点。")
    FeedbackItemFactory(text="图书馆开放时间可以更长。")
    client = logged_in(agent)

    assert listed(searched(client, FEEDBACK_QUEUE, "老师")) == [wanted.reference]
    assert listed(searched(client, FEEDBACK_QUEUE, wanted.reference.lower())) == [wanted.reference]
    assert listed(searched(client, FEEDBACK_QUEUE, "“”")) == []
