"""Finding the case lines of a serial number — claimed on a case line, or sold on its order line —
without reading every line.

The serial numbers live in JSON lists (`CaseLine.serial_numbers`, `OrderLine.serial_numbers`).
PostgreSQL answers "this list contains that element" from a GIN index (`core.db_indexes`,
migrations cases 0009 and orders 0005). SQLite has no index for elements of a JSON list, so on
SQLite the table `cases_serialref` keeps one row per (serial number, order line or case line),
written by triggers on both line tables whatever writes them (a service, the admin, a bulk
insert, raw SQL), and indexed by serial number (migration cases 0011). Exact, case-sensitive
matches of whole serial numbers on both databases.
"""

from __future__ import annotations

from django.db import connection
from django.db.models import Q
from django.db.models.expressions import RawSQL

TABLE = "cases_serialref"
_SOURCES = (("orders_orderline", "order_line_id"), ("cases_caseline", "case_line_id"))


def sqlite_install_sql() -> list[str]:
    """The table, its indexes, the triggers, and the rows of the lines already there."""
    statements = [
        f"CREATE TABLE {TABLE} (serial TEXT NOT NULL, order_line_id CHAR(32) NULL, case_line_id CHAR(32) NULL)",
        f"CREATE INDEX {TABLE}_serial ON {TABLE} (serial)",
        f"CREATE INDEX {TABLE}_order_line ON {TABLE} (order_line_id) WHERE order_line_id IS NOT NULL",
        f"CREATE INDEX {TABLE}_case_line ON {TABLE} (case_line_id) WHERE case_line_id IS NOT NULL",
    ]
    for table, column in _SOURCES:
        insert = (
            f"INSERT INTO {TABLE} (serial, {column}) SELECT value, NEW.id "
            "FROM json_each(NEW.serial_numbers) WHERE type = 'text'"
        )
        statements += [
            f"CREATE TRIGGER {table}_serialref_insert AFTER INSERT ON {table} BEGIN {insert}; END",
            f"CREATE TRIGGER {table}_serialref_update AFTER UPDATE OF serial_numbers ON {table} BEGIN "
            f"DELETE FROM {TABLE} WHERE {column} = OLD.id; {insert}; END",
            f"CREATE TRIGGER {table}_serialref_delete AFTER DELETE ON {table} BEGIN "
            f"DELETE FROM {TABLE} WHERE {column} = OLD.id; END",
            f"INSERT INTO {TABLE} (serial, {column}) SELECT j.value, t.id "
            f"FROM {table} AS t, json_each(t.serial_numbers) AS j WHERE j.type = 'text'",
        ]
    return statements


def sqlite_drop_sql() -> list[str]:
    drops = [
        f"DROP TRIGGER IF EXISTS {table}_serialref_{kind}"
        for table, _column in _SOURCES
        for kind in ("insert", "update", "delete")
    ]
    return [*drops, f"DROP TABLE IF EXISTS {TABLE}"]


def _json_list_has(field: str, value: str) -> Q:
    return Q(**{f"{field}__contains": [value]})


def claimed_q(serial: str) -> Q:
    """Case lines on which `serial` is claimed."""
    if connection.vendor == "sqlite":
        return Q(
            pk__in=RawSQL(
                f"SELECT case_line_id FROM {TABLE} WHERE serial = %s AND case_line_id IS NOT NULL", [serial]
            )
        )
    return _json_list_has("serial_numbers", serial)


def sold_q(serial: str) -> Q:
    """Case lines whose order line sold `serial`."""
    if connection.vendor == "sqlite":
        return Q(
            order_line_id__in=RawSQL(
                f"SELECT order_line_id FROM {TABLE} WHERE serial = %s AND order_line_id IS NOT NULL", [serial]
            )
        )
    from returndesk.orders.models import OrderLine

    return Q(order_line__in=OrderLine.objects.filter(_json_list_has("serial_numbers", serial)).values("pk"))
