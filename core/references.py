"""Reference numbers ``<prefix>-<year>-<number>``: per prefix and year, gapless, and never running out.

The number has at least six digits and grows past them (``TS-2026-999999`` is followed by
``TS-2026-1000000``), so text order is not number order: sort references with ``ReferenceSortKey``.
"""

import re

from django.db import connection
from django.db.models import CharField, Func
from django.utils import timezone

from core.models import ReferenceCounter

MIN_DIGITS = 6
# The sort key pads the number to this width: wider than any PositiveBigIntegerField value.
_SORT_WIDTH = 20
_PREFIX = re.compile(r"^[A-Z]{2,8}$")


def reference_pattern(prefix: str) -> str:
    """Return the regular expression every reference of the prefix matches (for a CHECK constraint)."""
    return rf"^{prefix}-[0-9]{{4}}-[0-9]{{{MIN_DIGITS},}}$"


def reference_format(*, prefix: str, year: int, number: int) -> str:
    """Return the reference of a number: at least six digits, more once the year passes 999,999."""
    return f"{prefix}-{year}-{number:0{MIN_DIGITS}d}"


def reference_allocate(*, prefix: str, year: int | None = None) -> str:
    """Take the next reference number of the prefix's year (see ``reference_allocate_block``)."""
    return reference_allocate_block(prefix=prefix, year=year, count=1)[0]


def reference_allocate_block(*, prefix: str, count: int, year: int | None = None) -> list[str]:
    """Take the next ``count`` reference numbers of the prefix's year, inside the caller's transaction.

    An import of many records takes them all in one statement. The counter row is inserted or incremented in
    one statement and stays locked until the caller's transaction ends: concurrent callers wait their turn,
    and one that rolls back gives its numbers back. Every filing of the prefix waits while the lock is held,
    so call this as late in the transaction as possible, after any slow work (files, remote calls). Requires
    an open transaction and a prefix of two to eight capital letters; raises RuntimeError or ValueError
    otherwise.
    """
    if count < 1:
        raise ValueError(f"Allocate at least one reference, not {count}.")
    if not _PREFIX.match(prefix):
        raise ValueError(f"A reference prefix is two to eight capital letters, not {prefix!r}.")
    if not connection.in_atomic_block:
        raise RuntimeError("Allocate a reference inside the filing transaction, or a rollback leaves a gap.")
    year = year or timezone.localdate().year
    table = connection.ops.quote_name(ReferenceCounter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            # The table name comes from the model, never from input.
            f"INSERT INTO {table} (prefix, year, last_number) VALUES (%s, %s, %s) "  # noqa: S608
            "ON CONFLICT (prefix, year) DO UPDATE SET last_number = "
            f"{table}.last_number + EXCLUDED.last_number RETURNING last_number",
            [prefix, year, count],
        )
        (last,) = cursor.fetchone()
    return [
        reference_format(prefix=prefix, year=year, number=number)
        for number in range(last - count + 1, last + 1)
    ]


class ReferenceSortKey(Func):
    """Sort references by prefix, year and number: the number part padded, so ``…-1000000`` follows
    ``…-999999``. Immutable SQL, so an expression index can serve it."""

    arity = 1
    output_field = CharField()

    def as_sql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        # The reference appears three times, so do its parameters (none for a column).
        return (
            f"(split_part({sql}, '-', 1) || '-' || split_part({sql}, '-', 2) || '-' || "
            f"lpad(split_part({sql}, '-', 3), {_SORT_WIDTH}, '0'))",
            (*params, *params, *params),
        )
