"""Walking a case to the warehouse for the receipt and inspection tests."""

from __future__ import annotations

from returndesk.cases import services
from returndesk.cases.tests.helpers import add_photo, approve_and_ship
from returndesk.catalog.tests.factories import make_product
from returndesk.inspection.models import ReturnUnit
from returndesk.inventory.models import StockLevel
from returndesk.orders.tests.factories import make_order


def shipped_case(customer, *, agent, customer_actor, lines, type="return_refund", reason="Q01"):
    """A case with one line per (quantity ordered, quantity claimed, serials sold, serials claimed)
    at 100.00 a unit, approved (self-ship), confirmed and shipped by SF."""
    order = make_order(
        customer,
        lines=[
            {
                "product": make_product(),
                "quantity": ordered,
                "unit_price": "100.00",
                "serial_numbers": list(sold),
            }
            for ordered, _claimed, sold, _named in lines
        ],
    )
    order_lines = list(order.lines.order_by("position"))
    case = services.case_create(
        actor=agent, customer=customer, type=type, channel="phone",
        lines=[
            {"order_line": ol, "quantity": claimed, "reason": reason, "serial_numbers": list(named)}
            for ol, (_ordered, claimed, _sold, named) in zip(order_lines, lines, strict=True)
        ],
    )  # fmt: skip
    add_photo(case, agent)
    approve_and_ship(case, reviewer=agent, customer_actor=customer_actor)
    return case


def case_lines(case):
    return list(case.lines.select_related("order_line__product").order_by("order_line__position"))


def units_of(case, line=None) -> list[ReturnUnit]:
    qs = ReturnUnit.objects.filter(case_line__case=case)
    if line is not None:
        qs = qs.filter(case_line=line)
    return list(qs.order_by("case_line__order_line__position", "sequence"))


def stock(product, warehouse) -> dict[str, tuple[int, int]]:
    """{condition: (on hand, allocated)} of the product at the warehouse, zero rows left out."""
    return {
        level.condition: (level.on_hand, level.allocated)
        for level in StockLevel.objects.filter(product=product, warehouse=warehouse)
        if level.on_hand or level.allocated
    }
