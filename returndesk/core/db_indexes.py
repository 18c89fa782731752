"""Indexes only PostgreSQL has, created by migrations on PostgreSQL and skipped on SQLite.

A JSON list of serial numbers is searched by "contains this element" (`@>` on PostgreSQL); a GIN
index with the `jsonb_path_ops` operator class answers that from the index. SQLite has no index
for elements of a JSON list: there a lookup table kept by triggers does (cases.serial_lookup)."""

from __future__ import annotations

from django.db import migrations


def jsonb_contains_index(table: str, column: str, name: str) -> migrations.RunPython:
    """A migration operation: `CREATE INDEX name ON table USING gin (column jsonb_path_ops)` on
    PostgreSQL, nothing elsewhere; reversible."""

    def create(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            quote = schema_editor.quote_name
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS {quote(name)} ON {quote(table)} "
                f"USING gin ({quote(column)} jsonb_path_ops)"
            )

    def drop(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(name)}")

    return migrations.RunPython(create, drop, elidable=False)
