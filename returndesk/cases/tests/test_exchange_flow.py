"""Exchanges (issue #5, seed S9 step 5c): stock reserved only when available, the price difference
on what the customer actually paid (owed → a payment request and no shipment before it is paid;
owed to the customer → a credit for finance), and a replacement that stays on the original order
line, so it can itself be returned exactly once at the original price."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest

from returndesk.cases import services
from returndesk.cases.models import Status
from returndesk.catalog.tests.factories import make_category, make_product, make_warehouse
from returndesk.exchanges.models import CreditState, Exchange, ExchangeState, PaymentRequest, PaymentState
from returndesk.inventory import selectors as stock_selectors
from returndesk.inventory import services as stock_services
from returndesk.inventory.models import Condition, MovementKind, StockLevel, StockMovement
from returndesk.notifications.models import OutboxMessage
from returndesk.orders.models import Payment
from returndesk.orders.tests.factories import make_order

from .helpers import (
    add_photo,
    approve_and_ship,
    confirm_cause,
    event_trail,
    held_returned,
    inspect_all,
    line_of,
    open_case,
    receive_and_inspect,
    refused,
    state_of,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop(reference_data):
    """A monitor category with three variants, a default warehouse holding 5 of the ordered
    model, 3 of the dearer one and none of the third."""
    category = make_category(code="MON", name="显示器", name_en="Monitors")
    products = {
        "27qhd": make_product(sku="MON-27-QHD", category=category, name="27 英寸 2K 显示器"),
        "27uhd": make_product(sku="MON-27-UHD", category=category, name="27 英寸 4K 显示器"),
        "24fhd": make_product(sku="MON-24-FHD", category=category, name="24 英寸显示器"),
    }
    warehouse = make_warehouse(code="SH", name="上海总仓", is_default=True)
    for key, quantity in (("27qhd", 5), ("27uhd", 3)):
        stock_services.stock_move(
            product=products[key], warehouse=warehouse, quantity=quantity, target=Condition.SELLABLE,
            kind=MovementKind.OPENING,
        )  # fmt: skip
    return products, warehouse


def _order_line(consumer, product, *, quantity=1, unit_price="1000.00", serials=None, **order_kw):
    order = make_order(
        consumer,
        lines=[
            {
                "product": product, "quantity": quantity, "unit_price": unit_price,
                "serial_numbers": serials or [f"SN-{product.sku}-{i}" for i in range(1, quantity + 1)],
            }
        ],
        **order_kw,
    )  # fmt: skip
    return order.lines.get()


def _received_exchange(ol, *, consumer, consumer_user, agent, warehouse, qc, serials=()):
    """An exchange for one unit (quality reason), approved, shipped back, received, cause confirmed."""
    case = services.case_create(
        actor=consumer_user, customer=consumer, type="exchange", channel="web",
        lines=[{"order_line": ol, "quantity": 1, "reason": "Q02", "serial_numbers": list(serials)}],
    )  # fmt: skip
    approve_and_ship(case, reviewer=agent, customer_actor=consumer_user)
    receive_and_inspect(case, warehouse=warehouse)
    confirm_cause(case, qc=qc)
    return case


def _levels(product, warehouse) -> dict:
    """Stock of the product per condition; the returned unit waits in `inspection` after the goods
    flow's inspect step until its disposition (docs/goods.md)."""
    return {
        lv.condition: (lv.on_hand, lv.allocated)
        for lv in stock_selectors.stock_levels(product=product, warehouse=warehouse)
    }


def _stock_state() -> list:
    return sorted(StockLevel.objects.values_list("product__sku", "condition", "on_hand", "allocated"))


def test_given_a_like_for_like_exchange_when_arranged_and_shipped_then_stock_moves_once_and_no_money_moves(
    shop, consumer, consumer_user, agent, warehouse, qc
):
    products, wh = shop
    ol = _order_line(consumer, products["27qhd"])
    case = _received_exchange(
        ol, consumer=consumer, consumer_user=consumer_user, agent=agent, warehouse=warehouse, qc=qc
    )

    services.case_arrange_exchange(case=case, actor=agent)

    exchange = Exchange.objects.get(case=case)
    assert case.status == Status.REPLACEMENT_RESERVED
    assert (exchange.state, exchange.original_value, exchange.replacement_value, exchange.price_difference) == (
        ExchangeState.RESERVED, Decimal("1000.00"), Decimal("1000.00"), Decimal("0.00"),
    )  # fmt: skip
    assert (exchange.credit_amount, exchange.credit_state, exchange.warehouse) == (
        Decimal("0.00"),
        CreditState.NONE,
        wh,
    )
    assert PaymentRequest.objects.count() == 0
    assert _levels(products["27qhd"], wh) == {Condition.SELLABLE: (5, 1), Condition.INSPECTION: (1, 0)}

    services.case_ship_replacement(
        case=case, actor=warehouse, carrier="SF", tracking_number="SF1234567890123",
        replacement_serials={str(line_of(case).id): ["SN-NEW-0001"]},
    )  # fmt: skip

    exchange.refresh_from_db()
    assert case.status == Status.REPLACEMENT_SHIPPED
    assert (exchange.state, exchange.carrier, exchange.tracking_number) == (
        ExchangeState.SHIPPED,
        "SF",
        "SF1234567890123",
    )
    assert _levels(products["27qhd"], wh) == {Condition.SELLABLE: (4, 0), Condition.INSPECTION: (1, 0)}
    movement = StockMovement.objects.get(kind=MovementKind.REPLACEMENT_SHIPMENT)
    assert (movement.quantity, movement.reference, movement.serial_number, movement.actor) == (
        1, f"case:{case.number}", "SN-NEW-0001", warehouse,
    )  # fmt: skip
    assert exchange.lines.get().shipped_serials == ["SN-NEW-0001"]
    assert case.events.get(type="ship_replacement").data["replacement_serials"] == {
        str(line_of(case).id): ["SN-NEW-0001"]
    }
    assert held_returned(ol) == (0, 0)
    assert event_trail(case)[-2:] == [
        ("arrange_exchange", "cause_confirmed", "replacement_reserved"),
        ("ship_replacement", "replacement_reserved", "replacement_shipped"),
    ]
    topics = OutboxMessage.objects.filter(topic="case.customer_update").values_list("payload", flat=True)
    arranged = case.events.get(type="arrange_exchange")
    assert any(p["event_id"] == arranged.id for p in topics)


@pytest.mark.parametrize(
    "replacements",
    [
        None,  # the ordered model itself: none left
        [{"product": "MON-24-FHD", "unit_price": "799.00"}],  # a variant never stocked
    ],
)
def test_given_no_stock_of_the_replacement_when_arranging_then_refused_and_nothing_reserved_recorded_or_charged(
    shop, consumer, consumer_user, agent, warehouse, qc, replacements
):
    products, wh = shop
    stock_services.stock_allocate(product=products["27qhd"], warehouse=wh, quantity=5)  # promised elsewhere
    ol = _order_line(consumer, products["27qhd"])
    case = _received_exchange(
        ol, consumer=consumer, consumer_user=consumer_user, agent=agent, warehouse=warehouse, qc=qc
    )
    if replacements:
        replacements = [{**replacements[0], "line": str(line_of(case).id)}]
    stock_before, payments_before = _stock_state(), list(Payment.objects.values_list("id", "amount"))

    with refused("inventory.out_of_stock", case=case, order_lines=[ol]) as exc:
        services.case_arrange_exchange(case=case, actor=agent, replacements=replacements)

    assert "nothing was allocated" in exc.value.en
    assert case.status == Status.CAUSE_CONFIRMED
    assert _stock_state() == stock_before
    assert Exchange.objects.count() == 0 and PaymentRequest.objects.count() == 0
    assert list(Payment.objects.values_list("id", "amount")) == payments_before
    assert StockMovement.objects.filter(kind=MovementKind.REPLACEMENT_SHIPMENT).count() == 0


def test_given_a_dearer_variant_when_arranged_then_the_customer_owes_the_difference_on_the_price_paid_and_nothing_ships_before_it_is_paid(
    shop, consumer, consumer_user, agent, warehouse, qc, finance
):
    """Paid-net price: 2 units at 1000.00 less an order discount of 100.00 → 950.00 each; the
    4K variant sells at 1299.00 now, so the customer owes 349.00."""
    products, wh = shop
    ol = _order_line(consumer, products["27qhd"], quantity=2, order_discount=Decimal("100.00"))
    assert ol.paid_amount == Decimal("1900.00")
    case = _received_exchange(
        ol, consumer=consumer, consumer_user=consumer_user, agent=agent, warehouse=warehouse, qc=qc
    )
    line = line_of(case)

    services.case_arrange_exchange(
        case=case,
        actor=agent,
        replacements=[{"line": str(line.id), "product": "MON-27-UHD", "unit_price": "1299.00"}],
    )

    exchange = Exchange.objects.get(case=case)
    request = PaymentRequest.objects.get()
    assert (exchange.original_value, exchange.replacement_value, exchange.price_difference) == (
        Decimal("950.00"), Decimal("1299.00"), Decimal("349.00"),
    )  # fmt: skip
    assert (request.amount, request.state, request.exchange) == (
        Decimal("349.00"),
        PaymentState.PENDING,
        exchange,
    )
    assert case.events.get(type="arrange_exchange").data["amount_due"] == "349.00"
    assert _levels(products["27uhd"], wh) == {Condition.SELLABLE: (3, 1)}
    payments_before = list(Payment.objects.values_list("id", "amount"))

    with refused("case.guard.difference_settled", case=case, order_lines=[ol]) as exc:
        services.case_ship_replacement(
            case=case, actor=warehouse, carrier="SF", tracking_number="SF1234567890123"
        )
    assert exc.value.zh == f"客户须先支付差价 ¥349.00(付款单 {request.number})"
    assert _levels(products["27uhd"], wh) == {Condition.SELLABLE: (3, 1)}
    assert StockMovement.objects.filter(kind=MovementKind.REPLACEMENT_SHIPMENT).count() == 0

    services.case_confirm_payment(
        case=case, actor=finance, payment_reference="2026112622001400001", payment_method="alipay"
    )
    request.refresh_from_db()
    assert case.status == Status.DIFFERENCE_PAID
    assert (request.state, request.reference, request.method, request.confirmed_by) == (
        PaymentState.PAID, "2026112622001400001", "alipay", finance,
    )  # fmt: skip
    services.case_ship_replacement(
        case=case, actor=warehouse, carrier="SF", tracking_number="SF1234567890123"
    )

    assert case.status == Status.REPLACEMENT_SHIPPED
    assert _levels(products["27uhd"], wh) == {Condition.SELLABLE: (2, 0)}
    assert _levels(products["27qhd"], wh) == {Condition.SELLABLE: (5, 0), Condition.INSPECTION: (1, 0)}
    assert list(Payment.objects.values_list("id", "amount")) == payments_before  # never charged by us
    assert event_trail(case)[-3:] == [
        ("arrange_exchange", "cause_confirmed", "replacement_reserved"),
        ("confirm_payment", "replacement_reserved", "difference_paid"),
        ("ship_replacement", "difference_paid", "replacement_shipped"),
    ]


def test_given_a_cheaper_variant_when_shipped_then_the_credit_owed_to_the_customer_falls_due_and_finance_settles_it(
    shop, consumer, consumer_user, agent, warehouse, qc, finance
):
    products, wh = shop
    stock_services.stock_move(
        product=products["24fhd"],
        warehouse=wh,
        quantity=2,
        target=Condition.SELLABLE,
        kind=MovementKind.OPENING,
    )
    ol = _order_line(consumer, products["27qhd"])
    case = _received_exchange(
        ol, consumer=consumer, consumer_user=consumer_user, agent=agent, warehouse=warehouse, qc=qc
    )

    services.case_arrange_exchange(
        case=case, actor=agent,
        replacements=[{"line": str(line_of(case).id), "product": "MON-24-FHD", "unit_price": "899.00"}],
    )  # fmt: skip
    exchange = Exchange.objects.get(case=case)
    assert (exchange.price_difference, exchange.credit_amount, exchange.credit_state) == (
        Decimal("-101.00"), Decimal("101.00"), CreditState.AWAITING_SHIPMENT,
    )  # fmt: skip
    assert PaymentRequest.objects.count() == 0
    with refused("case.guard.difference_due", case=case):
        services.case_confirm_payment(case=case, actor=finance, payment_reference="X1")

    services.case_ship_replacement(
        case=case, actor=warehouse, carrier="JD", tracking_number="JDV012345678901"
    )
    exchange.refresh_from_db()
    assert exchange.credit_state == CreditState.DUE
    assert case.events.get(type="ship_replacement").data["credit_amount"] == "101.00"

    services.case_exchange_settle_credit(case=case, actor=finance, reference="HC-CN-2026-0042")
    exchange.refresh_from_db()
    assert (exchange.credit_state, exchange.credit_reference) == (CreditState.SETTLED, "HC-CN-2026-0042")
    assert case.events.order_by("-sequence").first().type == "exchange_credit_settled"
    with refused("exchange.credit_not_due", case=case):
        services.case_exchange_settle_credit(case=case, actor=finance, reference="HC-CN-2026-0043")


def test_given_an_unpaid_arrangement_when_arranged_again_like_for_like_then_the_first_is_superseded_its_stock_released_and_its_request_voided(
    shop, consumer, consumer_user, agent, warehouse, qc
):
    products, wh = shop
    ol = _order_line(consumer, products["27qhd"])
    case = _received_exchange(
        ol, consumer=consumer, consumer_user=consumer_user, agent=agent, warehouse=warehouse, qc=qc
    )
    line = line_of(case)
    services.case_arrange_exchange(
        case=case,
        actor=agent,
        replacements=[{"line": str(line.id), "product": "MON-27-UHD", "unit_price": "1299.00"}],
    )

    services.case_arrange_exchange(case=case, actor=agent, note="客户不愿补差价,改为同款换新")

    first, second = Exchange.objects.order_by("created_at")
    assert (first.state, second.state, second.price_difference) == (
        ExchangeState.SUPERSEDED, ExchangeState.RESERVED, Decimal("0.00"),
    )  # fmt: skip
    assert PaymentRequest.objects.get().state == PaymentState.VOID
    assert _levels(products["27uhd"], wh) == {Condition.SELLABLE: (3, 0)}
    assert _levels(products["27qhd"], wh) == {Condition.SELLABLE: (5, 1), Condition.INSPECTION: (1, 0)}
    assert case.status == Status.REPLACEMENT_RESERVED
    assert event_trail(case)[-1] == ("arrange_exchange", "replacement_reserved", "replacement_reserved")
    services.case_ship_replacement(
        case=case, actor=warehouse, carrier="SF", tracking_number="SF1234567890123"
    )
    assert case.status == Status.REPLACEMENT_SHIPPED


@pytest.mark.parametrize(
    ("replacement", "code", "field"),
    [
        ({"product": "NOPE"}, "exchange.unknown_product", "replacements[1].product"),
        ({"product": "MON-27-UHD"}, "exchange.price_required", "replacements[1].unit_price"),
        (
            {"product": "MON-27-UHD", "unit_price": 1299.5},
            "exchange.price_invalid",
            "replacements[1].unit_price",
        ),
        (
            {"product": "MON-27-UHD", "unit_price": "12.345"},
            "exchange.price_invalid",
            "replacements[1].unit_price",
        ),
        (
            {"product": "MON-27-UHD", "unit_price": "-1.00"},
            "exchange.price_invalid",
            "replacements[1].unit_price",
        ),
        (
            {"product": "MON-27-QHD", "unit_price": "900.00"},
            "exchange.price_not_for_same_product",
            "replacements[1].unit_price",
        ),
        ({"product": "KB-1", "unit_price": "99.00"}, "exchange.other_category", "replacements[1].product"),
        ({"line": "00000000-0000-0000-0000-000000000000"}, "exchange.unknown_line", "replacements[1].line"),
    ],
)
def test_given_a_bad_replacement_when_arranging_then_refused_with_the_field_named_and_nothing_changed(
    shop, consumer, consumer_user, agent, warehouse, qc, replacement, code, field
):
    make_product(sku="KB-1", category=make_category(code="KB"))
    products, _wh = shop
    ol = _order_line(consumer, products["27qhd"])
    case = _received_exchange(
        ol, consumer=consumer, consumer_user=consumer_user, agent=agent, warehouse=warehouse, qc=qc
    )
    stock_before = _stock_state()

    with refused(code, case=case, order_lines=[ol]) as exc:
        services.case_arrange_exchange(
            case=case, actor=agent, replacements=[{"line": str(line_of(case).id), **replacement}]
        )

    assert set(exc.value.fields) == {field}
    assert _stock_state() == stock_before and Exchange.objects.count() == 0


def test_given_nothing_was_received_when_arranging_then_refused_and_nothing_changed(
    shop, consumer, consumer_user, agent, warehouse, qc
):
    products, _wh = shop
    ol = _order_line(consumer, products["27qhd"])
    case = open_case(actor=consumer_user, customer=consumer, order_line=ol, reason="Q02", type="exchange")
    approve_and_ship(case, reviewer=agent, customer_actor=consumer_user)
    services.case_receive(case=case, actor=warehouse, received={str(line_of(case).id): 0})
    inspect_all(case, inspector=warehouse)  # nothing to inspect
    confirm_cause(case, qc=qc)

    with refused("exchange.nothing_received", case=case, order_lines=[ol]):
        services.case_arrange_exchange(case=case, actor=agent)


def test_given_a_shipped_exchange_when_the_replacement_is_returned_then_the_original_price_is_refunded_exactly_once(
    shop, consumer, consumer_user, agent, warehouse, qc, finance
):
    """The replacement stands in for the unit on the original order line: its serial number is
    accepted on that line (the exchanged-away one no longer is), a return refunds what was paid
    for the original, and then nothing is left to return."""
    products, _wh = shop
    ol = _order_line(consumer, products["27qhd"], serials=["SN-OLD-1"])
    case = _received_exchange(
        ol,
        consumer=consumer,
        consumer_user=consumer_user,
        agent=agent,
        warehouse=warehouse,
        qc=qc,
        serials=["SN-OLD-1"],
    )
    services.case_arrange_exchange(case=case, actor=agent)
    services.case_ship_replacement(
        case=case, actor=warehouse, carrier="SF", tracking_number="SF1234567890123",
        replacement_serials={str(line_of(case).id): ["SN-NEW-9"]},
    )  # fmt: skip
    services.case_close(case=case, actor=agent)
    assert held_returned(ol) == (0, 0)

    with refused("case.invalid_input", order_lines=[ol]) as exc:
        services.case_create(
            actor=consumer_user, customer=consumer, type="return_refund", channel="web",
            lines=[{"order_line": ol, "quantity": 1, "reason": "Q02", "serial_numbers": ["SN-OLD-1"]}],
        )  # fmt: skip
    assert set(exc.value.fields) == {"lines[1].serial_numbers"}

    back = services.case_create(
        actor=consumer_user, customer=consumer, type="return_refund", channel="web",
        lines=[{"order_line": ol, "quantity": 1, "reason": "Q02", "serial_numbers": ["SN-NEW-9"]}],
    )  # fmt: skip
    approve_and_ship(back, reviewer=agent, customer_actor=consumer_user)
    receive_and_inspect(back, warehouse=warehouse)
    confirm_cause(back, qc=qc)
    services.case_refund(case=back, actor=finance, reference="HC-CN-2026-0100")

    assert (back.status, back.refund_amount) == (Status.REFUNDED, Decimal("1000.00"))
    assert held_returned(ol) == (0, 1)
    before = state_of(None, [ol])
    with refused("case.quantity_exceeded", order_lines=[ol]):
        open_case(actor=consumer_user, customer=consumer, order_line=ol, reason="Q02", type="exchange")
    assert state_of(None, [ol]) == before


def test_given_a_dearer_replacement_returned_later_then_the_refund_is_the_original_price_paid(
    shop, consumer, consumer_user, agent, warehouse, qc, finance
):
    """The order line anchors the refund: 1000.00 paid for the original, whatever the variant
    sells for now. The 299.00 difference the customer paid stays on the exchange record."""
    products, _wh = shop
    ol = _order_line(consumer, products["27qhd"])
    case = _received_exchange(
        ol, consumer=consumer, consumer_user=consumer_user, agent=agent, warehouse=warehouse, qc=qc
    )
    services.case_arrange_exchange(
        case=case, actor=agent,
        replacements=[{"line": str(line_of(case).id), "product": "MON-27-UHD", "unit_price": "1299.00"}],
    )  # fmt: skip
    services.case_confirm_payment(case=case, actor=finance, payment_reference="BT20261126001")
    services.case_ship_replacement(
        case=case, actor=warehouse, carrier="SF", tracking_number="SF1234567890123"
    )

    back = open_case(actor=consumer_user, customer=consumer, order_line=ol, reason="Q02")
    approve_and_ship(back, reviewer=agent, customer_actor=consumer_user)
    receive_and_inspect(back, warehouse=warehouse)
    confirm_cause(back, qc=qc)
    services.case_refund(case=back, actor=finance, reference="HC-CN-2026-0101")

    assert back.refund_amount == Decimal("1000.00")
    assert Exchange.objects.get(case=case).price_difference == Decimal("299.00")
    assert held_returned(ol) == (0, 1)


def _received_two(ol, *, consumer, consumer_user, agent, warehouse, rejected: set[str]):
    """An exchange of both units of `ol` (serials SN-A, SN-B, claimed in that order), received
    with both serials scanned; inspection rejects the units whose serial is in `rejected`
    (customer damage, with a photo) and accepts the others."""
    from returndesk.inspection.models import ReturnUnit
    from returndesk.inspection.tests.helpers import units_payload

    case = services.case_create(
        actor=consumer_user, customer=consumer, type="exchange", channel="web",
        lines=[{"order_line": ol, "quantity": 2, "reason": "Q02", "serial_numbers": ["SN-A", "SN-B"]}],
    )  # fmt: skip
    approve_and_ship(case, reviewer=agent, customer_actor=consumer_user)
    line_id = str(line_of(case).id)
    services.case_receive(
        case=case, actor=warehouse, received={line_id: 2}, serial_numbers={line_id: ["SN-A", "SN-B"]}
    )
    photo = add_photo(case, warehouse, name="外壳裂纹.png")
    serial_of = dict(ReturnUnit.objects.filter(case_line_id=line_id).values_list("id", "serial_number"))
    units = units_payload(case)
    for unit in units:
        if serial_of[uuid.UUID(unit["unit"])] in rejected:
            unit.update(outcome="rejected", rejection_reason="customer_damage", photos=[str(photo.id)])
    services.case_inspect(case=case, actor=warehouse, units=units)
    return case


def test_given_one_of_two_units_rejected_at_inspection_when_arranging_then_only_the_accepted_unit_and_its_scanned_serial_are_taken_back(
    shop, consumer, consumer_user, agent, warehouse, qc
):
    """Goods' per-unit receipt decides: the rejected unit (SN-A, the first claimed) goes back to
    the customer; the replacement stands in for SN-B, the unit inspection accepted."""
    products, _wh = shop
    ol = _order_line(consumer, products["27qhd"], quantity=2, serials=["SN-A", "SN-B"])
    case = _received_two(
        ol,
        consumer=consumer,
        consumer_user=consumer_user,
        agent=agent,
        warehouse=warehouse,
        rejected={"SN-A"},
    )
    confirm_cause(case, qc=qc)

    services.case_arrange_exchange(case=case, actor=agent)

    exchange = Exchange.objects.get(case=case)
    assert list(exchange.lines.values_list("quantity", "returned_serials")) == [(1, ["SN-B"])]
    assert (exchange.original_value, exchange.price_difference) == (Decimal("1000.00"), Decimal("0.00"))
    assert case.events.get(type="arrange_exchange").data["replacements"][0]["quantity"] == 1


def test_given_every_unit_rejected_at_inspection_when_arranging_then_refused_and_nothing_reserved(
    shop, consumer, consumer_user, agent, warehouse, qc
):
    products, _wh = shop
    ol = _order_line(consumer, products["27qhd"], quantity=2, serials=["SN-A", "SN-B"])
    case = _received_two(
        ol, consumer=consumer, consumer_user=consumer_user, agent=agent, warehouse=warehouse,
        rejected={"SN-A", "SN-B"},
    )  # fmt: skip
    confirm_cause(case, qc=qc)
    stock_before = _stock_state()

    with refused("exchange.nothing_accepted", case=case, order_lines=[ol]):
        services.case_arrange_exchange(case=case, actor=agent)

    assert _stock_state() == stock_before and Exchange.objects.count() == 0
