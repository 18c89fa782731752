"""Browser tests of the portal: pytest-playwright driving Debian's chromium (never `playwright
install`) against Django's live server, with a real SMTP server receiving the one-time codes.
Staff steps are driven through the cases services in the test, as staff pages would."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"
HERE = Path(__file__).parent
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    """The sync playwright API runs an event loop in this thread; the test's own ORM calls (staff
    steps, fixtures, the database flush) are still plain synchronous code, so Django must allow
    them. Only from the setup to the teardown of the tests in this folder: set for the whole
    process, it would leak into other tests' subprocesses (Django's deploy check warns of it)."""
    if HERE not in item.path.parents:  # conftest hooks of this kind see every test of the session
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
    """Per test, not per session as pytest-playwright has it: stopping playwright ends its event
    loop, so the tests that run after these on the same worker are plain synchronous Django."""
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
def phone(browser, live_server):
    """A phone-sized browser context in Chinese (the portal's default language)."""
    context = browser.new_context(**PHONE, locale="zh-CN", base_url=live_server.url)
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


@pytest.fixture
def desktop(browser, live_server):
    context = browser.new_context(
        viewport={"width": 1100, "height": 900}, locale="zh-CN", base_url=live_server.url
    )
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()
