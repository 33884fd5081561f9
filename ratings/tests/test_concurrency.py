"""Givers and refreshes racing in separate threads and database connections."""

import threading
import time

import pytest
from django.db import connection, transaction

from accounts.tests.factories import LearnerFactory
from ratings.errors import AlreadyRated
from ratings.models import Rating, RatingSummary
from ratings.services import rating_give, ratings_refresh

from .conftest import give
from .factories import MentorFactory, MentorSessionFactory

pytestmark = pytest.mark.django_db(transaction=True)


def in_thread(target, results: list, errors: list) -> threading.Thread:
    def run() -> None:
        try:
            results.append(target())
        except Exception as error:  # a failure in a thread must fail the test, not vanish
            errors.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_two_givers_for_one_source_at_once_leave_one_rating():
    mentor = MentorFactory()
    session = MentorSessionFactory(mentor=mentor, learner=LearnerFactory())
    start = threading.Barrier(2)
    results: list = []
    errors: list = []

    def give_at_the_same_time(score: int):
        def run():
            start.wait(timeout=20)
            return rating_give(
                subject=mentor, source=session, rater=session.learner, score=score, comment="好"
            )

        return run

    threads = [in_thread(give_at_the_same_time(score), results, errors) for score in (4, 5)]
    for thread in threads:
        thread.join(timeout=30)

    assert len(results) == 1
    assert [type(error) for error in errors] == [AlreadyRated]
    assert list(Rating.objects.values_list("pk", flat=True)) == [results[0].pk]


def _waiting_for_a_lock(timeout: float = 20) -> bool:
    """Whether another connection of the tests' database waits for a lock (within the timeout)."""
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid() AND wait_event_type = 'Lock'"
            )
            if cursor.fetchone()[0]:
                return True
            time.sleep(0.05)
    return False


def test_a_refresh_behind_another_never_folds_the_rating_left_over():
    # given a subject with a batch waiting, which a first refresh takes and has not committed yet
    mentor = MentorFactory()
    for score in (5, 5, 5):
        give(mentor, score=score)
    taken, released = threading.Event(), threading.Event()
    first_results: list = []
    second_results: list = []
    errors: list = []

    def first():
        with transaction.atomic():
            moved = ratings_refresh()
            taken.set()
            released.wait(timeout=20)
        return moved

    first_thread = in_thread(first, first_results, errors)
    assert taken.wait(timeout=20)

    # when one more rating arrives and a second refresh starts before the first commits
    give(mentor, score=1)
    second_thread = in_thread(ratings_refresh, second_results, errors)
    assert _waiting_for_a_lock()
    released.set()
    first_thread.join(timeout=30)
    second_thread.join(timeout=30)

    # then the second waits its turn and leaves the lone new rating waiting: the summary moved by three only
    assert errors == []
    assert (first_results, second_results) == ([1], [0])
    summary = RatingSummary.objects.get()
    assert (summary.count, summary.score_1) == (3, 0)
    assert Rating.objects.filter(summarised=False).count() == 1
