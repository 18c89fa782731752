"""Sanity checks on the settings and on the databases that `make test` runs against."""

import json
import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection


def test_test_settings_default_to_china_time_and_simplified_chinese():
    # given the test settings (no TIME_ZONE / LANGUAGE_CODE in the environment)
    # when reading the locale settings
    time_zone, language_code = settings.TIME_ZONE, settings.LANGUAGE_CODE

    # then ReturnDesk is Chinese-first
    assert time_zone == "Asia/Shanghai"
    assert language_code == "zh-hans"


def test_production_settings_pass_the_deploy_checks_without_warnings():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "returndesk.example.com",
    }

    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"


@pytest.mark.django_db
def test_sqlite_runs_in_wal_mode_with_foreign_keys_enforced():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")

    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        journal_mode = cursor.fetchone()[0]
        cursor.execute("PRAGMA foreign_keys")
        foreign_keys = cursor.fetchone()[0]

    assert (journal_mode, foreign_keys) == ("wal", 1)
    assert connection.settings_dict["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


@pytest.mark.postgres_only
@pytest.mark.django_db
def test_postgresql_is_version_15_or_later():
    assert connection.vendor == "postgresql"
    assert connection.pg_version >= 150000


def _served_settings(expression: str, **env_changes: str | None) -> dict:
    """`expression` evaluated on config.settings.base (as `s`) in a fresh process, with the
    environment changed as given (None removes a variable)."""
    env = {**os.environ, "RETURNDESK_VAR_DIR": str(settings.MEDIA_ROOT)}
    for name, value in env_changes.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    result = subprocess.run(
        [sys.executable, "-c", f"import json, config.settings.base as s; print(json.dumps({expression}))"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("postgres://rd@localhost/rd", {"CONN_MAX_AGE": 600, "CONN_HEALTH_CHECKS": True}),
        ("sqlite:////tmp/rd-settings-check.sqlite3", {"CONN_MAX_AGE": 600, "CONN_HEALTH_CHECKS": False}),
    ],
)
def test_given_a_database_url_when_the_served_settings_load_then_connections_are_kept(url, expected):
    """The served app keeps its connections between requests: PostgreSQL's checked before reuse,
    SQLite's without a check (a file does not go away like a server)."""
    loaded = _served_settings(
        "{k: s.DATABASES['default'][k] for k in ('CONN_MAX_AGE', 'CONN_HEALTH_CHECKS')}",
        DATABASE_URL=url,
        CONN_MAX_AGE=None,
    )
    assert loaded == expected


@pytest.mark.parametrize(
    ("switch", "expected"),
    [
        (None, {"server_side_binding": True, "prepare_threshold": 2}),
        ("off", {"server_side_binding": None, "prepare_threshold": None}),
    ],
)
def test_given_postgresql_when_the_served_settings_load_then_statements_are_prepared_unless_switched_off(
    switch, expected
):
    # given a PostgreSQL DATABASE_URL, with or without PG_PREPARED_STATEMENTS=off (poolers)
    # when the served settings load
    loaded = _served_settings(
        "{k: s.DATABASES['default']['OPTIONS'].get(k) for k in ('server_side_binding', 'prepare_threshold')}",
        DATABASE_URL="postgres://rd@localhost/rd",
        PG_PREPARED_STATEMENTS=switch,
    )
    # then the options say so exactly
    assert loaded == expected


@pytest.mark.postgres_only
@pytest.mark.django_db
def test_given_postgresql_when_a_statement_runs_twice_then_the_second_run_uses_a_prepared_statement():
    # given the test database on PostgreSQL with the served options (config.settings.test
    # inherits them)
    from django.db.models import Value

    from returndesk.accounts.models import User

    connection.ensure_connection()
    assert connection.connection.prepared_max == 500
    # an ORM query whose text no other code runs (its alias)
    probe = User.objects.filter(username="nobody").annotate(prepared_probe=Value(1)).values("id")
    count = "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE '%%prepared_probe%%'"
    with connection.cursor() as cursor:
        cursor.execute(count)
        assert cursor.fetchone()[0] == 0
    # when it runs once, then again
    list(probe)
    with connection.cursor() as cursor:
        cursor.execute(count)
        after_one = cursor.fetchone()[0]
    list(probe)
    # then PostgreSQL holds it prepared after the second run, not the first
    with connection.cursor() as cursor:
        cursor.execute(count)
        assert (after_one, cursor.fetchone()[0]) == (0, 1)
