"""Browser tests of the analytics pages: Debian's chromium driven by playwright against Django's
live server (BRIEF: never `playwright install`).

Like the portal's browser tests (returndesk/portal/tests/browser/conftest.py), playwright runs
per test, not per session as pytest-playwright has it, and DJANGO_ALLOW_ASYNC_UNSAFE is set only
around these tests: a session-wide playwright keeps its event loop running on the xdist worker,
so the portal's browser tests scheduled after it on the same worker could not start theirs, and
the variable set for the whole process made the production deploy check warn."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"
HERE = Path(__file__).parent
CONTEXT = {"locale": "zh-CN", "viewport": {"width": 1366, "height": 900}}


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    """live_server + sync playwright share the thread: allowed for the tests of this folder only."""
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
    with sync_playwright() as pw:
        yield pw


@pytest.fixture
def browser(playwright):
    browser = playwright.chromium.launch(
        executable_path="/usr/bin/chromium", headless=True, args=["--no-sandbox"]
    )
    yield browser
    browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(**CONTEXT)
    yield context.new_page()
    context.close()
