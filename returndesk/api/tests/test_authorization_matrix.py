"""Who may call what: every operation × every kind of caller → the exact status.

Callers: anonymous; a customer sign-in of account A (whose records the detail URLs name) and of
another account B; each staff role; the system role of integrations. Add every new operation
here (the test below fails for an operation missing from MATRIX); the cases operations, which
need a fresh case per caller, are in test_cases_authorization_matrix.py (CASE_MATRIX), and the
refunds operations in test_refunds_api.py (REFUND_MATRIX).
"""

import itertools
from dataclasses import dataclass

import pytest

from returndesk.accounts.roles import STAFF_ROLES, Role
from returndesk.api.api import api as ninja_api
from returndesk.catalog.models import Customer
from returndesk.catalog.tests.factories import make_category, make_customer, make_product
from returndesk.orders.tests.factories import make_order

from .conftest import api_as, make_user
from .test_analytics_api import ANALYTICS_MATRIX
from .test_cases_authorization_matrix import CASE_MATRIX
from .test_exchanges_repairs_authorization_matrix import EXCHANGES_REPAIRS_MATRIX
from .test_goods_authorization_matrix import GOODS_MATRIX
from .test_refunds_api import REFUND_MATRIX

pytestmark = pytest.mark.django_db
_numbers = itertools.count(1)

CALLERS = [
    "anonymous",
    "customer_of_a",
    "customer_of_b",
    Role.AGENT,
    Role.SUPERVISOR,
    Role.SALES,
    Role.WAREHOUSE,
    Role.QC,
    Role.GM,
    Role.FINANCE,
    Role.ADMIN,
    Role.SYSTEM,
]


def statuses(default: int, **by_caller: int) -> dict[str, int]:
    """`default` for every signed-in caller, 401 for anonymous, overrides by caller name."""
    table = {str(caller): default for caller in CALLERS}
    table["anonymous"] = 401
    table.update(by_caller)
    return table


def only(roles, allowed: int) -> dict[str, int]:
    table = statuses(403)
    table.update({str(role): allowed for role in roles})
    return table


PRODUCT_WRITERS = (Role.ADMIN, Role.SALES, Role.SYSTEM)
CUSTOMER_WRITERS = (Role.ADMIN, Role.SALES, Role.AGENT, Role.SUPERVISOR, Role.SYSTEM)
ORDER_WRITERS = (Role.ADMIN, Role.SALES, Role.SUPERVISOR, Role.SYSTEM)


@dataclass
class World:
    product_id: str
    customer_a_id: str
    order_a_id: str


def _order_body(with_identity: bool = True) -> dict:
    body = {
        "customer": "A",
        "placed_at": "2026-11-11T00:05:00+08:00",
        "lines": [{"sku": "P1", "quantity": 1, "unit_price": "10.00"}],
    }
    if with_identity:
        body.update(channel="own_shop", number=f"M{next(_numbers)}")
    return body


# operation id: (method, path template, body factory, expected statuses)
MATRIX = {
    "product_list": ("get", "/products", None, statuses(200)),
    "product_detail": ("get", "/products/{product_id}", None, statuses(200)),
    "product_create": (
        "post",
        "/products",
        lambda: {"sku": f"S{next(_numbers)}", "name": "商品", "category": "CAT"},
        only(PRODUCT_WRITERS, 201),
    ),
    "customer_list": ("get", "/customers", None, statuses(200)),
    "customer_detail": ("get", "/customers/{customer_a_id}", None, statuses(200, customer_of_b=404)),
    "customer_create": (
        "post",
        "/customers",
        lambda: {"code": f"N{next(_numbers)}", "name": "新客户"},
        only(CUSTOMER_WRITERS, 201),
    ),
    "order_list": ("get", "/orders", None, statuses(200)),
    "order_detail": ("get", "/orders/{order_a_id}", None, statuses(200, customer_of_b=404)),
    "order_create": ("post", "/orders", _order_body, only(ORDER_WRITERS, 201)),
    "order_upsert": (
        "put",
        "/orders/own_shop/{number}",
        lambda: _order_body(with_identity=False),
        only(ORDER_WRITERS, 201),
    ),
    "order_bulk": ("post", "/orders/bulk", lambda: {"orders": [_order_body()]}, only(ORDER_WRITERS, 200)),
    # staff only; the system role of integrations is not staff
    "followups_due": ("get", "/followups/due", None, only(STAFF_ROLES, 200)),
}
MATRIX.update(ANALYTICS_MATRIX)
DOCS = {"/openapi.json": statuses(200, anonymous=200), "/docs": statuses(200, anonymous=200)}


@pytest.fixture
def world(db) -> World:
    make_category(code="CAT")
    product = make_product(sku="P1")
    customer_a = make_customer(code="A")
    order = make_order(customer_a, lines=[(product, 1, "10.00")])
    return World(str(product.pk), str(customer_a.pk), str(order.pk))


def _client(caller: str):
    if caller == "anonymous":
        return api_as(None)
    if caller == "customer_of_a":
        return api_as(make_user(Role.CUSTOMER, customer=Customer.objects.get(code="A")))
    if caller == "customer_of_b":
        return api_as(make_user(Role.CUSTOMER, customer=make_customer()))
    return api_as(make_user(caller))


def test_every_operation_of_the_api_is_in_the_matrix():
    operations = {
        operation.view_func.__name__
        for _prefix, router in ninja_api._routers
        for path_view in router.path_operations.values()
        for operation in path_view.operations
    }

    assert operations == (
        set(MATRIX)
        | set(CASE_MATRIX)
        | set(GOODS_MATRIX)
        | set(EXCHANGES_REPAIRS_MATRIX)
        | set(REFUND_MATRIX)
    )


@pytest.mark.parametrize("operation", list(MATRIX))
def test_given_each_caller_when_calling_the_operation_then_exactly_the_expected_status(world, operation):
    method, template, body, expected = MATRIX[operation]

    actual = {}
    for caller in CALLERS:
        path = template.format(**vars(world), number=f"U{next(_numbers)}")
        client = _client(str(caller))
        response = client.get(path) if method == "get" else client.call(method, path, body())
        actual[str(caller)] = response.status_code

    assert actual == expected


@pytest.mark.parametrize("path", list(DOCS))
def test_given_each_caller_when_fetching_the_docs_then_they_are_public(world, path):
    actual = {str(caller): _client(str(caller)).get(path).status_code for caller in CALLERS}

    assert actual == DOCS[path]
