"""Human-readable, unique, sortable document numbers such as RT-20261126-00042."""

from django.db import connection
from django.utils import timezone

from .models import NumberSequence


def next_number(prefix: str, *, width: int = 5) -> str:
    """Next number for today's date (local time zone). Called inside the creating transaction,
    so a rolled-back creation does not burn the number.

    One statement, the same on SQLite and PostgreSQL: the day's counter is created at 1 or raised
    by one, and the row stays locked until the caller's transaction ends, so concurrent callers
    queue and each gets its own number (the first of a day included, with no race between two
    creators). It was a savepoint, a locking read, an update and a release."""
    today = timezone.localdate()
    key = f"{prefix}-{today:%Y%m%d}"
    table = NumberSequence._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (key, last_value) VALUES (%s, 1) "
            f"ON CONFLICT (key) DO UPDATE SET last_value = {table}.last_value + 1 RETURNING last_value",
            [key],
        )
        (value,) = cursor.fetchone()
    return f"{key}-{value:0{width}d}"
