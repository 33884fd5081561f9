"""Drafts, publishing and its history, reads and helpful votes: what changes, and what must not."""

import pytest
from django.db import IntegrityError, transaction

from accounts.roles import Role
from accounts.tests.factories import LearnerFactory, StaffFactory
from helpcentre.errors import AlreadyVoted, HelpCentreNotAllowed, NothingToPublish, VoteRefused
from helpcentre.models import Article, ArticleVersion, HelpfulVote
from helpcentre.services import (
    article_draft_save,
    article_publish,
    article_read_record,
    article_unpublish,
    article_vote,
)

from .factories import ArticleFactory

pytestmark = pytest.mark.django_db


def test_sections_are_seeded_with_both_names():
    from helpcentre.models import Section

    sections = {s.slug: (s.name, s.name_en) for s in Section.objects.all()}
    assert sections == {
        "user-guide": ("使用指南", "User guide"),
        "faq": ("常见问题", "FAQ"),
        "rights": ("权益知识", "Rights knowledge"),
        "course-advice": ("选课建议", "Course-selection advice"),
    }


def test_publishing_a_new_version_keeps_the_old_one_in_history(editor):
    # given an article published once
    article = ArticleFactory(draft_title="退费政策", draft_body="七天内全额退费。")
    first = article_publish(article=article, actor=editor)
    # when the editor changes the draft
    article.draft_body = "七天内且未开课的，全额退费。"
    article_draft_save(article=article, actor=editor)
    # then readers still see the first version
    article.refresh_from_db()
    assert article.published_version == first
    assert article.published_version.body == "七天内全额退费。"
    # when it is published
    second = article_publish(article=article, actor=editor)
    # then the new text is shown and the old one stays, unchanged, in the history
    article.refresh_from_db()
    assert article.published_version == second
    assert second.number == 2 and second.body == "七天内且未开课的，全额退费。"
    assert list(article.versions.order_by("number").values_list("number", "body")) == [
        (1, "七天内全额退费。"),
        (2, "七天内且未开课的，全额退费。"),
    ]
    assert second.published_by == editor


def test_the_database_refuses_to_change_or_delete_a_published_version(editor):
    article = ArticleFactory()
    version = article_publish(article=article, actor=editor)
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        ArticleVersion.objects.filter(pk=version.pk).update(body="改写历史")
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        ArticleVersion.objects.filter(pk=version.pk)._raw_delete(using="default")
    assert ArticleVersion.objects.get(pk=version.pk).body == article.draft_body


def test_publishing_an_unchanged_draft_is_refused_and_adds_no_version(editor):
    article = ArticleFactory(published=True)
    with pytest.raises(NothingToPublish):
        article_publish(article=article, actor=editor)
    assert article.versions.count() == 1


@pytest.mark.parametrize("who", ["learner", "agent", "manager"])
def test_only_editors_write_drafts_and_publish(who):
    person = LearnerFactory() if who == "learner" else StaffFactory(roles=[Role(who)])
    article = ArticleFactory()
    article.draft_title = "被改的标题"
    with pytest.raises(HelpCentreNotAllowed):
        article_draft_save(article=article, actor=person)
    with pytest.raises(HelpCentreNotAllowed):
        article_publish(article=article, actor=person)
    assert Article.objects.get(pk=article.pk).draft_title != "被改的标题"
    assert ArticleVersion.objects.count() == 0


def test_unpublishing_keeps_the_history_and_publishing_again_adds_a_version(editor):
    article = ArticleFactory(published=True)
    article_unpublish(article=article, actor=editor)
    article.refresh_from_db()
    assert article.published_version is None
    assert article.versions.count() == 1
    version = article_publish(article=article, actor=editor)
    assert version.number == 2


def test_a_read_is_counted_on_the_article_without_a_row_per_read(django_assert_num_queries):
    article = ArticleFactory(published=True)
    rows = HelpfulVote.objects.count(), ArticleVersion.objects.count()
    with django_assert_num_queries(1):
        article_read_record(article=article)
    article_read_record(article=article)
    article.refresh_from_db()
    assert article.read_count == 2
    assert (HelpfulVote.objects.count(), ArticleVersion.objects.count()) == rows


def test_one_vote_per_learner_per_article_counted():
    article = ArticleFactory(published=True)
    learner = LearnerFactory()
    vote = article_vote(article=article, voter=learner, is_helpful=True, reason="solved")
    assert vote.version == article.published_version
    with pytest.raises(AlreadyVoted):
        article_vote(article=article, voter=learner, is_helpful=False, reason="unclear")
    article.refresh_from_db()
    assert (article.helpful_count, article.unhelpful_count) == (1, 0)
    assert HelpfulVote.objects.filter(article=article).count() == 1
    # another article takes the learner's vote
    other = ArticleFactory(published=True)
    article_vote(article=other, voter=learner, is_helpful=False, reason="outdated", reason_text="电话已变")
    other.refresh_from_db()
    assert (other.helpful_count, other.unhelpful_count) == (0, 1)


def test_visitors_vote_once_per_session():
    article = ArticleFactory(published=True)
    article_vote(article=article, voter=None, session_key="visit-a", is_helpful=True)
    article_vote(article=article, voter=None, session_key="visit-b", is_helpful=True)
    with pytest.raises(AlreadyVoted):
        article_vote(article=article, voter=None, session_key="visit-a", is_helpful=True)
    with pytest.raises(VoteRefused):
        article_vote(article=article, voter=None, session_key="", is_helpful=True)
    article.refresh_from_db()
    assert article.helpful_count == 2
    assert HelpfulVote.objects.count() == 2


@pytest.mark.parametrize(
    ("is_helpful", "reason", "text", "field"),
    [
        (False, "", "", "reason"),  # a "no" says why
        (True, "not-a-reason", "", "reason"),
        (True, "solved", "长" * 501, "reason_text"),
        (True, "solved", "文字\u202etxt.exe", "reason_text"),
        (True, "solved", "NUL\x00here", "reason_text"),
    ],
)
def test_a_vote_with_a_bad_reason_changes_nothing(is_helpful, reason, text, field):
    article = ArticleFactory(published=True)
    with pytest.raises(VoteRefused) as refused:
        article_vote(
            article=article, voter=LearnerFactory(), is_helpful=is_helpful, reason=reason, reason_text=text
        )
    assert refused.value.field == field
    article.refresh_from_db()
    assert (article.helpful_count, article.unhelpful_count) == (0, 0)
    assert not HelpfulVote.objects.exists()


def test_a_draft_takes_no_vote():
    article = ArticleFactory()
    with pytest.raises(VoteRefused):
        article_vote(article=article, voter=LearnerFactory(), is_helpful=True)
    assert not HelpfulVote.objects.exists()


def test_a_persons_votes_are_in_their_export_and_erasure_blanks_their_comments():
    from helpcentre.personal_data import anonymise_help_votes, help_votes_section

    learner = LearnerFactory()
    article = ArticleFactory(published=True, slug="exported")
    article_vote(article=article, voter=learner, is_helpful=False, reason="outdated", reason_text="电话变了")
    [exported] = help_votes_section(learner)
    assert (exported["article"], exported["helpful"], exported["comment"]) == ("exported", False, "电话变了")
    anonymise_help_votes(learner)
    assert HelpfulVote.objects.get().reason_text == ""
    article.refresh_from_db()
    assert article.unhelpful_count == 1
