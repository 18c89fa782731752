"""The goods flow over HTTP (issue 3's conventions): the customer chooses a pickup, staff book it,
the label prints, the parcel is found by scanning, received with serials and an extra item,
inspected unit by unit, disposed of, and the stock and outcomes read back; problems are
problem+json and refused calls change nothing; list endpoints cost a fixed number of queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from returndesk.accounts.roles import Role
from returndesk.cases.models import Case
from returndesk.cases.tests.helpers import pickup_inputs
from returndesk.catalog.tests.factories import make_customer, make_product
from returndesk.inspection.models import Receipt, ReturnUnit
from returndesk.inventory.models import MovementKind, StockMovement
from returndesk.inventory.services import stock_move

from .cases_helpers import Staff, approved, load_reasons, open_case, order_line, png_upload, upload
from .conftest import api_as, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(db):
    load_reasons()
    return Staff()


@pytest.fixture
def consumer(db):
    return make_customer(code="ZS", name="张三", address="上海市静安区南京西路 1266 号")


@pytest.fixture
def consumer_api(consumer):
    return api_as(make_user(Role.CUSTOMER, customer=consumer, username="zhangsan"))


def act(api, case_id, action, body, etag=None):
    headers = {"If-Match": etag} if etag else {}
    return api.post(f"/cases/{case_id}/actions/{action}", body, **headers)


def iso(moment) -> str:
    return moment.isoformat()


def test_given_a_pickup_return_when_every_goods_step_is_taken_over_http_then_stock_and_outcomes_follow(
    staff, consumer, consumer_api
):
    line = order_line(consumer, quantity=3, unit_price="100.00", serial_numbers=["HC01", "HC02", "HC03"])
    case = approved(open_case(staff.user(Role.AGENT), consumer, line, quantity=2, reason="C01"), staff)
    warehouse = staff.api(Role.WAREHOUSE)
    pickup = pickup_inputs("pickup")

    confirmed = act(consumer_api, case.pk, "confirm_solution", {
        "return_method": "pickup", "pickup_window_start": iso(pickup["pickup_window_start"]),
        "pickup_window_end": iso(pickup["pickup_window_end"]), "carrier": "SF", "pickup_phone": "13900000000",
    })  # fmt: skip
    assert (confirmed.status_code, confirmed.json()["status"], confirmed.json()["solution"]) == (
        200, "awaiting_return", "pickup",
    )  # fmt: skip
    shipment = consumer_api.get(f"/cases/{case.pk}/return-shipment").json()
    assert (shipment["method"], shipment["state"], shipment["sender_address"], shipment["sender_phone"]) == (
        "pickup", "pickup_requested", "上海市静安区南京西路 1266 号", "13900000000",
    )  # fmt: skip
    assert [p["case_number"] for p in staff.api(Role.AGENT).get("/pickups").json()["items"]] == [case.number]

    booked = staff.api(Role.AGENT).post(
        f"/cases/{case.pk}/return-shipment/booking", {"booking_reference": "SFYY-1"}
    )
    assert (booked.status_code, booked.json()["state"], booked.json()["booking_reference"]) == (
        200, "pickup_booked", "SFYY-1",
    )  # fmt: skip
    again = staff.api(Role.AGENT).post(
        f"/cases/{case.pk}/return-shipment/booking", {"booking_reference": "SFYY-2"}
    )
    assert (again.status_code, again["Content-Type"], again.json()["code"]) == (
        409, "application/problem+json", "logistics.already_booked",
    )  # fmt: skip

    label = consumer_api.get(f"/cases/{case.pk}/return-label.pdf")
    assert (label.status_code, label["Content-Type"], label.content[:5]) == (200, "application/pdf", b"%PDF-")

    shipped = act(
        warehouse, case.pk, "ship_back", {"carrier": "SF", "tracking_number": "SF 1234 5678 9012 3"}
    )
    assert shipped.json()["status"] == "in_transit"
    found = warehouse.get("/receipts/lookup?code=SF1234567890123").json()["items"]
    assert [c["number"] for c in found] == [case.number]
    assert consumer_api.get(f"/receipts/lookup?code={case.number}").status_code == 403

    line_id = found[0]["lines"][0]["id"]
    received = act(warehouse, case.pk, "receive", {
        "received": {line_id: 2}, "serial_numbers": {line_id: ["HC01", "HC02"]},
        "extras": [{"kind": "unexpected", "description": "充电器一个(订单中没有)", "quantity": 1}],
    }, etag=shipped["ETag"])  # fmt: skip
    assert (received.status_code, received.json()["status"]) == (200, "received")
    receipt = warehouse.get(f"/cases/{case.pk}/receipt").json()
    assert (receipt["has_discrepancy"], [e["kind"] for e in receipt["extras"]]) == (True, ["unexpected"])
    (receipt_line,) = receipt["lines"]
    assert [u["serial_number"] for u in receipt_line["units"]] == ["HC01", "HC02"]
    assert [p["code"] for p in receipt_line["checklist"]] == [
        "matches_request", "intact", "accessories", "box", "manual", "warranty_card", "invoice", "gifts",
    ]  # fmt: skip

    photo = upload(warehouse, case.pk, png_upload("开箱照片.png")).json()["id"]
    first, second = receipt_line["units"]
    all_pass = {p["code"]: True for p in receipt_line["checklist"]}
    inspected = act(warehouse, case.pk, "inspect", {"units": [
        {"unit": first["id"], "grade": "A", "checks": all_pass, "outcome": "accepted", "disposition": "restock"},
        {"unit": second["id"], "grade": "B", "checks": {**all_pass, "accessories": False}, "outcome": "accepted",
         "photos": [photo], "note": "缺少电源线"},
    ]}, etag=received["ETag"])  # fmt: skip
    assert (inspected.status_code, inspected.json()["status"], inspected.json()["lines"][0]["quantity_accepted"]) == (
        200, "goods_inspected", 2,
    )  # fmt: skip
    disposed = warehouse.post(f"/cases/{case.pk}/dispositions", {"dispositions": [
        {"unit": second["id"], "disposition": "refurbish", "note": "补配件后翻新"},
    ]})  # fmt: skip
    assert [u["disposition"] for u in disposed.json()["lines"][0]["units"]] == ["restock", "refurbish"]

    outcomes = staff.api(Role.FINANCE).get(f"/cases/{case.pk}/inspection-outcomes").json()["items"]
    assert outcomes == [
        {
            "case_line": line_id,
            "inspected": True,
            "received": 2,
            "accepted_units": 2,
            "rejected_units": 0,
            "deductions": "10.00",
        }
    ]  # fmt: skip  (accessory missing: 10 %)
    levels = warehouse.get(f"/stock?sku={line.product.sku}").json()["items"]
    assert [(lv["warehouse"], lv["condition"], lv["on_hand"], lv["available"]) for lv in levels] == [
        ("WH-SH", "inspection", 0, 0), ("WH-SH", "sellable", 1, 1), ("WH-SH", "refurbish", 1, 1),
    ]  # fmt: skip
    movements = warehouse.get(f"/stock/movements?reference=case:{case.number}").json()["items"]
    assert sorted(m["kind"] for m in movements) == [
        "disposition",
        "disposition",
        "return_receipt",
        "return_receipt",
    ]
    extra_id = receipt["extras"][0]["id"]
    resolved = warehouse.post(f"/cases/{case.pk}/receipt/extras/{extra_id}/resolve",
                              {"resolution": "returned_to_customer", "note": "随包裹退回"})  # fmt: skip
    assert resolved.json()["extras"][0]["resolution"] == "returned_to_customer"

    refund = act(
        staff.api(Role.FINANCE), case.pk, "refund", {"reference": "CN-GOODS-1"}, etag=inspected["ETag"]
    )
    # 200.00 for the 2 accepted units, less 10.00 inspection deductions, less the 12.00 pickup the
    # merchant booked for a return whose shipping the customer bears (C01; docs/refunds.md).
    assert (refund.status_code, refund.json()["refund_amount"]) == (200, "178.00")


def test_given_bad_goods_input_over_http_when_sent_then_422_with_the_field_and_nothing_changed(
    staff, consumer
):
    line = order_line(consumer, quantity=2)
    case = approved(open_case(staff.user(Role.AGENT), consumer, line, quantity=1, reason="C01"), staff)
    agent = staff.api(Role.AGENT)
    version = Case.objects.get(pk=case.pk).version

    half = act(agent, case.pk, "confirm_solution", {
        "return_method": "pickup", "carrier": "SF", "pickup_window_start": "2099-01-01T09:00:00+08:00",
    })  # fmt: skip
    assert (half.status_code, half.json()["code"]) == (422, "logistics.pickup_incomplete")
    assert {e["field"] for e in half.json()["errors"]} == {"pickup_window_end"}
    unknown = act(agent, case.pk, "confirm_solution", {"return_method": "teleport"})
    assert unknown.status_code == 422
    assert Case.objects.get(pk=case.pk).version == version

    act(agent, case.pk, "confirm_solution", {})
    bad_number = act(agent, case.pk, "ship_back", {"carrier": "EMS", "tracking_number": "EA123456789CN"})
    assert (bad_number.status_code, bad_number.json()["code"], bad_number.json()["errors"][0]["field"]) == (
        422, "logistics.tracking_invalid", "tracking_number",
    )  # fmt: skip
    assert (
        staff.api(Role.WAREHOUSE).get(f"/cases/{case.pk}/receipt").json()["code"] == "inspection.not_received"
    )
    assert Receipt.objects.count() == 0


def test_given_stock_and_flagged_receipts_when_listed_then_the_queries_do_not_grow_with_the_page(
    staff, consumer
):
    warehouse = staff.api(Role.WAREHOUSE)
    from returndesk.inspection.tests.helpers import default_warehouse

    wh = default_warehouse()
    for _ in range(6):
        stock_move(
            product=make_product(), warehouse=wh, quantity=2, target="sellable", kind=MovementKind.OPENING
        )

    warehouse.get("/checklist")  # the token's first use records its last-used time (a write) once
    counts = []
    for path in ("/stock?limit=2", "/stock?limit=6", "/stock/movements?limit=2", "/stock/movements?limit=6",
                 "/receipts/flagged?limit=2", "/receipts/flagged?limit=6"):  # fmt: skip
        with CaptureQueriesContext(connection) as captured:
            assert warehouse.get(path).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1] and counts[2] == counts[3] and counts[4] == counts[5]
    assert StockMovement.objects.count() == 6 and ReturnUnit.objects.count() == 0
