"""The analytics endpoints: who may read which panel (ANALYTICS_MATRIX, merged into the
authorization matrix), the JSON shape, filters and their refusals."""

from __future__ import annotations

import pytest

from returndesk.accounts.roles import Role
from returndesk.analytics.rollups import rollup_rebuild
from returndesk.analytics.selectors import EVERY_STAFF, MONEY_ROLES

from .conftest import api_as, make_user

pytestmark = pytest.mark.django_db

CALLER_NAMES = [
    "anonymous", "customer_of_a", "customer_of_b", "agent", "supervisor", "sales", "warehouse", "qc", "gm",
    "finance", "admin", "system",
]  # fmt: skip


def _expect(allowed) -> dict[str, int]:
    table = {name: 403 for name in CALLER_NAMES}
    table["anonymous"] = 401
    table.update({str(role): 200 for role in allowed})
    return table


# operation id: (method, path, body factory, expected statuses) — as in test_authorization_matrix
ANALYTICS_MATRIX = {
    "analytics_panels": ("get", "/analytics/panels", None, _expect(EVERY_STAFF)),
    # a money panel: the warehouse, QC and agents may not see it
    "analytics_panel": ("get", "/analytics/panels/refunds", None, _expect(MONEY_ROLES)),
}


def test_the_money_panel_is_closed_to_the_warehouse_qc_and_agents():
    expected = ANALYTICS_MATRIX["analytics_panel"][3]

    assert {name for name, status in expected.items() if status == 403} == {
        "customer_of_a", "customer_of_b", "agent", "warehouse", "qc",
    }  # fmt: skip


@pytest.fixture
def gm_api(world):
    rollup_rebuild()
    return api_as(make_user(Role.GM))


@pytest.fixture
def world(db):
    from returndesk.analytics.tests import world as world_module

    return world_module.build()


def test_given_the_gm_when_listing_panels_then_every_panel_with_its_url(gm_api):
    response = gm_api.get("/analytics/panels")

    assert response.status_code == 200
    keys = [item["key"] for item in response.json()["items"]]
    assert keys[0] == "return_rate_by_period" and "refunds" in keys and "distributor_scorecards" in keys
    assert response.json()["items"][0]["url"] == "/api/v1/analytics/panels/return_rate_by_period"


def test_given_a_product_panel_when_read_for_march_then_exact_rows_with_rates_as_strings(gm_api):
    response = gm_api.get("/analytics/panels/return_rate_by_product?date_from=2026-03-01&date_to=2026-03-31")

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["title"] == {"zh": "各产品退货率", "en": "Return rate by product"}
    assert [(r["sku"], r["units_shipped"], r["units_returned"], r["return_rate"]) for r in body["rows"]] == [
        ("P1", 40, 8, "0.2000"),
        ("P3", 5, 0, "0.0000"),
        ("P2", 4, 0, "0.0000"),
    ]
    assert body["filters"]["date_from"] == "2026-03-01"
    assert {c["key"]: c["kind"] for c in body["columns"]}["return_rate"] == "rate"


def test_given_the_cost_panel_when_read_then_unavailable_components_are_named(gm_api):
    body = gm_api.get("/analytics/panels/cost_of_returns?date_from=2026-03-01&date_to=2026-03-31").json()

    assert {r["component"]: r["amount"] for r in body["rows"]}["refunds"] == "200.00"
    assert {r["component"]: r["amount"] for r in body["rows"]}["scrapped_value"] is None
    assert len(body["unavailable"]) == 3


def test_given_bad_filters_when_reading_then_422_in_english_and_unknown_panel_404(gm_api):
    reversed_range = gm_api.get(
        "/analytics/panels/refunds?date_from=2026-04-01&date_to=2026-03-01", **{"Accept-Language": "en"}
    )
    bad_channel = gm_api.get("/analytics/panels/refunds?channel=moon")
    unknown = gm_api.get("/analytics/panels/nonsense")

    assert reversed_range.status_code == 422
    assert reversed_range.json()["code"] == "analytics.invalid_filter"
    assert reversed_range.json()["detail"] == "The start date is after the end date"
    assert (bad_channel.status_code, bad_channel.json()["code"]) == (422, "analytics.invalid_filter")
    assert (unknown.status_code, unknown.json()["code"]) == (404, "analytics.unknown_panel")
