"""A finance user opens the dashboard for March 2026 and sees the panels load, their
ECharts charts drawn from the locally served library, and the same figures in the tables."""

from importlib import import_module

import pytest
from django.apps import apps
from django.conf import settings
from django.test import Client

from returndesk.analytics.rollups import rollup_rebuild

from .. import world as world_module

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def live_world(transactional_db):
    import_module(
        "returndesk.cases.migrations.0002_default_reasons_settings_append_only_events"
    ).load_reasons(apps, None)
    built = world_module.build()
    rollup_rebuild()
    return built


def test_given_finance_when_opening_the_dashboard_then_charts_and_tables_show_march(
    live_server, live_world, page
):
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    client = Client()
    client.force_login(live_world.users["finance"])  # signed in as finance (the sign-in page is desk's)
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
          "url": live_server.url}]
    )  # fmt: skip

    page.goto(f"{live_server.url}/analytics/?date_from=2026-03-01&date_to=2026-03-31")
    product = page.locator("#panel-return_rate_by_product")
    product.locator("canvas").first.wait_for(timeout=20_000)
    product.locator("summary").click()

    assert product.locator("tbody tr").first.inner_text().split("\t")[:6] == [
        "P1", "笔记本一", "笔记本", "40", "8", "20.00%",
    ]  # fmt: skip
    assert page.locator("#panel-refunds td.num").nth(1).text_content() == "200.00"  # in a closed <details>
    assert page.locator("#panel-sla_breaches").count() == 0  # not a finance panel
    assert page.locator("nav.mainnav a[aria-current=page]").inner_text() == "分析"
    assert errors == []
    page.screenshot(path="/tmp/analytics-dashboard.png", full_page=True)
