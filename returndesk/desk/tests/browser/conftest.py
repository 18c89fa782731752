"""Browser tests of the desk against pytest-django's live server. The playwright and browser
fixtures (per test, Debian's chromium) and the async-unsafe switch around browser tests live in
the repository's root conftest.py; here: the migrations' data and the order of the tests."""

from __future__ import annotations

from importlib import import_module

import pytest
from playwright.sync_api import expect

# The shared 2-core machine can be slow under load; waiting is not a timing assertion.
expect.set_options(timeout=30_000)

# The data the migrations load, which a transactional test's flush removes (each loader is
# idempotent, so a database that still has it is left as it is).
MIGRATION_LOADERS = (
    ("returndesk.cases.migrations.0002_default_reasons_settings_append_only_events", "load_reasons"),
    ("returndesk.policies.migrations.0002_default_rules_immutable_versions", "load_defaults"),
    ("returndesk.sla.migrations.0002_default_policies_hours_rules", "load"),
    ("returndesk.notifications.migrations.0003_default_templates", "load"),
    ("returndesk.replies.migrations.0002_default_reply_templates", "load_defaults"),
    ("returndesk.inspection.migrations.0002_default_checklist", "load_checklist"),
)


@pytest.fixture
def migration_data(transactional_db):
    from django.apps import apps

    for module, loader in MIGRATION_LOADERS:
        getattr(import_module(module), loader)(apps, None)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """pytest-django runs ordinary database tests before transactional ones, but pytest's own
    reordering for the session-scoped browser parametrization runs after it and can pull these
    live-server tests ahead. Their flush would empty the data the migrations load (reasons, reply
    templates) under the ordinary tests that follow, so they go back to the end (stable sort)."""
    items.sort(key=lambda item: "live_server" in getattr(item, "fixturenames", ()))
