"""Giving a rating, moderating its comment and the rated person's reply: what is refused changes nothing."""

import datetime

import pytest
from django.utils import timezone

from accounts.tests.factories import LearnerFactory, StaffFactory, UserFactory
from core.tests.testapp.models import Parcel
from ratings.errors import AlreadyRated, NotRated, RatingInvalid, RatingNotAllowed, RatingStateConflict
from ratings.models import COMMENT_MAX_LENGTH, CommentState, Rating
from ratings.selectors import comments_published
from ratings.services import rating_comment_moderate, rating_give, rating_reply

from .conftest import give, grant_moderation, row
from .factories import MentorFactory, MentorSessionFactory

pytestmark = pytest.mark.django_db


# give


@pytest.mark.parametrize(
    ("score", "comment", "field"),
    [
        (0, "", "score"),
        (6, "", "score"),
        (-1, "", "score"),
        (True, "", "score"),
        ("5", "", "score"),
        (4.0, "", "score"),
        (None, "", "score"),
        (4, "好" * (COMMENT_MAX_LENGTH + 1), "comment"),
        (4, "很好\x00", "comment"),
        (4, "老师\u202eexe.txt", "comment"),
        (4, "老师\u2066很好\u2069", "comment"),
        (4, 12345, "comment"),
    ],
    ids=[
        "score 0",
        "score 6",
        "score -1",
        "score True",
        "score as text",
        "score as float",
        "no score",
        "comment too long",
        "comment with NUL",
        "comment with a right-to-left override",
        "comment with an isolate",
        "comment not text",
    ],
)
def test_a_bad_score_or_comment_is_refused_with_its_field_and_nothing_is_written(
    mentor, score, comment, field
):
    session = MentorSessionFactory(mentor=mentor)

    with pytest.raises(RatingInvalid) as refused:
        rating_give(subject=mentor, source=session, rater=session.learner, score=score, comment=comment)

    assert refused.value.field == field
    assert not Rating.objects.exists()


def test_a_comment_at_the_limit_is_accepted_and_waits_for_moderation(mentor):
    rating = give(mentor, score=5, comment="好" * COMMENT_MAX_LENGTH)

    assert rating.comment_state == CommentState.PENDING
    assert not rating.summarised


def test_a_rating_without_a_comment_has_nothing_to_moderate(mentor):
    rating = give(mentor, score=3, comment="   ")

    assert (rating.comment, rating.comment_state) == ("", CommentState.NONE)


def test_an_unregistered_subject_is_refused():
    parcel = Parcel.objects.create()
    learner = LearnerFactory()

    with pytest.raises(NotRated):
        rating_give(subject=parcel, source=parcel, rater=learner, score=4)

    assert not Rating.objects.exists()


def test_a_source_rates_its_subject_once(mentor):
    session = MentorSessionFactory(mentor=mentor)
    first = rating_give(subject=mentor, source=session, rater=session.learner, score=4, comment="不错")

    with pytest.raises(AlreadyRated):
        rating_give(subject=mentor, source=session, rater=session.learner, score=1, comment="改主意了")

    assert list(Rating.objects.values_list("pk", "score")) == [(first.pk, 4)]


def test_one_source_may_rate_two_subjects_and_two_sources_one_subject(mentor):
    session = MentorSessionFactory(mentor=mentor)
    other = MentorFactory()

    rating_give(subject=mentor, source=session, rater=session.learner, score=4)
    rating_give(subject=other, source=session, rater=session.learner, score=5)
    give(mentor, score=3)

    assert Rating.objects.count() == 3


# moderation


def test_a_moderator_publishes_a_waiting_comment(pending, moderator):
    rating = rating_comment_moderate(rating=pending, actor=moderator, publish=True)

    rating.refresh_from_db()
    assert rating.comment_state == CommentState.PUBLISHED
    assert (rating.moderated_by, rating.moderation_reason) == (moderator, "")
    assert rating.moderated_at is not None


def test_a_moderator_rejects_a_waiting_comment_with_a_reason(pending, moderator):
    rating_comment_moderate(rating=pending, actor=moderator, publish=False, reason="  含有人身攻击  ")

    pending.refresh_from_db()
    assert pending.comment_state == CommentState.REJECTED
    assert (pending.moderated_by, pending.moderation_reason) == (moderator, "含有人身攻击")


@pytest.mark.parametrize(
    "reason", ["", "   ", "理由\u202e", "理" * 501], ids=["empty", "blank", "bidi", "too long"]
)
def test_a_rejection_without_a_fit_reason_is_refused_and_nothing_changes(pending, moderator, reason):
    before = row(pending)

    with pytest.raises(RatingInvalid) as refused:
        rating_comment_moderate(rating=pending, actor=moderator, publish=False, reason=reason)

    assert refused.value.field == "reason"
    assert row(pending) == before


def test_a_user_without_the_permission_may_not_moderate_and_nothing_changes(pending):
    before = row(pending)

    for person in (StaffFactory(), LearnerFactory(), UserFactory()):
        for publish in (True, False):
            with pytest.raises(RatingNotAllowed):
                rating_comment_moderate(rating=pending, actor=person, publish=publish, reason="不合适")

    assert row(pending) == before


def test_a_superuser_moderates(pending):
    superuser = UserFactory(is_staff=True, is_superuser=True)

    rating_comment_moderate(rating=pending, actor=superuser, publish=True)

    assert Rating.objects.get(pk=pending.pk).comment_state == CommentState.PUBLISHED


def test_an_inactive_moderator_may_not_moderate(pending):
    moderator = grant_moderation(StaffFactory(is_active=False))

    with pytest.raises(RatingNotAllowed):
        rating_comment_moderate(rating=pending, actor=moderator, publish=True)

    assert Rating.objects.get(pk=pending.pk).comment_state == CommentState.PENDING


def test_nobody_moderates_a_comment_about_themselves_or_their_own(pending, mentor):
    rated = grant_moderation(mentor.user)
    rater = grant_moderation(pending.rater)
    before = row(pending)

    for person in (rated, rater):
        with pytest.raises(RatingNotAllowed):
            rating_comment_moderate(rating=pending, actor=person, publish=False, reason="我不同意")

    assert row(pending) == before


@pytest.mark.parametrize("state", [CommentState.PUBLISHED, CommentState.REJECTED])
def test_a_comment_no_longer_waiting_is_refused_and_nothing_changes(pending, moderator, state):
    rating_comment_moderate(
        rating=pending, actor=moderator, publish=state == CommentState.PUBLISHED, reason="不相关"
    )
    before = row(pending)

    for publish in (True, False):
        with pytest.raises(RatingStateConflict):
            rating_comment_moderate(
                rating=pending, actor=grant_moderation(StaffFactory()), publish=publish, reason="x"
            )

    assert row(pending) == before


def test_a_rating_without_a_comment_has_nothing_to_moderate_either(mentor, moderator):
    rating = give(mentor, score=4)

    with pytest.raises(RatingStateConflict):
        rating_comment_moderate(rating=rating, actor=moderator, publish=True)

    assert Rating.objects.get(pk=rating.pk).comment_state == CommentState.NONE


def test_published_comments_are_the_published_ones_only_and_never_name_the_rater(mentor, moderator):
    rater = LearnerFactory(display_name="RATER-NAME-5KQ", email="rater-5kq@example.edu.cn")
    published = give(mentor, score=5, comment="耐心细致", rater=rater)
    rejected = give(mentor, score=1, comment="骂人的话")
    give(mentor, score=3, comment="还在等审核")
    give(mentor, score=4)
    give(MentorFactory(), score=2, comment="别的导师")
    for rating in (published, give(MentorFactory(), score=2, comment="别的导师，已发布")):
        rating_comment_moderate(rating=rating, actor=moderator, publish=True)
    rating_comment_moderate(rating=rejected, actor=moderator, publish=False, reason="不文明")

    shown = list(comments_published(mentor))

    assert [comment["comment"] for comment in shown] == ["耐心细致"]
    assert set(shown[0]) == {"id", "score", "comment", "reply", "replied_at", "published_in"}
    assert rater.display_name not in repr(shown)
    assert rater.email not in repr(shown)


def test_a_published_comment_tells_only_the_month_it_was_published_in(mentor, moderator):
    written = give(mentor, score=4, comment="讲得清楚")
    Rating.objects.filter(pk=written.pk).update(created_at=timezone.now() - datetime.timedelta(days=40))
    rating_comment_moderate(rating=written, actor=moderator, publish=True)
    published_on = timezone.localdate(Rating.objects.get(pk=written.pk).moderated_at)

    (shown,) = comments_published(mentor)

    assert shown["published_in"] == published_on.replace(day=1)
    assert "created_at" not in shown and "moderated_at" not in shown


# reply


@pytest.fixture
def published(pending, moderator):
    return rating_comment_moderate(rating=pending, actor=moderator, publish=True)


def test_the_rated_person_replies_once_to_a_published_comment(published, mentor):
    rating_reply(rating=published, actor=mentor.user, text="  谢谢反馈，下次放慢节奏。 ")

    published.refresh_from_db()
    assert (published.reply, published.replied_by) == ("谢谢反馈，下次放慢节奏。", mentor.user)
    assert published.replied_at is not None
    assert [comment["reply"] for comment in comments_published(mentor)] == ["谢谢反馈，下次放慢节奏。"]

    before = row(published)
    with pytest.raises(RatingStateConflict):
        rating_reply(rating=published, actor=mentor.user, text="再补充一句")
    assert row(published) == before


def test_nobody_else_replies_and_nothing_changes(published, moderator):
    before = row(published)
    others = (
        moderator,
        published.rater,
        StaffFactory(),
        UserFactory(is_staff=True, is_superuser=True),
        MentorFactory(with_account=True).user,  # another mentor's account
    )

    for person in others:
        with pytest.raises(RatingNotAllowed):
            rating_reply(rating=published, actor=person, text="我来回复")

    assert row(published) == before


def test_an_inactive_replier_may_not_reply(published, mentor):
    mentor.user.is_active = False
    mentor.user.save(update_fields=["is_active"])

    with pytest.raises(RatingNotAllowed):
        rating_reply(rating=published, actor=mentor.user, text="谢谢")

    assert Rating.objects.get(pk=published.pk).reply == ""


def test_a_comment_not_published_takes_no_reply(pending, mentor, moderator):
    rejected = give(mentor, score=1, comment="不好")
    rating_comment_moderate(rating=rejected, actor=moderator, publish=False, reason="不具体")
    silent = give(mentor, score=4)

    for rating in (pending, rejected, silent):
        before = row(rating)
        with pytest.raises(RatingStateConflict):
            rating_reply(rating=rating, actor=mentor.user, text="谢谢")
        assert row(rating) == before


@pytest.mark.parametrize(
    "text", ["", "  ", "谢\x00谢", "谢谢\u202e", "谢" * 2001], ids=["empty", "blank", "NUL", "bidi", "long"]
)
def test_a_bad_reply_is_refused_with_its_field_and_nothing_changes(published, mentor, text):
    before = row(published)

    with pytest.raises(RatingInvalid) as refused:
        rating_reply(rating=published, actor=mentor.user, text=text)

    assert refused.value.field == "text"
    assert row(published) == before
