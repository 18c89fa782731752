"""Fixtures of the desk's page tests: one user per department (with a password, for the browser
tests), customers of each type, orders made by the real order service, and helpers that walk a
case through the real case services to the stage a page is about."""

from __future__ import annotations

from decimal import Decimal

import pytest

from returndesk.accounts.models import Team, User
from returndesk.accounts.roles import Role
from returndesk.cases import services
from returndesk.cases.models import Case
from returndesk.cases.tests.helpers import add_photo, tiny_png
from returndesk.catalog.models import CustomerType
from returndesk.catalog.tests.factories import make_customer, make_product
from returndesk.inspection.tests.helpers import (  # noqa: F401 (autouse: checklist, default warehouse)
    default_warehouse,
    goods_reference_data,
    units_payload,
)
from returndesk.orders.tests.factories import make_order

PASSWORD = "pw-for-tests-only-9"

__all__ = ["PASSWORD", "add_photo", "tiny_png"]


def make_user(username: str, role: str, customer=None, **kw) -> User:
    # accounts has no user service yet; create_user is the write the admin itself uses.
    return User.objects.create_user(username=username, password=PASSWORD, role=role, customer=customer, **kw)


@pytest.fixture
def team(db):
    return Team.objects.create(name="客服一组", role=Role.AGENT)


@pytest.fixture
def agent(team):
    return make_user("agent1", Role.AGENT, last_name="王", first_name="芳", team=team)


@pytest.fixture
def agent2(team):
    return make_user("agent2", Role.AGENT, team=team)


@pytest.fixture
def supervisor(team):
    return make_user("supervisor", Role.SUPERVISOR, team=team)


@pytest.fixture
def sales(db):
    return make_user("sales", Role.SALES)


@pytest.fixture
def warehouse(db):
    return make_user("warehouse", Role.WAREHOUSE)


@pytest.fixture
def qc(db):
    return make_user("qc", Role.QC)


@pytest.fixture
def gm(db):
    return make_user("gm", Role.GM)


@pytest.fixture
def finance(db):
    return make_user("finance", Role.FINANCE)


@pytest.fixture
def return_warehouse(db):
    """The default return warehouse every goods test has (inspection.tests.helpers)."""
    return default_warehouse()


@pytest.fixture
def consumer(db):
    return make_customer(name="张伟", code="C0001", phone="13800000001", email="zhangwei@example.com")


@pytest.fixture
def customer_user(consumer):
    return make_user("zhangwei", Role.CUSTOMER, customer=consumer)


@pytest.fixture
def other_consumer(db):
    return make_customer(name="李娜", code="C0002", phone="13800000002")


@pytest.fixture
def distributor(db):
    return make_customer(
        type=CustomerType.DISTRIBUTOR, name="成都蓉信数码", code="D001", phone="028-66660001"
    )


@pytest.fixture
def distributor_user(distributor):
    return make_user("dealer", Role.DISTRIBUTOR, customer=distributor)


def order_line(customer, *, quantity=2, unit_price="1999.00", number=None, serials=(), product=None):
    kw = {"number": number} if number else {}
    order = make_order(
        customer=customer,
        lines=[{
            "product": product or make_product(name="星锐14 笔记本电脑", name_en="Xingrui 14 laptop"),
            "quantity": quantity, "unit_price": unit_price, "serial_numbers": list(serials),
        }],
        **kw,
    )  # fmt: skip
    return order.lines.get()


def open_return(
    *, actor, customer, line, quantity=1, reason="Q01", type="return_refund", channel="phone", **kw
) -> Case:
    return services.case_create(
        actor=actor, customer=customer, type=type, channel=channel,
        lines=[{"order_line": line, "quantity": quantity, "reason": reason}], description="开不了机", **kw,
    )  # fmt: skip


def to_in_transit(case: Case, *, agent, tracking="SF1234567890123") -> Case:
    """Approve with self-ship (after the photo a quality claim needs), confirm for the customer, ship."""
    if (case.policy_decision or {}).get("evidence_required") and not case.attachments.exists():
        add_photo(case, agent)
    services.case_approve(case=case, actor=agent, solution="self_ship")
    services.case_confirm_solution(case=case, actor=agent)
    services.case_ship_back(case=case, actor=agent, carrier="SF", tracking_number=tracking)
    return case


def to_received(case: Case, *, agent, warehouse, tracking="SF1234567890123") -> Case:
    to_in_transit(case, agent=agent, tracking=tracking)
    services.case_receive(
        case=case, actor=warehouse, received={str(line.id): line.quantity for line in case.lines.all()}
    )
    return case


def to_inspected(case: Case, *, agent, warehouse, tracking="SF1234567890123", **unit) -> Case:
    """Received, then every unit graded A and accepted with every check passed (seed S9 step 6)."""
    to_received(case, agent=agent, warehouse=warehouse, tracking=tracking)
    services.case_inspect(case=case, actor=warehouse, units=units_payload(case, **unit))
    return case


def to_cause_confirmed(case: Case, *, agent, warehouse, qc, tracking="SF1234567890123") -> Case:
    to_inspected(case, agent=agent, warehouse=warehouse, tracking=tracking)
    services.case_confirm_cause(
        case=case, actor=qc, is_our_product=True, stage="production", responsible_department="生产部",
        handling="返修后入库",
    )  # fmt: skip
    return case


MONEY = Decimal
