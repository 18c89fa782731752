import pytest

from returndesk.accounts.models import User
from returndesk.accounts.roles import Role
from returndesk.catalog.models import (
    Customer,
    CustomerType,
    Product,
    ProductCategory,
    SanbaoCategory,
    Warehouse,
)
from returndesk.catalog.services import (
    category_create,
    customer_create,
    product_create,
    warehouse_create,
)
from returndesk.catalog.tests.factories import make_category, make_customer, make_product, make_warehouse
from returndesk.core.errors import DomainError

pytestmark = pytest.mark.django_db


def test_given_valid_data_when_creating_a_customer_then_it_is_stored_trimmed():
    # when
    customer = customer_create(
        actor=None,
        code=" D001 ",
        name="华东经销商",
        type=CustomerType.DISTRIBUTOR,
        phone="+86 21-5555 0101",
        email="buyer@example.com",
        preferred_language="en",
    )

    # then
    stored = Customer.objects.get()
    assert (stored.pk, stored.code, stored.name, stored.type) == (
        customer.pk,
        "D001",
        "华东经销商",
        "distributor",
    )
    assert (stored.phone, stored.email, stored.preferred_language) == (
        "+86 21-5555 0101",
        "buyer@example.com",
        "en",
    )


@pytest.mark.parametrize(
    ("kwargs", "code", "field"),
    [
        ({"code": ""}, "customer.invalid_code", "code"),
        ({"name": "  "}, "customer.invalid_name", "name"),
        ({"type": "vip"}, "customer.invalid_type", "type"),
        ({"email": "not-an-email"}, "customer.invalid_email", "email"),
        ({"phone": "call me"}, "customer.invalid_phone", "phone"),
        ({"preferred_language": "fr"}, "customer.invalid_language", "preferred_language"),
    ],
)
def test_given_an_invalid_field_when_creating_a_customer_then_refused_and_nothing_written(
    kwargs, code, field
):
    # given
    data = {"code": "C1", "name": "张三", **kwargs}

    # when
    with pytest.raises(DomainError) as caught:
        customer_create(actor=None, **data)

    # then
    assert caught.value.code == code
    assert list(caught.value.fields) == [field]
    assert Customer.objects.count() == 0


def test_given_an_existing_code_when_creating_a_customer_then_duplicate_in_both_languages():
    # given
    make_customer(code="C1")

    # when
    with pytest.raises(DomainError) as caught:
        customer_create(actor=None, code="C1", name="李四")

    # then
    assert (caught.value.code, caught.value.kind) == ("customer.duplicate_code", "conflict")
    assert caught.value.zh == "客户编码 C1 已存在。"
    assert caught.value.en == "Customer code C1 already exists."
    assert Customer.objects.count() == 1


def test_given_a_consumer_user_when_creating_a_customer_then_forbidden_and_nothing_written():
    # given
    own = make_customer(code="C1")
    user = User.objects.create(username="buyer", role=Role.CUSTOMER, customer=own)

    # when
    with pytest.raises(DomainError) as caught:
        customer_create(actor=user, code="C2", name="李四")

    # then
    assert (caught.value.code, caught.value.kind) == ("customer.forbidden", "forbidden")
    assert list(Customer.objects.values_list("code", flat=True)) == ["C1"]


def test_given_a_sales_user_when_creating_a_customer_then_allowed():
    user = User.objects.create(username="sales", role=Role.SALES)

    customer = customer_create(actor=user, code="C9", name="王五")

    assert Customer.objects.get().pk == customer.pk


def test_given_an_existing_category_code_when_creating_a_category_then_refused():
    make_category(code="PC")

    with pytest.raises(DomainError) as caught:
        category_create(actor=None, code="PC", name="电脑")

    assert caught.value.code == "category.duplicate_code"
    assert ProductCategory.objects.count() == 1


def test_given_valid_data_when_creating_a_product_then_stored_with_its_warranty():
    # given
    category = make_category(code="PC")

    # when
    product = product_create(
        actor=None,
        sku="NB-14",
        name="笔记本电脑 14 寸",
        category=category,
        sanbao_category=SanbaoCategory.COMPUTER,
        warranty_months_unit=12,
        warranty_months_main_parts=24,
    )

    # then
    stored = Product.objects.get()
    assert (stored.pk, stored.sku, stored.category_id, stored.unit) == (
        product.pk,
        "NB-14",
        category.pk,
        "台",
    )
    assert (stored.sanbao_category, stored.warranty_months_unit, stored.warranty_months_main_parts) == (
        "computer",
        12,
        24,
    )
    assert (stored.no_reason_returnable, stored.is_active) == (True, True)


@pytest.mark.parametrize(
    ("kwargs", "code", "field"),
    [
        ({"sku": ""}, "product.invalid_sku", "sku"),
        ({"sanbao_category": "toys"}, "product.invalid_sanbao_category", "sanbao_category"),
        ({"warranty_months_unit": -1}, "product.invalid_warranty", "warranty_months_unit"),
        ({"warranty_months_unit": "12"}, "product.invalid_warranty", "warranty_months_unit"),
        ({"warranty_months_main_parts": 601}, "product.invalid_warranty", "warranty_months_main_parts"),
        (
            {"warranty_months_unit": 24, "warranty_months_main_parts": 12},
            "product.main_parts_warranty_shorter",
            "warranty_months_main_parts",
        ),
        ({"no_reason_returnable": "yes"}, "product.invalid_flag", "no_reason_returnable"),
        ({"category": None}, "product.invalid_category", "category"),
    ],
)
def test_given_an_invalid_field_when_creating_a_product_then_refused_and_nothing_written(kwargs, code, field):
    # given
    data = {"sku": "P1", "name": "电水壶", "category": make_category(), **kwargs}

    # when
    with pytest.raises(DomainError) as caught:
        product_create(actor=None, **data)

    # then
    assert caught.value.code == code
    assert list(caught.value.fields) == [field]
    assert Product.objects.count() == 0


def test_given_a_shorter_main_parts_warranty_when_creating_then_the_message_names_both_periods():
    with pytest.raises(DomainError) as caught:
        product_create(
            actor=None,
            sku="P1",
            name="电视机",
            category=make_category(),
            warranty_months_unit=24,
            warranty_months_main_parts=12,
        )

    assert caught.value.zh == "主要部件保修期（12 个月）不能短于整机保修期（24 个月）。"
    assert caught.value.en == (
        "The main-parts warranty (12 months) may not be shorter than the whole-unit warranty (24 months)."
    )


def test_given_an_existing_sku_when_creating_a_product_then_duplicate_and_nothing_written():
    make_product(sku="P1")

    with pytest.raises(DomainError) as caught:
        product_create(actor=None, sku="P1", name="另一个", category=make_category())

    assert caught.value.code == "product.duplicate_sku"
    assert Product.objects.count() == 1


def test_given_a_warehouse_user_when_creating_a_product_then_forbidden():
    user = User.objects.create(username="wh", role=Role.WAREHOUSE)

    with pytest.raises(DomainError) as caught:
        product_create(actor=user, sku="P1", name="电水壶", category=make_category())

    assert caught.value.code == "product.forbidden"
    assert Product.objects.count() == 0


def test_given_a_default_warehouse_when_creating_another_default_then_it_takes_over():
    # given
    first = make_warehouse(code="SH", is_default=True)

    # when
    second = warehouse_create(
        actor=None, code="GZ", name="广州仓", return_address="广州市天河区 1 号", is_default=True
    )

    # then
    assert list(Warehouse.objects.filter(is_default=True).values_list("pk", flat=True)) == [second.pk]
    first.refresh_from_db()
    assert first.is_default is False


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"return_address": ""}, "warehouse.invalid_return_address"),
        ({"code": "SH"}, "warehouse.duplicate_code"),
    ],
)
def test_given_invalid_data_when_creating_a_warehouse_then_refused_and_nothing_written(kwargs, code):
    # given
    make_warehouse(code="SH", is_default=True)
    data = {
        "code": "BJ",
        "name": "北京仓",
        "return_address": "北京市朝阳区 2 号",
        "is_default": True,
        **kwargs,
    }

    # when
    with pytest.raises(DomainError) as caught:
        warehouse_create(actor=None, **data)

    # then the old default stays the default
    assert caught.value.code == code
    assert list(Warehouse.objects.values_list("code", "is_default")) == [("SH", True)]
