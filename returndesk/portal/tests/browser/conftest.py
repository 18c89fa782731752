"""Browser tests of the portal: pytest-playwright driving Debian's chromium (never `playwright
install`) against Django's live server, with a real SMTP server receiving the one-time codes.
Staff steps are driven through the cases services in the test, as staff pages would. The
playwright, browser and chromium fixtures are the repository's (conftest.py at the root)."""

from __future__ import annotations

import pytest

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


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
