"""Browser tests of the analytics pages: Debian's chromium driven by pytest-playwright against
Django's live server; playwright, browser and chromium fixtures from the root conftest.py."""

import pytest


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "zh-CN", "viewport": {"width": 1366, "height": 900}}
