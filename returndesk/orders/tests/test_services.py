import itertools
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from returndesk.accounts.models import User
from returndesk.accounts.roles import Role
from returndesk.catalog.tests.factories import make_customer, make_product
from returndesk.core.errors import DomainError
from returndesk.orders.models import Order, OrderLine, Payment
from returndesk.orders.services import order_create
from returndesk.orders.tests.factories import make_order

pytestmark = pytest.mark.django_db
D = Decimal
SHANGHAI = ZoneInfo("Asia/Shanghai")
PLACED = datetime(2026, 11, 11, 0, 5, tzinfo=SHANGHAI)
_numbers = itertools.count(1)


def create(**overrides):
    """order_create with sensible defaults: one line of 2 x 99.50, paid by Alipay."""
    product = overrides.pop("product", None) or make_product()
    data = {
        "actor": None,
        "channel": "own_shop",
        "number": f"T{next(_numbers):06d}",
        "customer": overrides.pop("customer", None) or make_customer(),
        "placed_at": PLACED,
        "lines": [{"product": product, "quantity": 2, "unit_price": "99.50"}],
        "payments": [{"method": "alipay", "amount": "199.00", "provider_reference": "2026111122001"}],
    }
    data.update(overrides)
    return order_create(**data)


def test_given_valid_lines_and_payments_when_creating_an_order_then_order_lines_and_payment_are_stored():
    # given
    customer = make_customer(code="C1")
    phone, laptop = make_product(sku="PHONE"), make_product(sku="LAPTOP")

    # when
    order = order_create(
        actor=None,
        channel="marketplace",
        number=" TB-1001 ",
        customer=customer,
        placed_at=PLACED,
        paid_at=PLACED + timedelta(minutes=1),
        shipped_at=PLACED + timedelta(days=1),
        delivered_at=PLACED + timedelta(days=3),
        lines=[
            {"product": phone, "quantity": 1, "unit_price": "2999.00", "serial_numbers": ["SN-A"]},
            {
                "product": laptop,
                "quantity": 2,
                "quantity_shipped": 1,
                "unit_price": 4000,
                "line_discount": "100",
            },
        ],
        order_discount=D("500.00"),
        shipping_fee="15",
        payments=[
            {"method": "alipay", "amount": "10000.00", "provider_reference": "ALI-1"},
            {"method": "store_credit", "amount": "414.00"},
        ],
        contact_name="张三",
        contact_phone="13800000000",
        shipping_address="上海市黄浦区 1 号",
    )

    # then net values 2999.00 and 7900.00; the 500.00 discount splits 137.58 / 362.42
    stored = Order.objects.get()
    assert (stored.pk, stored.number, stored.channel, stored.currency) == (
        order.pk,
        "TB-1001",
        "marketplace",
        "CNY",
    )
    assert (stored.order_discount, stored.shipping_fee, stored.goods_total, stored.total_paid) == (
        D("500.00"),
        D("15.00"),
        D("10399.00"),
        D("10414.00"),
    )
    assert list(
        stored.lines.values_list(
            "position",
            "product__sku",
            "quantity",
            "quantity_shipped",
            "order_discount_share",
            "net_amount",
            "tax_amount",
            "paid_amount",
            "serial_numbers",
        )
    ) == [
        (1, "PHONE", 1, 1, D("137.58"), D("2532.23"), D("329.19"), D("2861.42"), ["SN-A"]),
        (2, "LAPTOP", 2, 1, D("362.42"), D("6670.42"), D("867.16"), D("7537.58"), []),
    ]
    assert sorted(Payment.objects.values_list("method", "amount", "provider_reference", "paid_at")) == [
        ("alipay", D("10000.00"), "ALI-1", PLACED + timedelta(minutes=1)),
        ("store_credit", D("414.00"), "", PLACED + timedelta(minutes=1)),
    ]


def test_given_no_payments_when_creating_an_order_then_it_is_stored_without_payment_rows():
    order = create(payments=())

    assert (Order.objects.get().pk, order.total_paid, Payment.objects.count()) == (order.pk, D("199.00"), 0)


def test_given_the_same_number_in_another_channel_when_creating_then_both_exist():
    create(number="N1", channel="own_shop")

    create(number="N1", channel="store", payments=())

    assert sorted(Order.objects.values_list("channel", "number")) == [("own_shop", "N1"), ("store", "N1")]


def test_given_an_existing_number_in_the_channel_when_creating_then_duplicate_and_nothing_written():
    # given
    create(number="N1")
    before = (Order.objects.count(), OrderLine.objects.count(), Payment.objects.count())

    # when
    with pytest.raises(DomainError) as caught:
        create(number="N1", payments=())

    # then
    assert (caught.value.code, caught.value.kind) == ("order.duplicate_number", "conflict")
    assert caught.value.zh == "渠道 own_shop 中已有订单号 N1。"
    assert caught.value.en == "Order number N1 already exists in channel own_shop."
    assert list(caught.value.fields) == ["number"]
    assert (Order.objects.count(), OrderLine.objects.count(), Payment.objects.count()) == before


def test_given_a_number_taken_between_check_and_insert_when_creating_then_the_integrity_error_maps_to_duplicate(
    monkeypatch,
):
    # given another writer inserts N1 after our existence check (simulated by hiding it from the check)
    create(number="N1")
    real_filter = Order.objects.filter
    calls = []

    def filter_missing_once(*args, **kwargs):
        calls.append(kwargs)
        queryset = real_filter(*args, **kwargs)
        return queryset.none() if len(calls) == 1 else queryset

    monkeypatch.setattr(Order.objects, "filter", filter_missing_once)

    # when
    with pytest.raises(DomainError) as caught:
        create(number="N1", payments=())

    # then
    assert caught.value.code == "order.duplicate_number"
    assert Order.objects.count() == 1


def line(**kw):
    return {"product": make_product(), "quantity": 1, "unit_price": "10.00", **kw}


@pytest.mark.parametrize(
    ("overrides", "code", "field"),
    [
        ({"lines": []}, "order.no_lines", "lines"),
        ({"order_discount": "20.01", "payments": ()}, "order.discount_exceeds_goods", "order_discount"),
        ({"payments": [{"method": "alipay", "amount": "198.99"}]}, "order.payments_mismatch", "payments"),
        ({"line": {"quantity": 0}}, "order.invalid_quantity", "lines.0.quantity"),
        ({"line": {"quantity": -1}}, "order.invalid_quantity", "lines.0.quantity"),
        ({"line": {"quantity": True}}, "order.invalid_quantity", "lines.0.quantity"),
        ({"line": {"quantity_shipped": 3}}, "order.shipped_exceeds_ordered", "lines.0.quantity_shipped"),
        ({"line": {"serial_numbers": ["A"]}}, "order.serials_count", "lines.0.serial_numbers"),
        ({"line": {"serial_numbers": ["A", "A"]}}, "order.duplicate_serial", "lines.0.serial_numbers"),
        ({"line": {"unit_price": "-1.00"}}, "order.negative_amount", "lines.0.unit_price"),
        ({"line": {"unit_price": 10.5}}, "order.float_amount", "lines.0.unit_price"),
        ({"line": {"unit_price": "10.005"}}, "order.invalid_amount", "lines.0.unit_price"),
        ({"line": {"unit_price": "ten"}}, "order.invalid_amount", "lines.0.unit_price"),
        ({"line": {"line_discount": "20.01"}}, "order.line_discount_exceeds_value", "lines.0.line_discount"),
        ({"line": {"tax_mode": "vat"}}, "order.invalid_tax_mode", "lines.0.tax_mode"),
        ({"line": {"tax_rate": "1"}}, "order.invalid_tax_rate", "lines.0.tax_rate"),
        ({"line": {"tax_rate": 0.13}}, "order.invalid_tax_rate", "lines.0.tax_rate"),
        ({"line": {"colour": "red"}}, "order.unknown_line_field", "lines.0.colour"),
        ({"order_discount": 1.0}, "order.float_amount", "order_discount"),
        ({"shipping_fee": "-5"}, "order.negative_amount", "shipping_fee"),
        ({"channel": "wechat_shop"}, "order.invalid_channel", "channel"),
        ({"number": ""}, "order.invalid_number", "number"),
        ({"currency": "rmb"}, "order.invalid_currency", "currency"),
        ({"placed_at": datetime(2026, 11, 11)}, "order.invalid_datetime", "placed_at"),
        ({"delivered_at": PLACED - timedelta(days=1)}, "order.dates_out_of_order", "delivered_at"),
        (
            {"payments": [{"method": "paypal", "amount": "199.00"}]},
            "order.invalid_payment_method",
            "payments.0.method",
        ),
        (
            {"payments": [{"method": "alipay", "amount": "0"}]},
            "order.invalid_payment_amount",
            "payments.0.amount",
        ),
        ({"contact_email": "nobody"}, "order.invalid_contact", "contact_email"),
    ],
)
def test_given_invalid_input_when_creating_an_order_then_refused_with_its_code_and_nothing_written(
    overrides, code, field
):
    # given one line of 2 x 10.00 (20.00), with the overridden field broken
    if "line" in overrides:
        overrides["lines"] = [line(**{"quantity": 2, **overrides.pop("line")})]
        overrides["payments"] = ()
    overrides.setdefault("lines", [line(quantity=2)])
    overrides.setdefault("payments", [{"method": "alipay", "amount": "20.00"}])
    make_product()  # the line product exists; count only orders from here
    before = (Order.objects.count(), OrderLine.objects.count(), Payment.objects.count())

    # when
    with pytest.raises(DomainError) as caught:
        create(**overrides)

    # then
    assert caught.value.code == code
    assert list(caught.value.fields) == [field]
    assert caught.value.zh and caught.value.en and caught.value.zh != caught.value.en
    assert (Order.objects.count(), OrderLine.objects.count(), Payment.objects.count()) == before


def test_given_a_line_error_when_creating_then_the_message_names_the_line_in_both_languages():
    lines = [line(), line(quantity=2, quantity_shipped=5)]

    with pytest.raises(DomainError) as caught:
        create(lines=lines, payments=())

    assert caught.value.zh == "第 2 行：发货数量 5 超过订购数量 2。"
    assert caught.value.en == "Line 2: quantity shipped 5 exceeds quantity ordered 2."
    assert caught.value.fields == {
        "lines.1.quantity_shipped": (
            "发货数量 5 超过订购数量 2。",
            "quantity shipped 5 exceeds quantity ordered 2.",
        )
    }


def test_given_payments_that_do_not_add_up_when_creating_then_the_message_gives_both_totals():
    with pytest.raises(DomainError) as caught:
        create(shipping_fee="10.00", payments=[{"method": "wechat", "amount": "199.00"}])

    assert caught.value.en == (
        "The payments add up to 199.00, but the order total is 209.00 (goods 199.00 + shipping 10.00)."
    )
    assert caught.value.zh == "支付合计 199.00 与订单实付 209.00（商品 199.00 + 运费 10.00）不一致。"
    assert Order.objects.count() == 0


def test_given_a_serial_number_on_two_lines_when_creating_then_duplicate_serial_on_the_second_line():
    lines = [line(serial_numbers=["SN1"]), line(serial_numbers=[" SN1 "])]

    with pytest.raises(DomainError) as caught:
        create(lines=lines, payments=())

    assert (caught.value.code, list(caught.value.fields)) == (
        "order.duplicate_serial",
        ["lines.1.serial_numbers"],
    )
    assert Order.objects.count() == 0


def test_given_a_used_provider_reference_when_creating_then_duplicate_reference_and_nothing_written():
    # given
    create(payments=[{"method": "alipay", "amount": "199.00", "provider_reference": "ALI-9"}])

    # when
    with pytest.raises(DomainError) as caught:
        create(payments=[{"method": "alipay", "amount": "199.00", "provider_reference": "ALI-9"}])

    # then
    assert (caught.value.code, caught.value.kind) == ("order.duplicate_payment_reference", "conflict")
    assert list(caught.value.fields) == ["payments.0.provider_reference"]
    assert (Order.objects.count(), Payment.objects.count()) == (1, 1)


def test_given_a_customer_user_when_creating_an_order_then_forbidden_and_nothing_written():
    customer = make_customer()
    user = User.objects.create(username="buyer", role=Role.CUSTOMER, customer=customer)

    with pytest.raises(DomainError) as caught:
        create(actor=user, customer=customer)

    assert (caught.value.code, caught.value.kind) == ("order.forbidden", "forbidden")
    assert Order.objects.count() == 0


def test_given_a_sales_user_when_creating_an_order_then_allowed():
    user = User.objects.create(username="sales", role=Role.SALES)

    order = create(actor=user)

    assert Order.objects.get().pk == order.pk


def test_given_the_factory_when_making_an_order_then_one_payment_matches_the_total():
    # given
    product = make_product()

    # when
    order = make_order(lines=[(product, 3, D("33.33"))], order_discount="0.99", shipping_fee="6.00")

    # then
    assert (order.goods_total, order.total_paid) == (D("99.00"), D("105.00"))
    assert list(order.payments.values_list("method", "amount")) == [("alipay", D("105.00"))]
    assert list(order.lines.values_list("quantity", "paid_amount")) == [(3, D("99.00"))]
    assert order.delivered_at is not None and order.placed_at < order.shipped_at < order.delivered_at


def test_given_a_fully_discounted_order_when_made_by_the_factory_then_it_has_no_payment():
    order = make_order(lines=[(make_product(), 1, "50.00")], order_discount="50.00", delivered_at=None)

    assert (order.total_paid, order.payments.count(), order.delivered_at, order.shipped_at) == (
        D("0.00"),
        0,
        None,
        None,
    )


prices = st.integers(min_value=0, max_value=200_000).map(lambda n: D(n) / 100)


@settings(max_examples=40, deadline=None)
@example(lines=[(D("0.02"), 3)], percent=0)  # net 0.05 + tax 0.01: the REAL sum is 0.060000000000000005
@given(
    lines=st.lists(st.tuples(prices, st.integers(min_value=1, max_value=5)), min_size=1, max_size=5),
    percent=st.integers(min_value=0, max_value=100),
)
def test_given_random_orders_when_stored_then_lines_sum_to_the_goods_total_and_the_db_agrees(lines, percent):
    # given
    product = make_product()
    net_values = sum(price * quantity for price, quantity in lines)
    discount = (net_values * percent / 100).quantize(D("0.01"), "ROUND_DOWN")

    # when
    order = create(
        product=product,
        lines=[{"product": product, "quantity": q, "unit_price": p} for p, q in lines],
        order_discount=discount,
        payments=(),
    )

    # then (read back from the database, where CHECK constraints also hold)
    stored = list(
        OrderLine.objects.filter(order=order).values_list("net_amount", "tax_amount", "paid_amount")
    )
    assert (
        sum(paid for _, _, paid in stored)
        == Order.objects.get(pk=order.pk).goods_total
        == net_values - discount
    )
    assert all(net + tax == paid and paid >= 0 for net, tax, paid in stored)
