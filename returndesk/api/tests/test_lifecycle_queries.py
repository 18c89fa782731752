"""The SQL each request of the benchmarked return lifecycle runs (bench/loadgen.py; docs/benchmarks.md),
counted exactly, so a change that adds a query to the hot path fails here and is a decision,
not an accident. Every statement counts: the token lookup, BEGIN/COMMIT and savepoints, the
Idempotency-Key claim and stored answer, the case row lock, the event, the outbox row, the SLA
clocks and deadlines, and the reads of the answer.

The second lifecycle is counted: the first one also writes what a warm server has already
written (the day's case-number counter, each token's last-used time). Real commits
(transactional_db), as the served app runs them: in a test transaction every atomic
block would be a savepoint and the counts would be those of no real request. The huey wake-up is
queued, not run inline (the test settings run tasks immediately, which would count the worker's
delivery queries as the request's).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from huey.contrib.djhuey import HUEY

from returndesk.accounts.roles import Role
from returndesk.cases.models import Case, CaseEvent, CaseSettings
from returndesk.catalog.tests.factories import make_customer
from returndesk.followups.models import FollowUpSettings
from returndesk.notifications.models import OutboxMessage
from returndesk.policies.services import policy_version_current
from returndesk.refunds.models import RefundSettings
from returndesk.sla.models import CaseDeadline, SlaTarget

from .cases_helpers import load_reasons, order_line
from .conftest import api_as, make_user

# A Wednesday, working hours, in a year chinese-calendar knows: the SLA computations take their
# usual path (no CalendarOutOfRange), so the counts do not depend on the day the suite runs.
NOW = datetime(2026, 11, 18, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))

# Statements per request on SQLite. PostgreSQL runs the same ones (Django logs BEGIN on both),
# plus the SET LOCAL that lets the Idempotency-Key claim commit without a disk flush (POSTs).
EXPECTED = {
    "POST /cases": 29,
    "POST approve": 23,
    "POST confirm_solution": 25,
    "POST ship_back": 20,
    "GET /cases/{id}": 3,
    "POST receive": 34,
    "GET /cases/{id}/receipt": 7,
    "POST inspect": 36,
    "POST refund": 87,  # the refund is computed and recorded, then (after the commit) the provider is
    # called and its answer completes the refund: credit note, journal lines, refund_complete
    "GET /cases/{id} refunded": 3,
    "POST close": 24,
}


@pytest.fixture
def queued_wakeups():
    """Queue huey tasks instead of running them inside the request (the test settings' default)."""
    HUEY.immediate = False
    try:
        yield
    finally:
        HUEY.flush()
        HUEY.immediate = True


class Walk:
    """The lifecycle of bench/loadgen.py over the API, recording each request's SQL."""

    def __init__(self) -> None:
        load_reasons()
        # A configured install has its settings rows and a published policy (created on first
        # use: that write gives their caches a new token, which a warm server has long seen).
        for settings_model in (CaseSettings, RefundSettings, FollowUpSettings):
            settings_model.current()
        policy_version_current()  # and its first policy version
        customer = make_customer()
        self.line = order_line(customer, quantity=10, unit_price="99.00")
        self.customer = api_as(make_user(Role.CUSTOMER, customer=customer))
        self.staff = {role: api_as(make_user(role)) for role in (Role.AGENT, Role.WAREHOUSE, Role.FINANCE)}
        self.queries: dict[str, list[str]] = {}
        self.etag = None
        self.case_id = None

    def request(self, name: str, api, method: str, path: str, body=None, *, case_answer: bool = True):
        headers = {}
        if method == "post":
            headers["Idempotency-Key"] = str(uuid.uuid4())
            if self.etag:
                headers["If-Match"] = self.etag
        with CaptureQueriesContext(connection) as captured:
            response = api.get(path) if method == "get" else api.post(path, body, **headers)
        assert response.status_code in (200, 201), response.content
        self.queries[name] = [query["sql"] for query in captured.captured_queries]
        if case_answer:  # the version the next action sends as If-Match
            self.etag = response["ETag"]
        return response.json()

    def act(self, action: str, api, body=None):
        return self.request(
            f"POST {action}", api, "post", f"/cases/{self.case_id}/actions/{action}", body or {}
        )

    def run(self) -> dict:
        self.etag = None
        answers = {}
        created = self.request(
            "POST /cases",
            self.customer,
            "post",
            "/cases",
            {
                "type": "return_refund",
                "lines": [{"order_line": str(self.line.id), "quantity": 1, "reason": "C01"}],
                "description": "七天无理由",
            },
        )
        self.case_id = created["id"]
        answers["create"] = created
        answers["approve"] = self.act("approve", self.staff[Role.AGENT], {"solution": "self_ship"})
        answers["confirm_solution"] = self.act("confirm_solution", self.customer)
        answers["ship_back"] = self.act(
            "ship_back", self.customer, {"carrier": "SF", "tracking_number": "SF1234567890123"}
        )
        answers["detail"] = self.request(
            "GET /cases/{id}", self.staff[Role.WAREHOUSE], "get", f"/cases/{self.case_id}"
        )
        line_id = answers["detail"]["lines"][0]["id"]
        answers["receive"] = self.act("receive", self.staff[Role.WAREHOUSE], {"received": {line_id: 1}})
        receipt = self.request(
            "GET /cases/{id}/receipt",
            self.staff[Role.WAREHOUSE],
            "get",
            f"/cases/{self.case_id}/receipt",
            case_answer=False,
        )
        units = [
            {"unit": unit["id"], "grade": "A", "outcome": "accepted", "disposition": "restock",
             "checks": {point["code"]: True for point in line["checklist"]}}
            for line in receipt["lines"]
            for unit in line["units"]
        ]  # fmt: skip
        answers["inspect"] = self.act("inspect", self.staff[Role.WAREHOUSE], {"units": units})
        answers["refund"] = self.act("refund", self.staff[Role.FINANCE], {"reference": "CN-1"})
        # The provider is called once the request's transaction has committed (refunds are
        # asynchronous); the agent reads the case again for its new version before closing.
        answers["refunded"] = self.request(
            "GET /cases/{id} refunded", self.staff[Role.AGENT], "get", f"/cases/{self.case_id}"
        )
        answers["close"] = self.act("close", self.staff[Role.AGENT])
        return answers


@time_machine.travel(NOW, tick=False)
def test_given_the_benchmarked_lifecycle_when_walked_over_the_api_then_each_request_runs_exactly_its_queries(
    transactional_db, queued_wakeups
):
    walk = Walk()
    walk.run()  # warm-up: the first case of the day, each token's first use (last_used_at)
    answers = walk.run()

    counts = {name: len(sql) for name, sql in walk.queries.items()}
    postgresql = connection.vendor == "postgresql"
    expected = {name: n + (postgresql and name.startswith("POST")) for name, n in EXPECTED.items()}
    assert counts == expected, f"{counts}\n\n" + "\n\n".join(
        f"{name}: {len(sql)}\n  " + "\n  ".join(s[:160] for s in sql) for name, sql in walk.queries.items()
    )
    # The answers are the case as it now is: its status, version (= ETag) and lines.
    case = Case.objects.get(id=walk.case_id)
    assert [answers[step]["status"] for step in answers] == [
        "submitted", "awaiting_customer", "awaiting_return", "in_transit", "in_transit",
        "received", "goods_inspected", "refund_pending", "refunded", "closed",
    ]  # fmt: skip
    assert [answers[step]["version"] for step in answers] == [1, 2, 3, 4, 4, 5, 6, 7, 8, 9]
    assert case.version == 9 and walk.etag == '"9"'
    assert answers["receive"]["lines"][0]["quantity_received"] == 1
    assert answers["refund"]["refund_amount"] == "99.00"
    assert answers["refund"]["lines"][0]["refund_amount"] == "99.00"
    assert answers["close"]["lines"][0]["hold_state"] == "returned"
    assert answers["close"]["actions"] == [] or all(
        a["action"] != "close" for a in answers["close"]["actions"]
    )
    # Staff see the internal record, the customer does not.
    assert answers["approve"]["staff"]["created_by"]["role"] == "customer"
    assert answers["approve"]["staff"]["cause"] is None
    assert answers["confirm_solution"]["staff"] is None
    # One event per change, in sequence; one customer message per customer-visible step.
    assert list(CaseEvent.objects.filter(case=case).order_by("sequence").values_list("sequence", "type")) == [
        (1, "created"), (2, "approve"), (3, "confirm_solution"), (4, "ship_back"), (5, "receive"),
        (6, "inspect"), (7, "refund"), (8, "refund_complete"), (9, "close"),
    ]  # fmt: skip
    assert (
        OutboxMessage.objects.filter(topic="case.customer_update", payload__case_id=str(case.id)).count() == 8
    )
    assert not CaseDeadline.objects.filter(case=case, state="pending").exists()
    assert sorted(SlaTarget.objects.filter(clock__case=case).values_list("kind", "state")) == [
        ("first_response", "met"),
        ("solution", "met"),
    ]
