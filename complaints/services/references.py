"""Reference numbers ``TS-<year>-<6 digits>``: allocated without gaps or races."""

from django.db import connection
from django.utils import timezone

from complaints.models import ReferenceCounter


def reference_allocate(*, year: int | None = None) -> str:
    """Take the next reference number of the year, inside the caller's transaction.

    The year's counter row is inserted or incremented in one statement and stays locked until the filing
    transaction ends: concurrent filings wait their turn, and a filing that rolls back gives its number back.
    Requires an open transaction; raises RuntimeError otherwise.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("Allocate a reference inside the filing transaction, or a rollback leaves a gap.")
    year = year or timezone.localdate().year
    table = connection.ops.quote_name(ReferenceCounter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            # The table name comes from the model, never from input.
            f"INSERT INTO {table} (year, last_number) VALUES (%s, 1) "  # noqa: S608
            f"ON CONFLICT (year) DO UPDATE SET last_number = {table}.last_number + 1 "
            "RETURNING last_number",
            [year],
        )
        (number,) = cursor.fetchone()
    return f"TS-{year}-{number:06d}"
