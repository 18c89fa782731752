# SQLite: one row per serial number of every order line and case line, kept by triggers, so a
# serial-number search is an index lookup there too (cases.serial_lookup). PostgreSQL has GIN
# indexes on the JSON lists instead (0009, orders 0005): nothing to do there.

from django.db import migrations

from returndesk.cases.serial_lookup import sqlite_drop_sql, sqlite_install_sql


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in sqlite_install_sql():
            schema_editor.execute(statement)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in sqlite_drop_sql():
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0010_settings_config_cache_triggers"),
        ("orders", "0005_serial_numbers_gin_index"),
    ]

    operations = [migrations.RunPython(install, drop)]
