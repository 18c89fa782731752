"""Browser tests: pytest-playwright driving Debian's chromium (never `playwright install`) against
pytest-django's live server. Sync playwright runs an event loop in the test thread, so Django's
async-safety check must be told that the ORM calls made beside it are fine."""

from __future__ import annotations

import os
from importlib import import_module
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

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


ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"
HERE = Path(__file__).parent


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    """Sync playwright keeps an event loop running in the test thread; the ORM calls the test and
    its fixtures make beside it are fine. Set only from the setup to the teardown of the tests in
    this folder (this hook sees every test of the session), so that no other test (or subprocess
    it starts, like `manage.py check --deploy`) inherits it."""
    if HERE not in item.path.parents:
        yield
        return
    previous = os.environ.get(ASYNC_UNSAFE)
    os.environ[ASYNC_UNSAFE] = "true"
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop(ASYNC_UNSAFE, None)
        else:
            os.environ[ASYNC_UNSAFE] = previous


@pytest.fixture
def playwright():
    """Per test, not per session as pytest-playwright has it (as the portal's browser tests do):
    stopping playwright ends its event loop, so the tests that run after these on the same worker
    (the portal's own playwright among them) start from plain synchronous Django."""
    with sync_playwright() as pw:
        yield pw


@pytest.fixture
def browser(playwright, browser_type_launch_args):
    browser = playwright.chromium.launch(**browser_type_launch_args)
    yield browser
    browser.close()


@pytest.fixture
def migration_data(transactional_db):
    from django.apps import apps

    for module, loader in MIGRATION_LOADERS:
        getattr(import_module(module), loader)(apps, None)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "headless": True,
        "args": ["--no-sandbox"],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "zh-CN", "viewport": {"width": 1280, "height": 900}}


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """pytest-django runs ordinary database tests before transactional ones, but pytest's own
    reordering for the session-scoped browser parametrization runs after it and can pull these
    live-server tests ahead. Their flush would empty the data the migrations load (reasons, reply
    templates) under the ordinary tests that follow, so they go back to the end (stable sort)."""
    items.sort(key=lambda item: "live_server" in getattr(item, "fixturenames", ()))
