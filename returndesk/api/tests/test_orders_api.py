"""Orders over the API: create, read, upsert by (channel, number), bulk; money as strings."""

from decimal import Decimal

import pytest

from returndesk.catalog.tests.factories import make_customer, make_product
from returndesk.orders.models import Order, OrderLine, Payment
from returndesk.orders.services import MAX_BULK_ORDERS

pytestmark = pytest.mark.django_db


@pytest.fixture
def refs(db):
    return make_customer(code="C1", name="张三"), make_product(sku="PHONE", name="手机")


def order_body(number="TB-1", **overrides) -> dict:
    return {
        "channel": "marketplace",
        "number": number,
        "customer": "C1",
        "placed_at": "2026-11-11T00:05:00+08:00",
        "paid_at": "2026-11-11T00:06:00+08:00",
        "order_discount": "10.00",
        "lines": [{"sku": "PHONE", "quantity": 2, "unit_price": "99.50", "serial_numbers": ["SN1", "SN2"]}],
        "payments": [{"method": "alipay", "amount": "189.00", "provider_reference": "ALI-1"}],
        **overrides,
    }


def test_given_an_order_when_created_then_201_with_amounts_as_strings_and_local_times(integration_api, refs):
    response = integration_api.post("/orders", order_body())

    assert response.status_code == 201
    body = response.json()
    order = Order.objects.get()
    line = OrderLine.objects.get()
    assert body["id"] == str(order.pk)
    assert body["customer"] == {"id": str(refs[0].pk), "code": "C1", "name": "张三"}
    assert (body["channel"], body["number"], body["currency"]) == ("marketplace", "TB-1", "CNY")
    assert (body["placed_at"], body["paid_at"], body["shipped_at"]) == (
        "2026-11-11T00:05:00+08:00",
        "2026-11-11T00:06:00+08:00",
        None,
    )
    assert (body["order_discount"], body["shipping_fee"], body["goods_total"], body["total_paid"]) == (
        "10.00",
        "0.00",
        "189.00",
        "189.00",
    )
    (line_out,) = body["lines"]
    assert line_out == {
        "id": str(line.pk),
        "position": 1,
        "product": {"id": str(refs[1].pk), "sku": "PHONE", "name": "手机", "name_en": refs[1].name_en},
        "quantity": 2,
        "quantity_shipped": 2,
        "unit_price": "99.50",
        "line_discount": "0.00",
        "tax_mode": "inclusive",
        "tax_rate": "0.1300",
        "order_discount_share": "10.00",
        "net_amount": "167.26",
        "tax_amount": "21.74",
        "paid_amount": "189.00",
        "serial_numbers": ["SN1", "SN2"],
        "no_reason_return_waived": False,
        "lot": "",
        "quantity_held": 0,
        "quantity_returned": 0,
        "returnable_quantity": 2,
    }
    assert [(p["method"], p["amount"], p["provider_reference"]) for p in body["payments"]] == [
        ("alipay", "189.00", "ALI-1")
    ]
    assert "\\u" not in response.content.decode()  # Chinese as UTF-8, not escapes


def test_given_an_existing_number_when_created_again_then_409_and_one_order(integration_api, refs):
    integration_api.post("/orders", order_body(payments=[]))

    response = integration_api.post("/orders", order_body(payments=[]))

    assert (response.status_code, response.json()["code"]) == (409, "order.duplicate_number")
    assert Order.objects.count() == 1


@pytest.mark.parametrize(
    ("overrides", "code", "field"),
    [
        ({"customer": "C404"}, "order.unknown_customer", "customer"),
        (
            {"lines": [{"sku": "NOPE", "quantity": 1, "unit_price": "1.00"}]},
            "order.unknown_product",
            "lines.0.sku",
        ),
        ({"payments": [{"method": "alipay", "amount": "1.00"}]}, "order.payments_mismatch", "payments"),
        ({"lines": []}, "order.no_lines", "lines"),
    ],
)
def test_given_a_refused_order_when_created_then_422_with_the_field_and_nothing_written(
    integration_api, refs, overrides, code, field
):
    response = integration_api.post("/orders", order_body(**overrides))

    assert (response.status_code, response.json()["code"]) == (422, code)
    assert [e["field"] for e in response.json()["errors"]] == [field]
    assert (Order.objects.count(), OrderLine.objects.count(), Payment.objects.count()) == (0, 0, 0)


def test_given_an_order_when_fetched_by_id_then_the_same_representation(integration_api, refs):
    created = integration_api.post("/orders", order_body()).json()

    response = integration_api.get(f"/orders/{created['id']}")

    assert response.status_code == 200
    assert response.json() == created


def test_given_orders_when_listed_with_filters_then_only_matching(integration_api, refs):
    make_customer(code="C2")
    for number, customer, channel in (("A", "C1", "store"), ("B", "C2", "store"), ("C", "C1", "marketplace")):
        body = order_body(number, customer=customer, channel=channel, payments=[])
        assert integration_api.post("/orders", body).status_code == 201

    def numbers(query: str) -> list[str]:
        return [o["number"] for o in integration_api.get(f"/orders?{query}").json()["items"]]

    assert sorted(numbers("")) == ["A", "B", "C"]
    assert sorted(numbers("customer=C1")) == ["A", "C"]
    assert numbers("customer=C1&channel=store") == ["A"]
    assert numbers("number=B") == ["B"]
    assert integration_api.get("/orders?channel=nope").status_code == 422


# --- upsert ---------------------------------------------------------------------------------


def test_given_a_new_number_when_put_then_201_and_again_200_with_the_progress(integration_api, refs):
    body = order_body()
    path = f"/orders/{body.pop('channel')}/{body.pop('number')}"

    created = integration_api.put(path, body)
    updated = integration_api.put(
        path, {**body, "shipped_at": "2026-11-12T10:00:00+08:00", "contact_name": "张三"}
    )

    assert (created.status_code, updated.status_code) == (201, 200)
    assert updated.json()["id"] == created.json()["id"]
    assert (updated.json()["shipped_at"], updated.json()["contact_name"]) == (
        "2026-11-12T10:00:00+08:00",
        "张三",
    )
    assert Order.objects.count() == 1


def test_given_an_unknown_channel_in_the_path_when_put_then_422(integration_api, refs):
    body = order_body()
    del body["channel"], body["number"]

    response = integration_api.put("/orders/wechat/TB-1", body)

    assert response.status_code == 422
    assert Order.objects.count() == 0


# --- bulk -----------------------------------------------------------------------------------


def test_given_a_batch_with_one_bad_order_when_posted_then_the_others_are_written(integration_api, refs):
    batch = [
        order_body("B1", payments=[]),
        order_body("B2", payments=[], lines=[{"sku": "PHONE", "quantity": 1, "unit_price": "-1.00"}]),
        order_body("B3", payments=[]),
    ]

    response = integration_api.post("/orders/bulk", {"orders": batch}, **{"Accept-Language": "en"})

    assert response.status_code == 200
    body = response.json()
    ids = dict(Order.objects.values_list("number", "id"))
    assert (body["created"], body["updated"], body["failed"]) == (2, 0, 1)
    assert body["results"] == [
        {
            "index": 0,
            "number": "B1",
            "status": "created",
            "id": str(ids["B1"]),
            "code": None,
            "detail": None,
            "errors": None,
        },
        {
            "index": 1,
            "number": "B2",
            "status": "error",
            "id": None,
            "code": "order.negative_amount",
            "detail": "Line 1: the unit price may not be negative: -1.00.",
            "errors": [{"field": "lines.0.unit_price", "message": "may not be negative: -1.00."}],
        },
        {
            "index": 2,
            "number": "B3",
            "status": "created",
            "id": str(ids["B3"]),
            "code": None,
            "detail": None,
            "errors": None,
        },
    ]
    assert sorted(ids) == ["B1", "B3"]


def test_given_an_order_twice_in_bulk_calls_when_posted_then_updated_the_second_time(integration_api, refs):
    integration_api.post("/orders/bulk", {"orders": [order_body("B1")]})

    response = integration_api.post("/orders/bulk", {"orders": [order_body("B1", contact_name="李四")]})

    assert [r["status"] for r in response.json()["results"]] == ["updated"]
    assert Order.objects.get().contact_name == "李四"


def test_given_more_than_1000_orders_when_posted_then_422_and_nothing_written(integration_api, refs):
    batch = [order_body(f"B{i}", payments=[]) for i in range(MAX_BULK_ORDERS + 1)]

    response = integration_api.post("/orders/bulk", {"orders": batch})

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "orders"
    assert Order.objects.count() == 0


def test_given_money_in_the_answer_when_decimals_have_trailing_zeros_then_always_two_places(
    integration_api, refs
):
    response = integration_api.post("/orders", order_body(order_discount="10", payments=[]))

    assert (response.json()["order_discount"], Order.objects.get().order_discount) == (
        "10.00",
        Decimal("10.00"),
    )
