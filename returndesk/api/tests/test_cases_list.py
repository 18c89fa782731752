"""GET /cases: every filter returns exactly the expected cases, keyset pagination is stable, a
page costs the same queries whatever its size, customers see only their own."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from returndesk.accounts.roles import Role
from returndesk.cases import services
from returndesk.catalog.models import CustomerType
from returndesk.catalog.tests.factories import make_customer, make_product
from returndesk.orders.tests.factories import make_order

from .cases_helpers import Staff, load_reasons, open_case, order_line, shipped
from .conftest import api_as, make_user

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day: int, hour: int = 10, minute: int = 0, second: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, second, tzinfo=SHANGHAI)


@pytest.fixture
def staff(db):
    load_reasons()
    return Staff()


@pytest.fixture
def cases(staff):
    """Four cases, one per type, with distinct customers, reasons, channels, orders, serials,
    phones, a shipment and creation times (names: their letters)."""
    agent = staff.user(Role.AGENT)
    x = make_customer(code="X", phone="13900000001")
    y = make_customer(code="Y", phone="13900000002")
    made = {}
    with time_machine.travel(at(1), tick=False):
        order = make_order(
            x,
            number="ORD-A",
            lines=[
                {
                    "product": make_product(),
                    "quantity": 2,
                    "unit_price": "100.00",
                    "serial_numbers": ["SNA1", "SNA2"],
                }
            ],
        )
        made["A"] = services.case_create(
            actor=agent, customer=x, type="return_refund", channel="web",
            lines=[{"order_line": order.lines.get(), "quantity": 1, "reason": "C02", "serial_numbers": ["SNA1"]}],
        )  # fmt: skip
    with time_machine.travel(at(2), tick=False):
        order = make_order(y, number="ORD-B")
        made["B"] = services.case_create(
            actor=agent, customer=y, type="refund_only", channel="phone", priority="urgent",
            contact_phone="13700000007", lines=[{"order_line": order.lines.get(), "quantity": 1, "reason": "D02"}],
        )  # fmt: skip
    with time_machine.travel(at(3), tick=False):
        order = make_order(
            x,
            number="ORD-C",
            lines=[
                {"product": make_product(), "quantity": 1, "unit_price": "50.00", "serial_numbers": ["SNC1"]}
            ],
        )
        made["C"] = shipped(open_case(agent, x, order.lines.get(), type="exchange", reason="Q03"), staff)
    with time_machine.travel(at(3, 23, 59, 59), tick=False):
        made["D"] = services.case_create(actor=agent, customer=y, type="consultation", channel="chat")
    return made


def numbers(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["number"] for item in response.json()["items"]]


FILTERS = [
    ("", "DCBA"),
    ("status=in_transit", "C"),
    ("status=submitted", "DBA"),
    ("type=consultation", "D"),
    ("type=refund_only", "B"),
    ("priority=urgent", "B"),
    ("reason_class=quality", "C"),
    ("reason_class=delivery", "B"),
    ("reason_class=customer", "A"),
    ("channel=chat", "D"),
    ("channel=web", "CA"),
    ("customer=Y", "DB"),
    ("order_number=ORD-B", "B"),
    ("order_number=ORD", ""),
    ("phone=13900000001", "CA"),
    ("phone=13700000007", "B"),
    ("serial=SNA1", "A"),  # claimed on the case line
    ("serial=SNC1", "C"),  # sold on the order line, not claimed
    ("serial=SNA", ""),  # whole serial numbers only
    ("serial=SNA2", "A"),  # sold on A's order line
    ("tracking_number=sf 1234 5678 90123", "C"),  # normalised like the carrier's numbers
    ("created_from=2026-11-02", "DCB"),
    ("created_to=2026-11-02", "BA"),
    ("created_to=2026-11-03", "DCBA"),  # the whole local day, up to 23:59:59
    ("created_from=2026-11-02T12:00:00%2B08:00", "DC"),
    ("created_from=2026-11-02&created_to=2026-11-03T12:00:00%2B08:00", "CB"),
    ("customer=X&status=in_transit", "C"),
    ("customer=X&type=refund_only", ""),
]


@pytest.mark.parametrize(("query", "expected"), FILTERS)
def test_given_four_cases_when_filtering_then_exactly_the_expected_cases_newest_first(
    staff, cases, query, expected
):
    response = staff.api(Role.SUPERVISOR).get(f"/cases?{query}")

    assert numbers(response) == [cases[letter].number for letter in expected]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("status=lost", "status"),
        ("reason_class=weather", "reason_class"),
        ("created_from=2026-11-02T12:00:00", "created_from"),  # a time needs its offset
        ("created_to=yesterday", "created_to"),
    ],
)
def test_given_an_invalid_filter_when_listing_then_422_naming_it(staff, query, field):
    response = staff.api(Role.SUPERVISOR).get(f"/cases?{query}")

    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} == {field}


def test_given_a_case_on_the_sla_clock_when_listing_by_sla_state_then_it_moves_from_on_track_to_warning_to_breached(
    staff,
):
    """The states come from the case's stored targets: before the earliest warning time on
    track, between warning and due time due soon, after the due time breached."""
    agent = staff.user(Role.AGENT)
    x = make_customer(code="SLA-X")
    with time_machine.travel(at(2, 9, 30), tick=False):
        order = make_order(x, number="ORD-SLA", lines=[(make_product(), 1, "100.00")])
        case = services.case_create(
            actor=agent, customer=x, type="return_refund", channel="web",
            lines=[{"order_line": order.lines.get(), "quantity": 1, "reason": "C02"}],
        )  # fmt: skip
    first = case.sla_clock.targets.order_by("due_at").first()
    api = staff.api(Role.SUPERVISOR)

    def listed(state, when):
        with time_machine.travel(when, tick=False):
            response = api.get(f"/cases?sla_state={state}")
        assert response.status_code == 200
        return [item["number"] for item in response.json()["items"]]

    before_warning = first.warn_at - timedelta(minutes=1)
    after_warning = first.warn_at + timedelta(minutes=1)
    after_due = first.due_at + timedelta(minutes=1)
    assert (listed("on_track", before_warning), listed("warning", before_warning)) == ([case.number], [])
    assert (listed("warning", after_warning), listed("on_track", after_warning)) == ([case.number], [])
    assert (listed("breached", after_due), listed("warning", after_due)) == ([case.number], [])
    assert listed("paused", after_due) == []


def test_given_an_unknown_sla_state_when_listing_then_422_naming_the_filter(staff):
    response = staff.api(Role.SUPERVISOR).get("/cases?sla_state=late")

    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["sla_state"]


def test_given_a_customer_when_listing_then_only_its_own_cases_whatever_the_filter(staff, cases):
    from returndesk.catalog.models import Customer

    customer_api = api_as(make_user(Role.CUSTOMER, customer=Customer.objects.get(code="X")))

    assert numbers(customer_api.get("/cases")) == [cases["C"].number, cases["A"].number]
    assert numbers(customer_api.get("/cases?customer=Y")) == []
    first = customer_api.get("/cases").json()["items"][0]
    assert (first["assignee"], first["team"]) == (None, None)


def test_given_cases_created_at_the_same_moment_when_paging_then_each_comes_exactly_once_in_a_stable_order(
    staff,
):
    customer = make_customer(type=CustomerType.CONSUMER)
    with time_machine.travel(at(5), tick=False):
        made = [
            open_case(staff.user(Role.AGENT), customer, order_line(customer), reason="C02") for _ in range(5)
        ]
    supervisor = staff.api(Role.SUPERVISOR)

    pages, cursor = [], None
    while True:
        body = supervisor.get("/cases?limit=2" + (f"&cursor={cursor}" if cursor else "")).json()
        pages.append([item["id"] for item in body["items"]])
        cursor = body["next_cursor"]
        if cursor is None:
            break

    expected = [str(case.pk) for case in sorted(made, key=lambda c: c.pk, reverse=True)]
    assert [len(page) for page in pages] == [2, 2, 1]
    assert [case_id for page in pages for case_id in page] == expected


def test_given_a_tampered_cursor_when_listing_then_422(staff):
    response = staff.api(Role.SUPERVISOR).get("/cases?cursor=bm90LWEtY3Vyc29y")

    assert (response.status_code, response.json()["code"]) == (422, "request.invalid_cursor")


def _queries(api, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = api.get(path)
    assert response.status_code == 200
    return len(captured)


def test_given_1_or_25_cases_when_listing_then_the_same_number_of_queries(staff):
    customer = make_customer()
    supervisor = staff.api(Role.SUPERVISOR)
    open_case(staff.user(Role.AGENT), customer, order_line(customer))
    supervisor.get("/cases")  # the token's first use records last_used_at once

    one = _queries(supervisor, "/cases?limit=50")
    for _ in range(24):
        open_case(staff.user(Role.AGENT), customer, order_line(customer), reason="C02")
    many = _queries(supervisor, "/cases?limit=50")

    assert len(supervisor.get("/cases?limit=50").json()["items"]) == 25
    assert (one, many) == (3, 3)  # the token, the page of cases (customer, assignee, team), their lines
