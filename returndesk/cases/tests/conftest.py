"""Fixtures of the case-engine tests: one user per department, customers of each type, and
orders made through the real order service (returndesk.orders.tests.factories)."""

from __future__ import annotations

from decimal import Decimal
from importlib import import_module

import pytest
from django.apps import apps

from returndesk.accounts.models import User
from returndesk.accounts.roles import Role
from returndesk.catalog.models import CustomerType
from returndesk.catalog.tests.factories import make_customer, make_product
from returndesk.inspection.tests.helpers import goods_reference_data, load_goods_reference_data  # noqa: F401
from returndesk.orders.models import OrderLine
from returndesk.orders.tests.factories import make_order

_REASONS_MIGRATION = "returndesk.cases.migrations.0002_default_reasons_settings_append_only_events"


def _user(username: str, role: str, customer=None) -> User:
    return User.objects.create_user(username=username, password="x", role=role, customer=customer)


@pytest.fixture
def reference_data(db):
    """The reasons and workflow settings the migration loads. Transactional tests flush the
    database after they run, so a later transactional test loads them again (idempotent)."""
    import_module(_REASONS_MIGRATION).load_reasons(apps, None)
    load_goods_reference_data()  # the receipt checklist and a default return warehouse


@pytest.fixture
def agent(db):
    return _user("agent", Role.AGENT)


@pytest.fixture
def supervisor(db):
    return _user("supervisor", Role.SUPERVISOR)


@pytest.fixture
def sales(db):
    return _user("sales", Role.SALES)


@pytest.fixture
def warehouse(db):
    return _user("warehouse", Role.WAREHOUSE)


@pytest.fixture
def qc(db):
    return _user("qc", Role.QC)


@pytest.fixture
def gm(db):
    return _user("gm", Role.GM)


@pytest.fixture
def finance(db):
    return _user("finance", Role.FINANCE)


@pytest.fixture
def sysadmin(db):
    return _user("sysadmin", Role.ADMIN)


@pytest.fixture
def consumer(db):
    return make_customer(name="张三", email="zhangsan@example.com")


@pytest.fixture
def consumer_user(consumer):
    return _user("zhangsan", Role.CUSTOMER, consumer)


@pytest.fixture
def other_consumer(db):
    return make_customer(name="李四", email="lisi@example.com")


@pytest.fixture
def other_user(other_consumer):
    return _user("lisi", Role.CUSTOMER, other_consumer)


@pytest.fixture
def distributor(db):
    return make_customer(type=CustomerType.DISTRIBUTOR, name="华东经销商", email="buyer@dealer.example.com")


@pytest.fixture
def distributor_user(distributor):
    return _user("dealer", Role.DISTRIBUTOR, distributor)


@pytest.fixture
def key_account(db):
    return make_customer(type=CustomerType.KEY_ACCOUNT, name="重要客户集团", email="it@key.example.com")


@pytest.fixture
def make_line(db):
    """make_line(customer, quantity=5, unit_price="100.00", **line_kw) -> OrderLine: a delivered
    order with one line, made by the order service (paid amounts computed and paid in full)."""

    def make(customer, quantity: int = 5, unit_price="100.00", **line_kw) -> OrderLine:
        order = make_order(
            customer=customer,
            lines=[{"product": make_product(), "quantity": quantity, "unit_price": unit_price, **line_kw}],
        )
        return order.lines.get()

    return make


@pytest.fixture
def line5(consumer, make_line):
    """5 units shipped to the consumer at 100.00 each (paid 500.00)."""
    ol = make_line(consumer, quantity=5, unit_price="100.00")
    assert (ol.quantity_shipped, ol.paid_amount) == (5, Decimal("500.00"))
    return ol
