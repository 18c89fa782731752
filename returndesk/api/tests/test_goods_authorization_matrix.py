"""Who may call what in the goods flow (logistics, inspection, stock): every operation × every
kind of caller → the exact status, as test_cases_authorization_matrix.py does for cases (same
callers, same fresh-case-per-caller rule). test_authorization_matrix.py checks that every
operation of the API is in one of the tables."""

from __future__ import annotations

import uuid

import pytest

from returndesk.accounts.roles import Role
from returndesk.cases import services
from returndesk.catalog.tests.factories import make_product
from returndesk.inspection.models import ReceiptExtra, ReturnUnit
from returndesk.inspection.tests.helpers import default_warehouse

from . import cases_helpers as h
from .test_cases_authorization_matrix import (  # noqa: F401  the shared world fixture
    CALLERS,
    SEES_A,
    STAFF_ALL,
    Row,
    _call,
    allowed,
    fresh,
    table,
    then,
    world,
)

pytestmark = pytest.mark.django_db

READERS = {**dict.fromkeys(STAFF_ALL, 200), "system": 200, "customer_of_a": 403, "customer_of_b": 403}


def _pickup_confirmed(case, staff):
    h.approved(case, staff)
    services.case_confirm_solution(case=case, actor=staff.user(Role.AGENT), **h.pickup_inputs())
    return case


def _with_extra(case, staff):
    h.shipped(case, staff)
    services.case_receive(
        case=case, actor=staff.user(Role.WAREHOUSE), received={str(line.pk): 1 for line in case.lines.all()},
        extras=[{"kind": "unexpected", "description": "一根不属于本单的数据线", "quantity": 1}],
    )  # fmt: skip
    return case


def _dispositions(_w, case) -> dict:
    return {
        "dispositions": [
            {"unit": str(u.pk), "disposition": "restock"}
            for u in ReturnUnit.objects.filter(case_line__case=case)
        ]
    }


def _extra(case) -> str:
    """The extra item of the case; callers refused before the lookup meet the bystander, which
    has none (any id will do for them)."""
    extra = ReceiptExtra.objects.filter(receipt__case=case).first()
    return str(extra.pk if extra else uuid.uuid4())


def _movement(_w, case) -> dict:
    product = make_product()
    return {"sku": product.sku, "warehouse": default_warehouse().code, "quantity": 3, "kind": "opening",
            "target": "sellable", "note": "盘点盘盈"}  # fmt: skip


CONFIRMED = then(fresh(), h.solution_confirmed)
RECEIVED = then(fresh(), h.received)

# operation id (the view function's name): how to call it and who gets what
GOODS_MATRIX: dict[str, Row] = {
    "carrier_list": Row("get", lambda case: "/carriers", table(200)),
    "return_shipment": Row("get", lambda case: f"/cases/{case.pk}/return-shipment", table(**SEES_A), CONFIRMED),
    "return_label": Row("get", lambda case: f"/cases/{case.pk}/return-label.pdf", table(**SEES_A), CONFIRMED),
    "pickup_booking": Row(
        "post", lambda case: f"/cases/{case.pk}/return-shipment/booking", allowed("agent", "supervisor", "warehouse"),
        then(fresh(), _pickup_confirmed), lambda _w, case: {"booking_reference": "SF-BOOK-1"},
    ),
    "pickup_queue": Row("get", lambda case: "/pickups", allowed("agent", "supervisor", "warehouse", "system")),
    "receipt_lookup": Row("get", lambda case: f"/receipts/lookup?code={case.number}", table(**READERS)),
    "receipt_flagged": Row("get", lambda case: "/receipts/flagged", table(**READERS)),
    "receipt_detail": Row("get", lambda case: f"/cases/{case.pk}/receipt", table(**READERS), RECEIVED),
    "inspection_outcomes": Row("get", lambda case: f"/cases/{case.pk}/inspection-outcomes", table(**READERS)),
    "unit_dispositions": Row(
        "post", lambda case: f"/cases/{case.pk}/dispositions", allowed("warehouse", "qc"),
        then(fresh(), h.inspected), _dispositions,
    ),
    "extra_resolve": Row(
        "post", lambda case: f"/cases/{case.pk}/receipt/extras/{_extra(case)}/resolve", allowed("warehouse"),
        then(fresh(), _with_extra), lambda _w, case: {"resolution": "returned_to_customer"},
    ),
    "checklist": Row("get", lambda case: "/checklist", table(**READERS)),
    "stock_list": Row("get", lambda case: "/stock", table(**READERS)),
    "stock_movement_list": Row("get", lambda case: "/stock/movements", table(**READERS)),
    "stock_movement_create": Row(
        "post", lambda case: "/stock/movements", allowed("warehouse", "system", status=201), None, _movement
    ),
}  # fmt: skip


@pytest.mark.parametrize("operation", list(GOODS_MATRIX))
def test_given_each_caller_when_calling_the_goods_operation_then_exactly_the_expected_status(
    world,  # noqa: F811  the fixture imported above
    operation,
):
    row = GOODS_MATRIX[operation]

    actual = {caller: _call(world, row, caller) for caller in CALLERS}

    assert actual == row.expected
