"""Keyset pagination: stable order across pages, opaque cursors, constant queries per page."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from returndesk.accounts.roles import Role
from returndesk.api.pagination import encode_cursor
from returndesk.catalog.tests.factories import make_customer, make_product
from returndesk.orders.tests.factories import make_order

from .conftest import api_as, make_user

pytestmark = pytest.mark.django_db
SAME_TIME = datetime(2026, 11, 11, 0, 5, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def api(db):
    return api_as(make_user(Role.SUPERVISOR))


def flat(pages: list[list[str]]) -> list[str]:
    return [item for page in pages for item in page]


def walk(api, path: str, limit: int) -> list[list[str]]:
    """Every page of `path`, following next_cursor; the ids on each page."""
    pages, cursor = [], None
    while True:
        query = f"limit={limit}" + (f"&cursor={cursor}" if cursor else "")
        body = api.get(f"{path}?{query}").json()
        pages.append([item["id"] for item in body["items"]])
        cursor = body["next_cursor"]
        if cursor is None:
            return pages


def test_given_orders_with_equal_sort_keys_when_paging_then_each_order_comes_exactly_once_in_a_stable_order(
    api,
):
    # given 7 orders placed at the same moment and 2 earlier ones
    customer = make_customer()
    same = [
        make_order(customer, placed_at=SAME_TIME, paid_at=SAME_TIME, shipped_at=None, delivered_at=None)
        for _ in range(7)
    ]
    earlier = [
        make_order(customer, placed_at=SAME_TIME - timedelta(days=d), shipped_at=None, delivered_at=None)
        for d in (1, 2)
    ]

    # when
    pages = walk(api, "/orders", limit=2)
    again = walk(api, "/orders", limit=3)

    # then newest first, ties by id (descending), nothing repeated or skipped
    expected = [str(o.pk) for o in sorted(same, key=lambda o: str(o.pk), reverse=True)]
    expected += [str(o.pk) for o in earlier]
    assert [len(page) for page in pages] == [2, 2, 2, 2, 1]
    assert flat(pages) == expected
    assert flat(again) == expected


def test_given_a_row_added_before_the_cursor_when_paging_on_then_later_pages_do_not_shift(api):
    customer = make_customer()
    orders = [
        make_order(customer, placed_at=SAME_TIME - timedelta(hours=h), delivered_at=None) for h in range(4)
    ]
    first = api.get("/orders?limit=2").json()

    make_order(customer, placed_at=SAME_TIME + timedelta(hours=1), delivered_at=None)  # newer: sorts first
    second = api.get(f"/orders?limit=2&cursor={first['next_cursor']}").json()

    assert [o["id"] for o in second["items"]] == [str(orders[2].pk), str(orders[3].pk)]


def test_given_products_when_paging_then_by_sku(api):
    for sku in ("C", "A", "B"):
        make_product(sku=sku)

    pages = walk(api, "/products", limit=2)

    skus = [api.get(f"/products/{pid}").json()["sku"] for pid in flat(pages)]
    assert (len(pages), skus) == (2, ["A", "B", "C"])


@pytest.mark.parametrize("cursor", ["garbage", "e30", encode_cursor("not-a-date", "x"), "W10", "!!"])
def test_given_a_tampered_cursor_when_paging_then_422_invalid_cursor(api, cursor):
    response = api.get(f"/orders?cursor={cursor}")

    assert response.status_code == 422
    assert response.json()["code"] == "request.invalid_cursor"
    assert response.json()["errors"] == [{"field": "cursor", "message": "游标无效。"}]


@pytest.mark.parametrize("limit", ["0", "201", "x"])
def test_given_a_limit_out_of_range_when_paging_then_422_on_limit(api, limit):
    response = api.get(f"/products?limit={limit}")

    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["limit"]


# --- query counts ---------------------------------------------------------------------------


def _queries(api, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = api.get(path)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    ("path", "make"),
    [
        ("/products?limit=200", lambda: make_product()),
        ("/customers?limit=200", lambda: make_customer()),
        (
            "/orders?limit=200",
            lambda: make_order(lines=[(make_product(), 1, "10.00"), (make_product(), 2, "5.00")]),
        ),
    ],
)
def test_given_1_or_30_rows_when_listing_then_the_same_number_of_queries(api, path, make):
    make()
    api.get(path)  # the token's first use records last_used_at: one write, not per page
    one = _queries(api, path)
    for _ in range(29):
        make()

    thirty = _queries(api, path)

    assert one == thirty
    assert len(api.get(path).json()["items"]) == 30
