"""Browser tests: pytest-playwright driving Debian's chromium (never `playwright install`) against
pytest-django's live server. Sync playwright runs an event loop in the test thread, so Django's
async-safety check must be told that the ORM calls made beside it are fine."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import expect

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
# The shared 2-core machine can be slow under load; waiting is not a timing assertion.
expect.set_options(timeout=30_000)


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
