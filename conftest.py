"""Repository-wide pytest hooks."""

import os

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


# --- browser tests (every `tests/browser/` folder) ------------------------------------------------
# pytest-playwright drives Debian's chromium (never `playwright install`). Its `playwright` and
# `browser` fixtures are per session; here they are per test, because the sync API runs an event
# loop in the test's thread for as long as playwright runs: left running, it would make every
# later test on the same worker "async" to Django (SynchronousOnlyOperation) and break another
# app's browser tests ("Sync API inside the asyncio loop").

ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"


def _is_browser_test(item) -> bool:
    return "browser" in item.path.parent.parts


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    """The test's own ORM calls (staff steps, fixtures, the database flush) are plain synchronous
    code running beside playwright's loop, so Django must allow them — from the setup to the
    teardown of browser tests only: set for the whole process, it would leak into other tests'
    subprocesses (Django's deploy check refuses it)."""
    if not _is_browser_test(item):
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
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        yield pw


@pytest.fixture
def browser(playwright, browser_type_launch_args):
    browser = playwright.chromium.launch(**browser_type_launch_args)
    yield browser
    browser.close()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "headless": True,
        "args": ["--no-sandbox"],
    }


@pytest.fixture
def context(browser, browser_context_args):
    """A fresh context per test on the per-test browser (pytest-playwright's own goes through its
    session-scoped artifact machinery, which would reach back for a session playwright)."""
    context = browser.new_context(**browser_context_args)
    yield context
    context.close()


@pytest.fixture
def page(context):
    return context.new_page()


@pytest.fixture(scope="session")
def browser_context_args():
    """pytest-playwright's reads devices from a session playwright; our tests name what they need."""
    return {}
