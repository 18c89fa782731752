"""order_upsert and order_bulk_upsert: what a re-sent order may change, and batches."""

from datetime import timedelta
from decimal import Decimal
from importlib import import_module

import pytest
from django.apps import apps
from django.utils import timezone

from returndesk.accounts.models import User
from returndesk.accounts.roles import Role
from returndesk.cases.services import case_create
from returndesk.catalog.tests.factories import make_customer, make_product
from returndesk.core.errors import DomainError
from returndesk.orders.models import Order, OrderLine, Payment
from returndesk.orders.services import MAX_BULK_ORDERS, order_bulk_upsert, order_upsert
from returndesk.orders.tests.test_services import SHANGHAI

pytestmark = pytest.mark.django_db
D = Decimal
# Recent, so that cases may still be opened on the orders (return periods run from delivery).
PLACED = (timezone.now() - timedelta(days=3)).astimezone(SHANGHAI).replace(microsecond=0)


@pytest.fixture
def phone(db):
    return make_product(sku="PHONE")


@pytest.fixture
def customer(db):
    return make_customer(code="C1")


def data(customer, phone, **overrides) -> dict:
    """order_upsert's arguments: 2 phones at 99.50, paid 199.00 by Alipay, not yet shipped."""
    return {
        "channel": "marketplace",
        "number": "TB-1",
        "customer": customer,
        "placed_at": PLACED,
        "paid_at": PLACED,
        "lines": [{"product": phone, "quantity": 2, "quantity_shipped": 0, "unit_price": "99.50"}],
        "payments": [{"method": "alipay", "amount": "199.00", "provider_reference": "ALI-1"}],
        **overrides,
    }


def delivered(customer, phone, **overrides) -> dict:
    """data() for an order shipped a day after placing and delivered the day after."""
    times = {"shipped_at": PLACED + timedelta(days=1), "delivered_at": PLACED + timedelta(days=2)}
    return data(customer, phone, **{**times, **overrides})


def snapshot() -> list:
    return [
        list(
            Order.objects.values_list("number", "customer__code", "goods_total", "shipped_at", "contact_name")
        ),
        list(
            OrderLine.objects.values_list(
                "position", "product__sku", "quantity", "quantity_shipped", "unit_price"
            )
        ),
        list(Payment.objects.values_list("method", "amount", "provider_reference")),
    ]


def open_case_on(order: Order) -> None:
    import_module(
        "returndesk.cases.migrations.0002_default_reasons_settings_append_only_events"
    ).load_reasons(apps, None)
    agent = User.objects.create_user(username="agent", password="x", role=Role.AGENT)
    case_create(
        actor=agent,
        customer=order.customer,
        type="return_refund",
        channel="phone",
        lines=[{"order_line": order.lines.get(), "quantity": 1, "reason": "Q01"}],
    )


def test_given_a_new_number_when_upserting_then_the_order_is_created(customer, phone):
    order, created = order_upsert(actor=None, **data(customer, phone))

    assert created is True
    assert (order.number, order.total_paid, Order.objects.count()) == ("TB-1", D("199.00"), 1)


def test_given_an_existing_order_when_upserting_progress_then_it_is_updated_in_place(customer, phone):
    # given
    first, _ = order_upsert(actor=None, **data(customer, phone))
    line_id = first.lines.get().pk

    # when the shop re-sends it shipped and delivered, with serial numbers and a new address
    shipped = PLACED + timedelta(days=1)
    order, created = order_upsert(
        actor=None,
        **data(
            customer,
            phone,
            shipped_at=shipped,
            delivered_at=shipped + timedelta(days=2),
            contact_name="李四",
            shipping_address="北京市朝阳区 2 号",
            lines=[
                {
                    "product": phone,
                    "quantity": 2,
                    "quantity_shipped": 2,
                    "unit_price": "99.50",
                    "serial_numbers": ["SN1", "SN2"],
                }
            ],
        ),
    )

    # then the same order and line rows, with the progress applied
    assert (created, order.pk) == (False, first.pk)
    stored = Order.objects.get()
    assert (stored.shipped_at, stored.delivered_at, stored.contact_name, stored.shipping_address) == (
        shipped,
        shipped + timedelta(days=2),
        "李四",
        "北京市朝阳区 2 号",
    )
    line = OrderLine.objects.get()
    assert (line.pk, line.quantity_shipped, line.serial_numbers) == (line_id, 2, ["SN1", "SN2"])
    assert Payment.objects.count() == 1


def test_given_the_same_content_when_upserting_again_then_nothing_is_written(customer, phone):
    order_upsert(actor=None, **data(customer, phone))
    before = Order.objects.values_list("updated_at", flat=True).get()

    order_upsert(actor=None, **data(customer, phone))

    assert Order.objects.values_list("updated_at", flat=True).get() == before


def test_given_no_case_when_the_lines_and_payments_change_then_they_are_replaced_and_amounts_recomputed(
    customer, phone
):
    # given
    order_upsert(actor=None, **data(customer, phone))
    laptop = make_product(sku="LAPTOP")

    # when the shop corrects the order: one phone and a laptop, a 10.00 order discount
    order, created = order_upsert(
        actor=None,
        **data(
            customer,
            phone,
            order_discount="10.00",
            lines=[
                {"product": phone, "quantity": 1, "unit_price": "99.50"},
                {"product": laptop, "quantity": 1, "unit_price": "100.50"},
            ],
            payments=[{"method": "alipay", "amount": "190.00", "provider_reference": "ALI-1"}],
        ),
    )

    # then
    assert created is False
    assert (order.order_discount, order.goods_total, order.total_paid) == (
        D("10.00"),
        D("190.00"),
        D("190.00"),
    )
    assert list(
        OrderLine.objects.order_by("position").values_list("product__sku", "order_discount_share")
    ) == [
        ("PHONE", D("4.98")),
        ("LAPTOP", D("5.02")),
    ]
    assert list(Payment.objects.values_list("amount", "provider_reference")) == [(D("190.00"), "ALI-1")]


def test_given_no_case_when_the_customer_changes_then_the_order_moves_to_the_new_customer(customer, phone):
    order_upsert(actor=None, **data(customer, phone))
    other = make_customer(code="C2")

    order, created = order_upsert(actor=None, **data(other, phone))

    assert (created, Order.objects.get().customer) == (False, other)
    assert order.customer == other


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"line": {"unit_price": "89.50"}}, "lines.0.unit_price"),
        ({"line": {"quantity": 3, "quantity_shipped": 0}}, "lines.0.quantity"),
        ({"shipping_fee": "10.00"}, "shipping_fee"),
        ({"payments": []}, "payments"),
        ({"placed_at": PLACED - timedelta(hours=1), "paid_at": PLACED}, "placed_at"),
        ({"currency": "USD"}, "currency"),
        ({"customer": "another"}, "customer"),
    ],
)
def test_given_a_case_on_the_order_when_its_commercial_content_changes_then_409_and_nothing_changes(
    customer, phone, change, field
):
    # given a shipped order with a case on it
    shipped = {"quantity_shipped": 2}
    order, _ = order_upsert(
        actor=None,
        **delivered(
            customer, phone, lines=[{"product": phone, "quantity": 2, "unit_price": "99.50", **shipped}]
        ),
    )
    open_case_on(order)
    before = snapshot()

    # when
    line = {"product": phone, "quantity": 2, "unit_price": "99.50", **shipped, **change.pop("line", {})}
    owner = make_customer() if change.pop("customer", None) == "another" else customer
    if field == "shipping_fee":
        change["payments"] = [{"method": "alipay", "amount": "209.00", "provider_reference": "ALI-1"}]
    if field == "lines.0.unit_price":
        change["payments"] = [{"method": "alipay", "amount": "179.00", "provider_reference": "ALI-1"}]
    if field == "lines.0.quantity":
        change["payments"] = [{"method": "alipay", "amount": "298.50", "provider_reference": "ALI-1"}]
    with pytest.raises(DomainError) as caught:
        order_upsert(actor=None, **delivered(owner, phone, lines=[line], **change))

    # then
    assert (caught.value.code, caught.value.kind) == ("order.referenced_by_case", "conflict")
    assert field in caught.value.fields
    assert snapshot() == before


def test_given_a_case_on_the_order_when_only_progress_changes_then_it_is_applied(customer, phone):
    order, _ = order_upsert(
        actor=None,
        **delivered(
            customer,
            phone,
            lines=[{"product": phone, "quantity": 2, "quantity_shipped": 1, "unit_price": "99.50"}],
        ),
    )
    open_case_on(order)  # holds 1 of the 1 shipped

    order_upsert(
        actor=None,
        **delivered(
            customer,
            phone,
            contact_phone="13900000000",
            lines=[{"product": phone, "quantity": 2, "quantity_shipped": 2, "unit_price": "99.50"}],
        ),
    )

    line = OrderLine.objects.get()
    assert (line.quantity_shipped, line.quantity_held) == (2, 1)
    assert Order.objects.get().contact_phone == "13900000000"


def test_given_units_held_by_a_case_when_the_quantity_shipped_drops_below_them_then_409_and_unchanged(
    customer, phone
):
    order, _ = order_upsert(
        actor=None,
        **delivered(
            customer,
            phone,
            lines=[{"product": phone, "quantity": 2, "quantity_shipped": 1, "unit_price": "99.50"}],
        ),
    )
    open_case_on(order)
    before = snapshot()

    with pytest.raises(DomainError) as caught:
        order_upsert(
            actor=None,
            **delivered(
                customer,
                phone,
                lines=[{"product": phone, "quantity": 2, "quantity_shipped": 0, "unit_price": "99.50"}],
            ),
        )

    assert caught.value.code == "order.shipped_below_cases"
    assert list(caught.value.fields) == ["lines.0.quantity_shipped"]
    assert snapshot() == before


@pytest.mark.parametrize("role", [Role.AGENT, Role.WAREHOUSE, Role.FINANCE, Role.CUSTOMER])
def test_given_a_role_that_may_not_write_orders_when_upserting_then_forbidden_and_nothing_written(
    customer, phone, role
):
    actor = User.objects.create_user(
        username="u", password="x", role=role, customer=customer if role == Role.CUSTOMER else None
    )

    with pytest.raises(DomainError) as caught:
        order_upsert(actor=actor, **data(customer, phone))

    assert caught.value.code == "order.forbidden"
    assert Order.objects.count() == 0


def test_given_an_invalid_update_when_upserting_then_refused_with_the_create_rules_and_unchanged(
    customer, phone
):
    order_upsert(actor=None, **data(customer, phone))
    before = snapshot()

    with pytest.raises(DomainError) as caught:
        order_upsert(actor=None, **data(customer, phone, delivered_at=PLACED - timedelta(days=1)))

    assert caught.value.code == "order.dates_out_of_order"
    assert snapshot() == before


# --- bulk -----------------------------------------------------------------------------------


def bulk_item(number: str, **overrides) -> dict:
    return {
        "channel": "own_shop",
        "number": number,
        "customer": "C1",
        "placed_at": PLACED,
        "lines": [{"sku": "PHONE", "quantity": 1, "unit_price": "99.50"}],
        **overrides,
    }


def test_given_a_batch_with_bad_orders_when_bulk_upserting_then_the_others_are_written_and_the_bad_ones_not(
    customer, phone
):
    # given B2 exists and its new payments do not add up; B3 has a bad line, B4 an unknown SKU,
    # B5 an unknown customer
    order_upsert(actor=None, **data(customer, phone, channel="own_shop", number="B2"))
    batch = [
        bulk_item("B1"),
        bulk_item(
            "B2",
            contact_name="王五",
            lines=[{"sku": "PHONE", "quantity": 2, "unit_price": "99.50"}],
            payments=[{"method": "alipay", "amount": "100.00"}],
        ),
        bulk_item("B3", lines=[{"sku": "PHONE", "quantity": 0, "unit_price": "99.50"}]),
        bulk_item("B4", lines=[{"sku": "NOPE", "quantity": 1, "unit_price": "1.00"}]),
        bulk_item("B5", customer="C404"),
        bulk_item("B6"),
    ]

    # when
    outcomes = order_bulk_upsert(actor=None, orders=batch)

    # then
    assert [(o.index, o.number, o.status) for o in outcomes] == [
        (0, "B1", "created"),
        (1, "B2", "error"),
        (2, "B3", "error"),
        (3, "B4", "error"),
        (4, "B5", "error"),
        (5, "B6", "created"),
    ]
    assert [o.error.code for o in outcomes if o.error] == [
        "order.payments_mismatch",
        "order.invalid_quantity",
        "order.unknown_product",
        "order.unknown_customer",
    ]
    assert outcomes[3].error.fields.keys() == {"lines.0.sku"}
    assert sorted(Order.objects.values_list("number", flat=True)) == ["B1", "B2", "B6"]
    assert Order.objects.get(number="B2").contact_name == ""


def test_given_an_existing_order_in_a_batch_when_bulk_upserting_then_updated(customer, phone):
    order_bulk_upsert(actor=None, orders=[bulk_item("B1")])

    (outcome,) = order_bulk_upsert(actor=None, orders=[bulk_item("B1", contact_name="王五")])

    assert (outcome.status, outcome.order.contact_name) == ("updated", "王五")
    assert Order.objects.count() == 1


def test_given_more_than_the_limit_when_bulk_upserting_then_refused_and_nothing_written(customer, phone):
    with pytest.raises(DomainError) as caught:
        order_bulk_upsert(actor=None, orders=[bulk_item(f"B{i}") for i in range(MAX_BULK_ORDERS + 1)])

    assert caught.value.code == "order.bulk_too_large"
    assert Order.objects.count() == 0
