"""Summaries move in batches and are shown only from the publication minimum on."""

from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from ratings.models import Rating, RatingSummary
from ratings.selectors import summaries_published, summary_published
from ratings.services import ratings_refresh
from ratings.tasks import ratings_refresh_task

from .conftest import give
from .factories import MentorFactory

pytestmark = pytest.mark.django_db


def rate(mentor, *scores: int) -> None:
    for score in scores:
        give(mentor, score=score)


def test_below_the_minimum_nothing_is_shown(mentor):
    rate(mentor, 5, 4, 4, 2)

    assert ratings_refresh() == 1

    assert RatingSummary.objects.get().count == 4  # folded, but not yet for anyone to see
    assert summary_published(mentor) is None
    assert summaries_published(type(mentor), [mentor.pk]) == {}


def test_at_the_minimum_the_count_mean_and_distribution_are_shown(mentor):
    rate(mentor, 5, 4, 4, 2, 5)

    ratings_refresh()

    summary = summary_published(mentor)
    assert (summary.count, summary.mean, summary.distribution) == (5, Decimal("4.00"), (0, 1, 0, 2, 2))
    assert summaries_published(type(mentor), [mentor.pk]) == {mentor.pk: summary}
    assert summary.rows == [(5, 2, 40), (4, 2, 40), (3, 0, 0), (2, 1, 20), (1, 0, 0)]


def test_the_mean_is_rounded_to_two_places(mentor):
    rate(mentor, 5, 5, 4, 4, 4, 4)

    ratings_refresh()

    assert summary_published(mentor).mean == Decimal("4.33")


def test_a_summary_moves_only_once_a_batch_waits(mentor):
    rate(mentor, 5, 5, 5, 5, 5)
    ratings_refresh()

    # given two new ratings: fewer than a batch, so the published summary stays as it was
    rate(mentor, 1, 1)
    assert ratings_refresh() == 0
    assert summary_published(mentor).count == 5
    assert Rating.objects.filter(summarised=False).count() == 2

    # when a third arrives, the three move the summary together
    rate(mentor, 2)
    assert ratings_refresh() == 1

    summary = summary_published(mentor)
    assert (summary.count, summary.distribution) == (8, (2, 1, 0, 0, 5))
    assert summary.mean == Decimal("3.63")  # 29 / 8
    assert not Rating.objects.filter(summarised=False).exists()


def test_refreshing_twice_folds_nothing_twice(mentor):
    rate(mentor, 3, 4, 5, 3, 4, 5)

    assert ratings_refresh() == 1
    assert ratings_refresh() == 0

    stored = RatingSummary.objects.get()
    assert (stored.count, stored.total) == (6, 24)


def test_each_subject_is_refreshed_on_its_own_batch(mentor):
    few, many = MentorFactory(), MentorFactory()
    rate(few, 1, 1)
    rate(many, 4, 4, 4, 4, 4)

    assert ratings_refresh() == 1

    assert set(RatingSummary.objects.values_list("subject_id", flat=True)) == {many.pk}
    assert Rating.objects.filter(subject_id=few.pk, summarised=False).count() == 2


def test_the_published_summaries_of_many_subjects_cost_one_query(django_assert_num_queries):
    mentors = [MentorFactory() for _ in range(6)]
    for mentor in mentors[:4]:
        rate(mentor, 4, 5, 4, 5, 3)
    rate(mentors[4], 5, 5, 5)  # below the minimum
    ratings_refresh()

    with django_assert_num_queries(1):
        one = summaries_published(type(mentors[0]), [mentors[0].pk])
    with django_assert_num_queries(1):
        shown = summaries_published(type(mentors[0]), [mentor.pk for mentor in mentors])
    with django_assert_num_queries(0):
        assert summaries_published(type(mentors[0]), []) == {}

    assert set(one) == {mentors[0].pk}
    assert set(shown) == {mentor.pk for mentor in mentors[:4]}
    assert {summary.count for summary in shown.values()} == {5}


def test_the_refresh_task_folds_the_waiting_ratings(mentor):
    rate(mentor, 4, 4, 4, 4, 4)

    result = ratings_refresh_task.apply()

    assert result.successful()
    assert result.result == 1
    assert summary_published(mentor).count == 5
    assert ratings_refresh_task.apply().result == 0  # safe to run again


def test_the_summary_template_shows_the_summary_or_that_there_are_not_enough(mentor):
    rate(mentor, 5, 5, 4, 4, 1)
    ratings_refresh()

    with translation.override("en"):
        shown = render_to_string("ratings/summary.html", {"summary": summary_published(mentor)})
        none = render_to_string("ratings/summary.html", {"summary": None})

    assert "3.80" in shown
    assert "(5 ratings)" in shown
    assert "1 star:" in shown
    assert "5 stars: 40 per cent" in shown
    assert "Fewer than 5 ratings yet" in none
    with translation.override("zh-hans"):
        chinese = render_to_string("ratings/summary.html", {"summary": summary_published(mentor)})
    assert "（5 条评价）" in chinese
    assert "5 星：占 40%" in chinese
