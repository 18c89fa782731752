"""Repository-wide pytest hooks."""

import pytest


def pytest_collection_modifyitems(config, items):
    """Skip tests marked postgres_only unless the default database is PostgreSQL.

    They need row locks and truly concurrent transactions; SQLite serialises writers instead.
    `make test` runs the suite a second time on a throwaway PostgreSQL cluster, where they run.
    """
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (make test runs it on PostgreSQL 15)")
    for item in items:
        if item.get_closest_marker("postgres_only"):
            item.add_marker(skip)
