"""Reference numbers by prefix: gapless per year, independent prefixes, and no end to the numbers."""

import threading

import pytest
from django.db import connection, transaction

from core.models import ReferenceCounter
from core.references import reference_allocate, reference_format

pytestmark = pytest.mark.django_db


def test_each_prefix_counts_its_own_year_from_one():
    with transaction.atomic():
        taken = [
            reference_allocate(prefix="TS", year=2030),
            reference_allocate(prefix="FK", year=2030),
            reference_allocate(prefix="TS", year=2030),
            reference_allocate(prefix="TS", year=2031),
        ]
    assert taken == ["TS-2030-000001", "FK-2030-000001", "TS-2030-000002", "TS-2031-000001"]
    assert set(ReferenceCounter.objects.values_list("prefix", "year", "last_number")) == {
        ("TS", 2030, 2),
        ("FK", 2030, 1),
        ("TS", 2031, 1),
    }


def test_the_number_grows_past_six_digits_instead_of_colliding():
    ReferenceCounter.objects.create(prefix="TS", year=2030, last_number=999_998)
    with transaction.atomic():
        taken = [reference_allocate(prefix="TS", year=2030) for _ in range(3)]
    assert taken == ["TS-2030-999999", "TS-2030-1000000", "TS-2030-1000001"]
    assert len(set(taken)) == 3


def test_the_counter_holds_numbers_far_beyond_a_million():
    ReferenceCounter.objects.create(prefix="TS", year=2030, last_number=9_999_999_999)
    with transaction.atomic():
        assert reference_allocate(prefix="TS", year=2030) == "TS-2030-10000000000"


def test_format_pads_small_numbers_to_six_digits():
    assert reference_format(prefix="FK", year=2026, number=123) == "FK-2026-000123"
    assert reference_format(prefix="FK", year=2026, number=1_234_567) == "FK-2026-1234567"


@pytest.mark.parametrize("prefix", ["", "T", "ts", "TS-", "TOOLONGPREFIX", "T1"])
def test_a_malformed_prefix_is_refused_and_takes_no_number(prefix):
    with pytest.raises(ValueError), transaction.atomic():
        reference_allocate(prefix=prefix, year=2030)
    assert not ReferenceCounter.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_concurrent_allocations_with_rollbacks_leave_no_gap():
    # given twelve callers starting at once, every third of which rolls back after taking its number
    callers = 12
    start = threading.Barrier(callers)
    committed, errors = [], []

    class Abandon(Exception):
        pass

    def allocate(index):
        try:
            start.wait()
            try:
                with transaction.atomic():
                    reference = reference_allocate(prefix="TS", year=2030)
                    if index % 3 == 0:
                        raise Abandon
                committed.append(reference)
            except Abandon:
                pass
        except Exception as error:  # a failure in a thread must fail the test, not vanish
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=allocate, args=(index,)) for index in range(callers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    # then the committed numbers are exactly 1..8: the abandoned ones were given back and reused
    assert errors == []
    assert sorted(committed) == [reference_format(prefix="TS", year=2030, number=n) for n in range(1, 9)]
    assert ReferenceCounter.objects.get(prefix="TS", year=2030).last_number == 8
