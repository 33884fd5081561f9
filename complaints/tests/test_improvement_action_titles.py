"""An improvement action's title refuses text-direction controls, in the workspace and through the API, at the
field and storing nothing, as a complaint's title does."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from complaints.models import ImprovementAction

from .api_helpers import action_url, logged_in, post_json
from .factories import ComplaintFactory

pytestmark = pytest.mark.django_db

MESSAGE = "请删除不可见的文字方向控制字符"
TITLES = {"right-to-left-override": "排课\u202e度制醒提", "right-to-left-isolate": "\u2067排课提醒制度\u2069"}


def action_fields(owner) -> dict:
    due = timezone.localdate() + datetime.timedelta(days=14)
    return {"owner": owner.pk, "due_date": due.isoformat()}


@pytest.mark.parametrize("title", TITLES.values(), ids=TITLES.keys())
def test_the_workspace_refuses_the_title_at_its_field(dept_agent, category, title):
    complaint = ComplaintFactory(category=category, investigating=True, owner=dept_agent)
    url = reverse("admin:complaints_complaint_workspace", args=[complaint.pk, "improvement-actions"])

    response = logged_in(dept_agent).post(url, {"title": title, **action_fields(dept_agent)}, follow=True)

    assert response.status_code == 400
    [move] = [move for move in response.context["moves"] if move["name"] == "improvement-actions"]
    assert list(move["form"].errors) == ["title"]
    assert MESSAGE in move["form"].errors["title"][0]
    assert not ImprovementAction.objects.exists()


@pytest.mark.parametrize("title", TITLES.values(), ids=TITLES.keys())
def test_the_api_refuses_the_title_at_its_field(dept_agent, category, title):
    complaint = ComplaintFactory(category=category, responded=True, owner=dept_agent)

    response = post_json(
        logged_in(dept_agent),
        action_url(complaint, "improvement-actions"),
        {"title": title, **action_fields(dept_agent)},
    )

    assert response.status_code == 400
    assert list(response.json()) == ["title"]
    assert MESSAGE in response.json()["title"][0]
    assert not ImprovementAction.objects.exists()


def test_a_plain_title_is_added(dept_agent, category):
    complaint = ComplaintFactory(category=category, responded=True, owner=dept_agent)

    response = post_json(
        logged_in(dept_agent),
        action_url(complaint, "improvement-actions"),
        {"title": "排课提醒制度", **action_fields(dept_agent)},
    )

    assert response.status_code == 200
    assert ImprovementAction.objects.get().title == "排课提醒制度"
