"""Who may call what for exchanges, repairs and delivery acceptance findings (issue #5): every
such operation × every kind of caller → the exact status. Same callers, world and rules as
test_cases_authorization_matrix.py (each caller past the role check acts on a fresh case in the
status the operation needs); test_authorization_matrix.py checks that every operation of the API
is in one of the tables, this EXCHANGES_REPAIRS_MATRIX included."""

from __future__ import annotations

import pytest

from returndesk.accounts.roles import Role
from returndesk.cases import services
from returndesk.cases.models import Case
from returndesk.cases.tests.helpers import in_stock
from returndesk.catalog.tests.factories import make_product
from returndesk.inventory.services import stock_move

from . import cases_helpers as h
from . import test_cases_authorization_matrix as _cases_matrix
from .test_cases_authorization_matrix import (
    CUSTOMER_SIDE,
    SEES_A,
    SHIPMENT,
    STAFF_ALL,
    Row,
    World,
    _call,
    action,
    allowed,
    fresh,
    static,
    table,
    then,
)

world = _cases_matrix.world  # the same fixture: reasons, staff, customer A with a bystander case

pytestmark = pytest.mark.django_db


def _stocked(case: Case, staff: h.Staff) -> None:
    h.cause_confirmed(case, staff)
    in_stock(case.lines.get().order_line)


def _variant_arranged(unit_price: str):
    """Another variant of the same category in stock, arranged at `unit_price` (the original
    was paid 100.00): dearer → the customer owes; cheaper → a credit."""

    def step(case: Case, staff: h.Staff) -> None:
        _stocked(case, staff)
        line = case.lines.select_related("order_line__product").get()
        variant = make_product(category=line.order_line.product.category)
        warehouse = line.order_line.product.stocklevel_set.get(condition="sellable").warehouse
        stock_move(product=variant, warehouse=warehouse, quantity=2, target="sellable", kind="opening")
        services.case_arrange_exchange(
            case=case, actor=staff.user(Role.AGENT),
            replacements=[{"line": str(line.id), "product": variant.sku, "unit_price": unit_price}],
        )  # fmt: skip

    return step


def _credit_due(case: Case, staff: h.Staff) -> None:
    _variant_arranged("80.00")(case, staff)
    services.case_ship_replacement(
        case=case, actor=staff.user(Role.WAREHOUSE), carrier="SF", tracking_number="SF1234567890125"
    )


def _quoted(case: Case, staff: h.Staff) -> None:
    h.cause_confirmed(case, staff)
    services.case_quote_repair(
        case=case, actor=staff.user(Role.QC), diagnosis="进液", exclusion="user_damage", labour="100.00"
    )


def _declined(case: Case, staff: h.Staff) -> None:
    _quoted(case, staff)
    services.case_decline_quote(case=case, actor=staff.user(Role.AGENT), reason="太贵")


def _inspected(world: World) -> Case:
    case = h.open_case(world.staff.user(Role.AGENT), world.customer, None, type="acceptance")
    line = h.order_line(world.customer, quantity=3)
    services.case_schedule_visit(
        case=case, actor=world.staff.user(Role.AGENT), visit_at="2026-12-01T10:00:00+08:00", technician="王工"
    )
    services.case_record_inspection(
        case=case, actor=world.staff.user(Role.QC), result="issues_found",
        issues=[{"order_line": str(line.pk), "reason": "D03", "quantity": 1}],
    )  # fmt: skip
    return case


EXCHANGE_CAUSE_CONFIRMED = then(fresh("exchange"), h.cause_confirmed)
REPAIR_CAUSE_CONFIRMED = then(fresh("repair"), h.cause_confirmed)
STAFF_LISTS = allowed(*STAFF_ALL)

EXCHANGES_REPAIRS_MATRIX: dict[str, Row] = {
    "case_action_arrange_exchange": Row(
        "post", action("arrange_exchange"), allowed("agent", "supervisor", "sales", "warehouse"),
        then(fresh("exchange"), _stocked), static({}),
    ),
    "case_action_confirm_payment": Row(
        "post", action("confirm_payment"), allowed("finance"), then(fresh("exchange"), _variant_arranged("150.00")),
        static({"payment_reference": "2026112622001400001", "payment_method": "alipay"}),
    ),
    "case_action_diagnose": Row(
        "post", action("diagnose"), allowed("qc"), REPAIR_CAUSE_CONFIRMED, static({"diagnosis": "主板虚焊"})
    ),
    "case_action_quote_repair": Row(
        "post", action("quote_repair"), allowed("qc"), REPAIR_CAUSE_CONFIRMED,
        static({"diagnosis": "进液腐蚀", "exclusion": "user_damage", "parts": [
            {"name": "主板", "quantity": 1, "unit_price": "680.00"}], "labour": "120.00"}),
    ),
    "case_action_accept_quote": Row(
        "post", action("accept_quote"), allowed(*CUSTOMER_SIDE, customer_of_b=404), then(fresh("repair"), _quoted),
        static({}),
    ),
    "case_action_decline_quote": Row(
        "post", action("decline_quote"), allowed(*CUSTOMER_SIDE, customer_of_b=404), then(fresh("repair"), _quoted),
        static({"reason": "太贵了"}),
    ),
    "case_action_return_unrepaired": Row(
        "post", action("return_unrepaired"), allowed("warehouse", "qc"), then(fresh("repair"), _declined),
        static(SHIPMENT),
    ),
    "case_exchanges": Row("get", lambda case: f"/cases/{case.pk}/exchanges", table(**SEES_A)),
    "exchange_credit_settle": Row(
        "post", lambda case: f"/cases/{case.pk}/exchange-credit/settle", allowed("finance"),
        then(fresh("exchange"), _credit_due), static({"reference": "HC-CN-2026-0001"}),
    ),
    "exchange_payment_requests": Row("get", lambda case: "/exchange-payment-requests?state=pending", STAFF_LISTS),
    "exchange_credits": Row("get", lambda case: "/exchange-credits?state=due", STAFF_LISTS),
    "case_repair": Row("get", lambda case: f"/cases/{case.pk}/repair", table(**SEES_A)),
    "repair_history": Row("get", lambda case: "/repair-history?serial=SN1", STAFF_LISTS),
    "case_findings": Row("get", lambda case: f"/cases/{case.pk}/findings", table(**SEES_A)),
    "case_open_from_findings": Row(
        "post", lambda case: f"/cases/{case.pk}/findings/open-case",
        allowed("agent", "supervisor", "sales", status=201), _inspected, static({"type": "return_refund"}),
    ),
}  # fmt: skip


@pytest.mark.parametrize("operation", list(EXCHANGES_REPAIRS_MATRIX))
def test_given_each_caller_when_calling_the_goods_operation_then_exactly_the_expected_status(
    world, operation
):
    row = EXCHANGES_REPAIRS_MATRIX[operation]
    callers = list(row.expected)

    actual = {caller: _call(world, row, caller) for caller in callers}

    assert actual == row.expected
