"""Products and customers over the API."""

import pytest

from returndesk.accounts.roles import Role
from returndesk.catalog.models import Customer, Product
from returndesk.catalog.tests.factories import make_category, make_customer
from returndesk.orders.tests.factories import make_order

from .conftest import api_as, make_user

pytestmark = pytest.mark.django_db


def test_given_a_category_code_when_creating_a_product_then_201_and_readable_by_id(sales_api):
    make_category(code="PC", name="电脑", name_en="Computers")

    created = sales_api.post(
        "/products",
        {
            "sku": "TP-X1",
            "name": "笔记本电脑",
            "category": "PC",
            "sanbao_category": "computer",
            "warranty_months_unit": 12,
            "warranty_months_main_parts": 24,
        },
    )

    assert created.status_code == 201
    product = Product.objects.get()
    body = created.json()
    assert (body["id"], body["sku"], body["sanbao_category"], body["warranty_months_main_parts"]) == (
        str(product.pk),
        "TP-X1",
        "computer",
        24,
    )
    assert body["category"] == {"code": "PC", "name": "电脑", "name_en": "Computers"}
    assert sales_api.get(f"/products/{product.pk}").json() == body


def test_given_an_unknown_category_when_creating_a_product_then_422_on_category(sales_api):
    response = sales_api.post(
        "/products", {"sku": "X", "name": "x", "category": "NOPE"}, **{"Accept-Language": "en"}
    )

    assert (response.status_code, response.json()["code"]) == (422, "product.unknown_category")
    assert response.json()["errors"] == [{"field": "category", "message": "No such category."}]
    assert Product.objects.count() == 0


def test_given_a_shorter_main_parts_warranty_when_creating_then_422_with_the_services_rule(sales_api):
    make_category(code="PC")

    response = sales_api.post(
        "/products",
        {
            "sku": "X",
            "name": "x",
            "category": "PC",
            "warranty_months_unit": 24,
            "warranty_months_main_parts": 12,
        },
    )

    assert (response.status_code, response.json()["code"]) == (422, "product.main_parts_warranty_shorter")
    assert Product.objects.count() == 0


def test_given_an_unknown_sanbao_category_when_creating_then_422_listing_the_choices(sales_api):
    response = sales_api.post(
        "/products", {"sku": "X", "name": "x", "category": "PC", "sanbao_category": "car"}
    )

    assert response.status_code == 422
    (error,) = response.json()["errors"]
    assert error["field"] == "sanbao_category"
    assert error["message"].startswith("可选值：")


def test_given_a_customer_when_created_then_201_with_its_fields(sales_api):
    response = sales_api.post(
        "/customers",
        {
            "code": "D-01",
            "name": "华东经销商",
            "type": "distributor",
            "phone": "021-12345678",
            "preferred_language": "en",
        },
    )

    assert response.status_code == 201
    customer = Customer.objects.get()
    assert (customer.code, customer.type, customer.preferred_language) == ("D-01", "distributor", "en")
    assert response.json()["type"] == "distributor"


def test_given_a_customer_sign_in_when_listing_customers_then_only_its_own():
    own = make_customer(code="A")
    make_customer(code="B")
    api = api_as(make_user(Role.CUSTOMER, customer=own))

    response = api.get("/customers")

    assert [c["code"] for c in response.json()["items"]] == ["A"]


def test_given_a_customer_sign_in_when_listing_orders_then_only_its_own():
    own, other = make_customer(code="A"), make_customer(code="B")
    mine = make_order(own)
    make_order(other)
    api = api_as(make_user(Role.CUSTOMER, customer=own))

    response = api.get("/orders")

    assert [o["id"] for o in response.json()["items"]] == [str(mine.pk)]
