"""The refunds API: who may call what (REFUND_MATRIX, merged into the completeness check of
test_authorization_matrix.py), and what each operation answers."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import date

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from returndesk.accounts.roles import Role
from returndesk.cases import services
from returndesk.catalog.models import Customer
from returndesk.catalog.tests.factories import make_customer
from returndesk.refunds import simulated_gateway as gateway
from returndesk.refunds.models import CreditNote, CreditNoteExport, Refund

from . import cases_helpers as h
from .conftest import api_as, make_user

pytestmark = pytest.mark.django_db

CALLERS = [
    "anonymous", "customer_of_a", "customer_of_b", *(str(role) for role in h.STAFF), str(Role.SYSTEM),
]  # fmt: skip
STAFF_ALL = tuple(str(role) for role in h.STAFF)
PAYEE = {"account_name": "客户A", "bank": "招商银行", "account_number": "6225880155556666"}


def table(default: int = 403, **by_caller: int) -> dict[str, int]:
    expected = dict.fromkeys(CALLERS, default)
    expected["anonymous"] = 401
    expected.update(by_caller)
    return expected


SEES_A = {**dict.fromkeys(STAFF_ALL, 200), "customer_of_a": 200, "customer_of_b": 404, "system": 200}
LEDGER = {"finance": 200, "gm": 200, "system": 200}


@dataclass
class World:
    staff: h.Staff
    customer: Customer
    case_id: str  # 退款中: a bank transfer awaiting finance
    refund_id: str
    credit_note_id: str
    export_id: str


def _refund_only(staff: h.Staff, customer: Customer, quantity: int = 1):
    case = h.open_case(
        staff.user(Role.AGENT), customer, h.order_line(customer, quantity=5), type="refund_only"
    )
    h.approved(case, staff)
    return case


@pytest.fixture
def world(db) -> World:
    h.load_reasons()
    staff = h.Staff()
    customer = make_customer(code="A")
    finance = staff.user(Role.FINANCE)
    paid = _refund_only(staff, customer)
    services.case_refund(case=paid, actor=finance)  # the gateway pays at once: a credit note
    export = CreditNoteExport.objects.create(
        number="EX-TEST-1", date_from=date(2026, 1, 1), date_to=date(2026, 12, 31), created_by=finance
    )
    CreditNote.objects.update(export=export)
    pending = _refund_only(staff, customer)
    services.case_refund(case=pending, actor=finance, route="bank_transfer", reference="JV-9", **PAYEE)
    return World(
        staff, customer, str(pending.pk), str(Refund.objects.get(case=pending).pk),
        str(CreditNote.objects.get().pk), str(export.pk),
    )  # fmt: skip


# operation id: (method, path, body, expected)
REFUND_MATRIX = {
    "refund_list": ("get", "/refunds", None, table(200)),
    "refund_detail": ("get", "/refunds/{refund_id}", None, table(**SEES_A)),
    "refund_execute": ("post", "/refunds/{refund_id}/execute", {}, table(finance=200)),
    "refund_confirm": ("post", "/refunds/{refund_id}/confirm", {"reference": "CMB-0001"}, table(finance=200)),
    "refund_fail": ("post", "/refunds/{refund_id}/fail", {"reason": "银行退票"}, table(finance=200)),
    "case_refund": ("get", "/cases/{case_id}/refund", None, table(**SEES_A)),
    # Signed by the gateway, not by a token: an unsigned call is refused whoever sends it.
    "refund_gateway_callback": ("post", "/refunds/callbacks/gateway", {}, table(403, anonymous=403)),
    "credit_note_list": ("get", "/credit-notes", None, table(**LEDGER)),
    "credit_note_detail": ("get", "/credit-notes/{credit_note_id}", None, table(**LEDGER)),
    "credit_note_export_create": (
        "post", "/credit-note-exports", {"date_from": "2026-01-01", "date_to": "2026-12-31"},
        table(finance=201, system=201),
    ),
    "credit_note_export_list": ("get", "/credit-note-exports", None, table(**LEDGER)),
    "credit_note_export_csv": ("get", "/credit-note-exports/{export_id}/csv", None, table(**LEDGER)),
    "store_credit": ("get", "/store-credit/A", None, table(**SEES_A)),
}  # fmt: skip


def _client(world: World, caller: str):
    if caller == "anonymous":
        return api_as(None)
    if caller == "customer_of_a":
        return api_as(make_user(Role.CUSTOMER, customer=world.customer))
    if caller == "customer_of_b":
        return api_as(make_user(Role.CUSTOMER, customer=make_customer()))
    return api_as(make_user(caller))


@pytest.mark.parametrize("operation", list(REFUND_MATRIX))
def test_given_each_caller_when_calling_the_refunds_operation_then_exactly_the_expected_status(
    world, operation
):
    method, template, body, expected = REFUND_MATRIX[operation]
    path = template.format(**vars(world))

    actual = {}
    for caller in CALLERS:
        client = _client(world, caller)
        response = client.get(path) if method == "get" else client.call(method, path, body)
        actual[caller] = response.status_code

    assert actual == expected


# --- behaviour ------------------------------------------------------------------------------


def test_given_a_refund_started_over_the_api_when_the_gateway_succeeds_then_the_answer_shows_it_refunded(db):
    h.load_reasons()
    staff = h.Staff()
    customer = make_customer()
    case = _refund_only(staff, customer, quantity=2)

    response = staff.api(Role.FINANCE).post(f"/cases/{case.pk}/actions/refund", {"route": "original"})

    assert response.status_code == 200, response.json()
    assert (response.json()["status"], response.json()["refund_amount"]) == ("refunded", "100.00")
    overview = staff.api(Role.FINANCE).get(f"/cases/{case.pk}/refund").json()
    assert [(r["route"], r["method"], r["status"], r["amount"]) for r in overview["refunds"]] == [
        ("original", "alipay", "succeeded", "100.00")
    ]
    assert overview["calculations"][0]["goods_net"] == "88.50"
    assert overview["credit_notes"][0]["number"] == response.json()["refund_reference"]


def test_given_a_pending_bank_transfer_when_the_customer_reads_the_case_refund_then_the_promise_and_the_masked_payee_show(
    world,
):
    customer_api = api_as(make_user(Role.CUSTOMER, customer=world.customer))
    agent_api = world.staff.api(Role.AGENT)

    mine = customer_api.get(f"/cases/{world.case_id}/refund").json()
    (refund,) = mine["refunds"]
    today = timezone.localdate()
    assert (mine["case_status"], refund["status"], refund["route"]) == (
        "refund_pending",
        "pending",
        "bank_transfer",
    )
    assert date.fromisoformat(refund["expected_earliest"]) > today
    assert mine["expected_by"] == refund["expected_latest"]
    assert refund["payee"] == PAYEE  # the customer's own account
    assert (refund["flagged"], refund["flag_reason"], refund["finance_reference"]) == (False, "", "")
    assert mine["credit_notes"] == []  # the ledger is staff's
    seen_by_agent = agent_api.get(f"/refunds/{world.refund_id}").json()
    assert (seen_by_agent["payee"]["account_number"], seen_by_agent["finance_reference"]) == (
        "****6666",
        "JV-9",
    )


def test_given_a_pending_bank_transfer_when_finance_confirms_it_twice_then_the_second_is_refused(world):
    finance_api = world.staff.api(Role.FINANCE)

    first = finance_api.post(f"/refunds/{world.refund_id}/confirm", {"reference": "CMB-77"})
    second = finance_api.post(f"/refunds/{world.refund_id}/confirm", {"reference": "CMB-78"})

    assert (first.status_code, first.json()["status"], first.json()["provider_reference"]) == (
        200,
        "succeeded",
        "CMB-77",
    )
    assert (second.status_code, second.json()["code"]) == (409, "refund.not_pending")
    assert finance_api.get(f"/cases/{world.case_id}/refund").json()["case_status"] == "refunded"


def test_given_a_gateway_refund_when_finance_confirms_it_by_hand_then_refused_as_not_manual(world):
    refund = Refund.objects.exclude(pk=world.refund_id).get()

    response = world.staff.api(Role.FINANCE).post(f"/refunds/{refund.pk}/confirm", {"reference": "X"})

    assert (response.status_code, response.json()["code"]) == (409, "refund.not_manual")


def test_given_a_signed_gateway_callback_when_posted_without_a_token_then_it_is_applied(db):
    h.load_reasons()
    staff = h.Staff()
    case = _refund_only(staff, make_customer())
    gateway.gateway_script("pending")
    services.case_refund(case=case, actor=staff.user(Role.FINANCE))
    txn = gateway.query(merchant_key=Refund.objects.get(case=case).idempotency_key)
    body = json.dumps({**txn, "status": "succeeded"}).encode()

    response = Client().post(
        "/api/v1/refunds/callbacks/gateway",
        data=body,
        content_type="application/json",
        headers=gateway.signed(body),
    )

    assert (response.status_code, response.json()) == (200, {"outcome": "applied"})
    case.refresh_from_db()
    assert case.status == "refunded"


def test_given_credit_notes_when_exported_over_the_api_then_the_csv_downloads_the_same_twice(world):
    finance_api = world.staff.api(Role.FINANCE)
    CreditNote.objects.update(export=None)

    created = finance_api.post("/credit-note-exports", {"date_from": "2026-01-01", "date_to": "2099-12-31"})
    again = finance_api.post("/credit-note-exports", {"date_from": "2026-01-01", "date_to": "2099-12-31"})
    download = finance_api.get(created.json()["csv_path"].removeprefix("/api/v1"))

    assert (created.status_code, created.json()["notes_count"], again.json()["notes_count"]) == (201, 1, 0)
    assert download["Content-Type"] == "text/csv; charset=utf-8"
    assert download.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert [row[9] for row in rows[1:]] == ["6001", "22210106", "1002"]
    assert finance_api.get(created.json()["csv_path"].removeprefix("/api/v1")).content == download.content
    bad = finance_api.post("/credit-note-exports", {"date_from": "2026-12-31", "date_to": "2026-01-01"})
    assert (bad.status_code, bad.json()["code"]) == (422, "refund.export_range")


def test_given_many_refunds_when_listed_then_the_query_count_does_not_grow_with_the_page(world):
    finance_api = world.staff.api(Role.FINANCE)
    finance_api.get("/refunds?limit=1")  # token lookup and settings rows warmed up

    with CaptureQueriesContext(connection) as one:
        assert len(finance_api.get("/refunds?limit=1").json()["items"]) == 1
    for _ in range(4):
        services.case_refund(
            case=_refund_only(world.staff, world.customer), actor=world.staff.user(Role.FINANCE)
        )
    with CaptureQueriesContext(connection) as many:
        assert len(finance_api.get("/refunds?limit=50").json()["items"]) == 6

    assert len(many) == len(one)
