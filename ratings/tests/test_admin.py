"""The moderators' queue in the admin: what a moderator sees and does, and what others are refused."""

import re
from html.parser import HTMLParser

import pytest
from django.test import Client

from accounts.tests.factories import LearnerFactory, StaffFactory, UserFactory
from ratings.models import CommentState, Rating

from .conftest import give, grant_moderation, row

pytestmark = pytest.mark.django_db

QUEUE = "/admin/ratings/rating/"
RATER_NAME = "RATER-NAME-8ZP"
RATER_EMAIL = "rater-8zp@example.edu.cn"


@pytest.fixture
def waiting(mentor):
    rater = LearnerFactory(display_name=RATER_NAME, email=RATER_EMAIL)
    return give(mentor, score=2, comment="PENDING-COMMENT 讲得太快", rater=rater)


def signed_in(user, *, csrf: bool = False) -> Client:
    client = Client(enforce_csrf_checks=csrf)
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client


def csrf_token_of(page: str, form_id: str) -> str:
    form = re.search(rf'<form[^>]*id="{form_id}".*?</form>', page, re.S)
    assert form is not None, f"no form {form_id}"
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.group(0)).group(1)


class FormNesting(HTMLParser):
    """Counts the forms that open inside another form (which the browser would drop)."""

    def __init__(self):
        super().__init__()
        self.depth = 0
        self.nested = 0
        self.forms = 0

    def handle_starttag(self, tag, attrs):
        if tag == "form":
            self.forms += 1
            self.nested += self.depth > 0
            self.depth += 1

    def handle_endtag(self, tag):
        if tag == "form":
            self.depth -= 1


def test_a_moderator_sees_the_waiting_comment_but_not_who_wrote_it(waiting, moderator, mentor):
    client = signed_in(moderator)

    listing = client.get(QUEUE)
    page = client.get(f"{QUEUE}{waiting.pk}/change/")

    for response in (listing, page):
        assert response.status_code == 200
        text = response.content.decode()
        assert "PENDING-COMMENT" in text
        assert mentor.name in text
        assert RATER_NAME not in text
        assert RATER_EMAIL not in text
        assert waiting.rater.mobile not in text
    text = page.content.decode()
    assert 'id="move-publish"' in text
    assert 'id="move-reject"' in text
    nesting = FormNesting()
    nesting.feed(text)
    assert nesting.forms >= 3  # the change form and the two moves after it
    assert nesting.nested == 0


def test_the_queue_lists_only_comments_awaiting_moderation(waiting, moderator, mentor):
    give(mentor, score=5)  # no comment
    done = give(mentor, score=4, comment="DONE-COMMENT")
    Rating.objects.filter(pk=done.pk).update(comment_state=CommentState.PUBLISHED)

    text = signed_in(moderator).get(QUEUE).content.decode()

    assert "PENDING-COMMENT" in text
    assert "DONE-COMMENT" not in text
    assert signed_in(moderator).get(f"{QUEUE}{done.pk}/change/").status_code == 302  # not in the queue


def test_a_moderator_publishes_by_post_with_the_csrf_token(waiting, moderator):
    client = signed_in(moderator, csrf=True)
    page = client.get(f"{QUEUE}{waiting.pk}/change/").content.decode()

    refused = client.post(f"{QUEUE}{waiting.pk}/move/publish/")
    assert refused.status_code == 403  # no token
    assert row(waiting)["comment_state"] == CommentState.PENDING

    response = client.post(
        f"{QUEUE}{waiting.pk}/move/publish/", {"csrfmiddlewaretoken": csrf_token_of(page, "move-publish")}
    )

    assert response.status_code == 302
    assert response["Location"] == QUEUE
    waiting.refresh_from_db()
    assert (waiting.comment_state, waiting.moderated_by) == (CommentState.PUBLISHED, moderator)


def test_a_moderator_rejects_with_a_reason(waiting, moderator):
    client = signed_in(moderator, csrf=True)
    page = client.get(f"{QUEUE}{waiting.pk}/change/").content.decode()

    response = client.post(
        f"{QUEUE}{waiting.pk}/move/reject/",
        {"csrfmiddlewaretoken": csrf_token_of(page, "move-reject"), "reject-reason": "与课程无关"},
    )

    assert response.status_code == 302
    waiting.refresh_from_db()
    assert (waiting.comment_state, waiting.moderation_reason) == (CommentState.REJECTED, "与课程无关")


@pytest.mark.parametrize("reason", ["", "   ", "理由\u202e"], ids=["empty", "blank", "bidi"])
def test_a_rejection_without_a_fit_reason_shows_the_error_next_to_the_field(waiting, moderator, reason):
    client = signed_in(moderator, csrf=True)
    page = client.get(f"{QUEUE}{waiting.pk}/change/").content.decode()
    before = row(waiting)

    response = client.post(
        f"{QUEUE}{waiting.pk}/move/reject/",
        {"csrfmiddlewaretoken": csrf_token_of(page, "move-reject"), "reject-reason": reason},
    )

    assert response.status_code == 400
    reject = next(move for move in response.context["moves"] if move["name"] == "reject")
    assert reject["form"].errors["reason"]
    text = response.content.decode()
    form = re.search(r'<form[^>]*id="move-reject".*?</form>', text, re.S).group(0)
    assert "errorlist" in form
    assert row(waiting) == before


def test_a_second_move_on_a_moderated_comment_changes_nothing(waiting, moderator):
    client = signed_in(moderator)
    client.post(f"{QUEUE}{waiting.pk}/move/publish/")
    before = row(waiting)

    response = client.post(f"{QUEUE}{waiting.pk}/move/reject/", {"reject-reason": "改为不发布"})

    assert response.status_code == 302
    assert row(waiting) == before


def test_the_rated_person_may_not_moderate_their_own_comments(waiting, mentor):
    client = signed_in(grant_moderation(mentor.user))
    before = row(waiting)

    response = client.post(f"{QUEUE}{waiting.pk}/move/reject/", {"reject-reason": "不同意"})

    assert response.status_code == 302
    assert response["Location"] == f"{QUEUE}{waiting.pk}/change/"
    assert row(waiting) == before


def test_staff_without_the_permission_are_refused_and_nothing_changes(waiting):
    client = signed_in(StaffFactory())
    before = row(waiting)

    assert client.get(QUEUE).status_code == 403
    assert client.get(f"{QUEUE}{waiting.pk}/change/").status_code == 403
    assert client.get(f"{QUEUE}{waiting.pk}/history/").status_code == 403
    assert client.post(f"{QUEUE}{waiting.pk}/move/publish/").status_code == 403
    assert client.post(f"{QUEUE}{waiting.pk}/move/reject/", {"reject-reason": "不合适"}).status_code == 403
    assert client.post(f"{QUEUE}999999/move/publish/").status_code == 403  # refused before any lookup
    assert "ratings" not in [app["app_label"] for app in client.get("/admin/").context["app_list"]]
    assert row(waiting) == before


def test_a_superuser_works_the_queue_but_nobody_adds_changes_or_deletes(waiting):
    client = signed_in(UserFactory(is_staff=True, is_superuser=True))

    assert client.get(QUEUE).status_code == 200
    assert client.get(f"{QUEUE}add/").status_code == 403
    assert client.get(f"{QUEUE}{waiting.pk}/delete/").status_code == 403
    response = client.post(f"{QUEUE}{waiting.pk}/change/", {"comment": "改写", "score": 5})
    assert response.status_code == 403
    assert row(waiting)["comment"] == "PENDING-COMMENT 讲得太快"
