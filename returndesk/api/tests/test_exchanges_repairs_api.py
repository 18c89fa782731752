"""Exchanges, repairs and delivery acceptance findings over the API (issue #5): each step through
HTTP with problem+json refusals that change nothing, If-Match, what customers may see, and the
lists finance and QC work from (a fixed number of queries per page)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from returndesk.acceptance.models import AcceptanceFinding
from returndesk.accounts.roles import Role
from returndesk.cases import services
from returndesk.cases.models import Case
from returndesk.cases.tests.helpers import in_stock, state_of
from returndesk.catalog.tests.factories import make_customer, make_product
from returndesk.exchanges.models import Exchange, PaymentRequest
from returndesk.inventory.models import StockLevel
from returndesk.inventory.services import stock_allocate, stock_move
from returndesk.repairs.models import Repair

from . import cases_helpers as h
from .conftest import api_as, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(db):
    h.load_reasons()
    return h.Staff()


@pytest.fixture
def consumer(db):
    return make_customer(code="ZS", name="张三")


@pytest.fixture
def consumer_api(consumer):
    return api_as(make_user(Role.CUSTOMER, customer=consumer, username="zhangsan"))


def act(api, case_id, action: str, body: dict | None = None, **headers):
    return api.post(f"/cases/{case_id}/actions/{action}", body or {}, **headers)


def _exchange_ready(staff, consumer, *, stock: int = 5) -> tuple[Case, object]:
    """An exchange of one unit paid 100.00, received and cause confirmed; `stock` units of the
    same product and 2 of a dearer variant in the default warehouse."""
    line = h.order_line(consumer, quantity=1, unit_price="100.00")
    case = h.open_case(staff.user(Role.AGENT), consumer, line, type="exchange", reason="Q02")
    h.cause_confirmed(case, staff)
    in_stock(line, quantity=max(stock, 1))
    if not stock:  # the only unit is promised to someone else
        stock_allocate(
            product=line.product,
            warehouse=StockLevel.objects.get(product=line.product, condition="sellable").warehouse,
            quantity=1,
        )
    variant = make_product(sku="VARIANT-1", category=line.product.category)
    warehouse = StockLevel.objects.get(product=line.product, condition="sellable").warehouse
    stock_move(product=variant, warehouse=warehouse, quantity=2, target="sellable", kind="opening")
    case.refresh_from_db()
    return case, line


def test_given_a_dearer_variant_over_the_api_when_arranged_paid_and_shipped_then_each_step_answers_and_the_customer_sees_the_amount(
    staff, consumer, consumer_api
):
    case, _line = _exchange_ready(staff, consumer)
    line_id = str(case.lines.get().pk)

    response = act(
        staff.api(Role.AGENT), case.pk, "arrange_exchange",
        {"replacements": [{"line": line_id, "product": "VARIANT-1", "unit_price": "129.90"}], "note": "换 4K 款"},
        **{"If-Match": f'"{case.version}"'},
    )  # fmt: skip

    assert response.status_code == 200, response.content
    assert (response.json()["status"], response["ETag"]) == ("replacement_reserved", f'"{case.version + 1}"')
    seen = consumer_api.get(f"/cases/{case.pk}/exchanges").json()
    (exchange,) = seen["items"]
    assert (exchange["original_value"], exchange["replacement_value"], exchange["price_difference"]) == (
        "100.00", "129.90", "29.90",
    )  # fmt: skip
    assert (exchange["amount_due"], exchange["arranged_by"], exchange["lines"][0]["replacement_product"]["sku"]) == (
        "29.90", None, "VARIANT-1",
    )  # fmt: skip
    (request,) = exchange["payment_requests"]
    assert (request["amount"], request["state"]) == ("29.90", "pending")
    timeline = consumer_api.get(f"/cases/{case.pk}/timeline").json()["items"]
    assert timeline[-1]["data"]["amount_due"] == "29.90"
    assert (
        staff.api(Role.AGENT).get(f"/cases/{case.pk}/exchanges").json()["items"][0]["arranged_by"]["role"]
        == "agent"
    )

    refused = act(
        staff.api(Role.WAREHOUSE),
        case.pk,
        "ship_replacement",
        {"carrier": "SF", "tracking_number": "SF1234567890123"},
    )
    assert (refused.status_code, refused.json()["code"]) == (422, "case.guard.difference_settled")
    assert refused["Content-Type"] == "application/problem+json"

    pending = staff.api(Role.FINANCE).get("/exchange-payment-requests?state=pending").json()["items"]
    assert [(p["amount"], p["case"]["number"]) for p in pending] == [("29.90", case.number)]
    paid = act(
        staff.api(Role.FINANCE),
        case.pk,
        "confirm_payment",
        {"payment_reference": "4200001234202611260001", "payment_method": "wechat"},
    )
    assert (paid.status_code, paid.json()["status"]) == (200, "difference_paid")
    shipped = act(
        staff.api(Role.WAREHOUSE), case.pk, "ship_replacement",
        {"carrier": "SF", "tracking_number": "SF1234567890123", "replacement_serials": {line_id: ["V-0001"]}},
    )  # fmt: skip
    assert (shipped.status_code, shipped.json()["status"]) == (200, "replacement_shipped")
    assert consumer_api.get(f"/cases/{case.pk}/exchanges").json()["items"][0]["lines"][0][
        "shipped_serials"
    ] == ["V-0001"]


def test_given_no_stock_over_the_api_when_arranging_then_409_out_of_stock_and_nothing_changed(
    staff, consumer
):
    case, line = _exchange_ready(staff, consumer, stock=0)
    before = state_of(case, [line])

    response = act(staff.api(Role.AGENT), case.pk, "arrange_exchange", {})

    assert (response.status_code, response.json()["code"]) == (409, "inventory.out_of_stock")
    assert (
        "nothing was allocated"
        in act(staff.api(Role.AGENT), case.pk, "arrange_exchange", {}, **{"Accept-Language": "en"}).json()[
            "detail"
        ]
    )
    assert state_of(case, [line]) == before
    assert Exchange.objects.count() == 0 and PaymentRequest.objects.count() == 0


@pytest.mark.parametrize(
    ("replacement", "field"),
    [
        ({"product": "VARIANT-1"}, "replacements.0.unit_price"),
        ({"product": "VARIANT-1", "unit_price": "1.001"}, "replacements.0.unit_price"),
        ({"product": "NOPE", "unit_price": "1.00"}, "replacements.0.product"),
    ],
)
def test_given_a_bad_replacement_over_the_api_when_arranging_then_422_naming_the_body_field(
    staff, consumer, replacement, field
):
    case, line = _exchange_ready(staff, consumer)
    before = state_of(case, [line])

    response = act(
        staff.api(Role.AGENT), case.pk, "arrange_exchange",
        {"replacements": [{"line": str(case.lines.get().pk), **replacement}]},
    )  # fmt: skip

    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == [field]
    assert state_of(case, [line]) == before


def test_given_a_float_price_over_the_api_when_arranging_then_422_before_the_service(staff, consumer):
    case, _line = _exchange_ready(staff, consumer)

    response = act(
        staff.api(Role.AGENT), case.pk, "arrange_exchange",
        {"replacements": [{"line": str(case.lines.get().pk), "product": "VARIANT-1", "unit_price": 129.9}]},
    )  # fmt: skip

    assert response.status_code == 422
    assert Exchange.objects.count() == 0


def test_given_a_paid_repair_over_the_api_when_quoted_and_the_customer_accepts_then_the_repair_shows_the_quote(
    staff, consumer, consumer_api
):
    line = h.order_line(consumer, quantity=1, serial_numbers=["SN-R1"])
    case = services.case_create(
        actor=staff.user(Role.AGENT), customer=consumer, type="repair", channel="phone",
        lines=[{"order_line": line, "quantity": 1, "reason": "Q03", "serial_numbers": ["SN-R1"]}],
    )  # fmt: skip
    h.cause_confirmed(case, staff)
    assert consumer_api.get(f"/cases/{case.pk}/repair").json()["repair"] is None

    covered = act(staff.api(Role.QC), case.pk, "quote_repair", {"diagnosis": "键盘失灵", "labour": "50.00"})
    assert (covered.status_code, covered.json()["code"]) == (422, "repair.covered_no_quote")
    quoted = act(
        staff.api(Role.QC), case.pk, "quote_repair",
        {"diagnosis": "键盘进液", "exclusion": "user_damage", "labour": "50.00",
         "parts": [{"name": "键盘模块", "quantity": 1, "unit_price": "260.00"}]},
    )  # fmt: skip
    assert (quoted.status_code, quoted.json()["status"]) == (200, "quote_pending")
    actions = [a["action"] for a in consumer_api.get(f"/cases/{case.pk}").json()["actions"]]
    assert set(actions) >= {"accept_quote", "decline_quote"}

    accepted = act(consumer_api, case.pk, "accept_quote", {"note": "同意"})

    assert (accepted.status_code, accepted.json()["status"]) == (200, "ready_for_repair")
    repair = consumer_api.get(f"/cases/{case.pk}/repair").json()["repair"]
    assert (repair["coverage"], repair["exclusion"], repair["quote_total"], repair["quote_state"]) == (
        "paid", "user_damage", "310.00", "accepted",
    )  # fmt: skip
    assert [(i["kind"], i["amount"]) for i in repair["quote_items"]] == [
        ("part", "260.00"),
        ("labour", "50.00"),
    ]
    assert (repair["warranty"]["covered"], repair["diagnosed_by"]) == (False, None)
    act(staff.api(Role.QC), case.pk, "start_repair")
    finished = act(
        staff.api(Role.QC), case.pk, "finish_repair",
        {"result": "更换键盘", "outcome": "fixed", "carrier": "SF", "tracking_number": "SF1234567890123"},
    )  # fmt: skip
    assert finished.json()["status"] == "repaired"
    history = staff.api(Role.QC).get("/repair-history?serial=SN-R1").json()["items"]
    assert [(r["case_number"], r["fault"], r["covered"], r["outcome"]) for r in history] == [
        (case.number, "Q03", False, "fixed")
    ]
    assert Repair.objects.get().quote_total == Decimal("310.00")


def test_given_a_bad_quote_part_over_the_api_then_422_naming_the_part(staff, consumer):
    line = h.order_line(consumer, quantity=1)
    case = h.open_case(staff.user(Role.AGENT), consumer, line, type="repair", reason="Q03")
    h.cause_confirmed(case, staff)

    response = act(
        staff.api(Role.QC), case.pk, "quote_repair",
        {"diagnosis": "x", "exclusion": "user_damage", "parts": [{"name": "主板", "unit_price": "1.005"}]},
    )  # fmt: skip

    assert (response.status_code, response.json()["code"]) == (422, "repair.amount_invalid")
    assert [e["field"] for e in response.json()["errors"]] == ["parts.0.unit_price"]


def test_given_findings_over_the_api_when_a_case_is_opened_from_them_then_201_with_location_and_both_sides_linked(
    staff, consumer
):
    line = h.order_line(consumer, quantity=10)
    acceptance = h.open_case(staff.user(Role.AGENT), consumer, None, type="acceptance")
    agent = staff.api(Role.AGENT)
    act(
        agent,
        acceptance.pk,
        "schedule_visit",
        {"visit_at": "2026-12-01T10:00:00+08:00", "technician": "王工"},
    )
    bad = act(
        staff.api(Role.QC), acceptance.pk, "record_inspection",
        {"result": "issues_found", "issues": [{"order_line": str(line.pk), "reason": "D03", "quantity": 11}]},
    )  # fmt: skip
    assert [e["field"] for e in bad.json()["errors"]] == ["issues.0.quantity"]
    recorded = act(
        staff.api(Role.QC), acceptance.pk, "record_inspection",
        {"result": "issues_found", "findings": "2 台外箱破损",
         "issues": [{"order_line": str(line.pk), "reason": "D03", "quantity": 2, "description": "外箱破损"}]},
    )  # fmt: skip
    assert recorded.status_code == 200
    version = recorded.json()["version"]

    stale = agent.post(
        f"/cases/{acceptance.pk}/findings/open-case", {"type": "exchange"}, **{"If-Match": '"1"'}
    )
    assert (stale.status_code, stale.json()["code"]) == (412, "case.precondition_failed")
    assert AcceptanceFinding.objects.get().opened_case is None

    response = agent.post(
        f"/cases/{acceptance.pk}/findings/open-case", {"type": "exchange"}, **{"If-Match": f'"{version}"'}
    )

    assert response.status_code == 201, response.content
    body = response.json()
    opened = Case.objects.get(number=body["case"]["number"])
    assert (response["Location"], response["ETag"]) == (f"/api/v1/cases/{opened.pk}", f'"{version + 1}"')
    assert (body["case"]["type"], body["findings"], body["acceptance_version"]) == (
        "exchange",
        [1],
        version + 1,
    )
    findings = agent.get(f"/cases/{acceptance.pk}/findings").json()
    assert [
        (f["position"], f["reason"], f["quantity"], f["opened_case"]["number"]) for f in findings["items"]
    ] == [(1, "D03", 2, opened.number)]
    last = agent.get(f"/cases/{acceptance.pk}/timeline").json()["items"][-1]
    assert (last["type"], last["label"], last["data"]["case_number"]) == (
        "follow_up_opened", {"zh": "由验收问题开立工单", "en": "Case opened from the findings"}, opened.number,
    )  # fmt: skip
    origin = agent.get(f"/cases/{opened.pk}/findings").json()["origin"]
    assert (origin["acceptance_case_number"], origin["position"]) == (acceptance.number, 1)
    again = agent.post(f"/cases/{acceptance.pk}/findings/open-case", {"type": "exchange"})
    assert (again.status_code, again.json()["code"]) == (422, "acceptance.no_findings")


def _queries(api, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = api.get(path)
    assert response.status_code == 200
    return len(captured)


def _owing_exchange(staff) -> None:
    """An exchange whose dearer variant leaves the customer owing 50.00."""
    customer = make_customer()
    line = h.order_line(customer, quantity=1, unit_price="100.00")
    case = h.open_case(staff.user(Role.AGENT), customer, line, type="exchange", reason="Q02")
    h.cause_confirmed(case, staff)
    in_stock(line, quantity=1)
    variant = make_product(category=line.product.category)
    warehouse = StockLevel.objects.get(product=line.product, condition="sellable").warehouse
    stock_move(product=variant, warehouse=warehouse, quantity=1, target="sellable", kind="opening")
    services.case_arrange_exchange(
        case=case, actor=staff.user(Role.AGENT),
        replacements=[{"line": str(case.lines.get().pk), "product": variant.sku, "unit_price": "150.00"}],
    )  # fmt: skip


def test_given_1_or_6_payment_requests_when_finance_lists_them_then_the_same_number_of_queries(staff):
    finance = staff.api(Role.FINANCE)
    finance.get("/exchange-payment-requests")  # the token's first use records last_used_at once
    _owing_exchange(staff)
    finance.get("/exchange-payment-requests")  # creating users changed the token cache's key

    one = _queries(finance, "/exchange-payment-requests?limit=50")
    for _ in range(5):
        _owing_exchange(staff)
    finance.get("/exchange-payment-requests")
    many = _queries(finance, "/exchange-payment-requests?limit=50")

    items = finance.get("/exchange-payment-requests?state=pending").json()["items"]
    assert [i["amount"] for i in items] == ["50.00"] * 6
    assert (one, many) == (2, 2)  # the cache keys (the token is remembered), the page with its joins
