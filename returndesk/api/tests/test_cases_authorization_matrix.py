"""Who may call what on cases: every cases operation × every kind of caller → the exact status.

Callers as in test_authorization_matrix.py: anonymous; a customer sign-in of account A (whose
cases the URLs name) and of another account B; each staff role; the system role. Each caller
that gets past the role check acts on a fresh case in the status the operation needs, so one
caller's success never changes what the next one meets. The expected statuses are written out
here, not derived from the workflow declaration, so a change of the declaration shows up.
test_authorization_matrix.py checks that every operation of the API is in one of the two tables.
"""

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from returndesk.accounts.roles import Role
from returndesk.cases import services
from returndesk.cases.models import Case
from returndesk.catalog.models import Customer, CustomerType
from returndesk.catalog.tests.factories import make_customer
from returndesk.inspection.tests.helpers import units_payload

from . import cases_helpers as h
from .conftest import api_as, make_user

pytestmark = pytest.mark.django_db

CALLERS = [
    "anonymous",
    "customer_of_a",
    "customer_of_b",
    *(str(role) for role in h.STAFF),
    str(Role.SYSTEM),
]


def table(default: int = 403, **by_caller: int) -> dict[str, int]:
    """`default` for every signed-in caller, 401 for anonymous, overrides by caller name."""
    expected = dict.fromkeys(CALLERS, default)
    expected["anonymous"] = 401
    expected.update(by_caller)
    return expected


def allowed(*callers: str, status: int = 200, **others: int) -> dict[str, int]:
    """403 for everyone signed in except `callers` (→ status) and the overrides."""
    return table(403, **dict.fromkeys(callers, status), **others)


STAFF_ALL = tuple(str(role) for role in h.STAFF)
# Those who see case A: all staff, the system and A's own sign-in; B meets a missing case.
SEES_A = {**dict.fromkeys(STAFF_ALL, 200), "customer_of_a": 200, "customer_of_b": 404, "system": 200}
# Who writes on the timeline: staff and the case's customer; the system is neither (service: 403).
WRITES_ON_A = {**SEES_A, "system": 403}
CUSTOMER_SIDE = ("customer_of_a", "agent", "supervisor", "sales")


@dataclass
class World:
    staff: h.Staff
    customer: Customer  # account A
    order_line_id: str  # an order line of A with plenty returnable, for create and eligibility
    bystander: Case  # a submitted case of A with a photo, for reads and refused calls


@dataclass
class Row:
    method: str
    path: Callable[[Case], str]
    expected: dict[str, int]
    setup: Callable[[World], Case] | None = None  # a fresh case per caller; None: the bystander
    body: Callable[[World, Case], dict] | None = None
    multipart: bool = False


def fresh(type: str = "return_refund", reason: str = "Q01", unit_price: str = "100.00", customer=None):
    def make(world: World) -> Case:
        owner = customer(world) if customer else world.customer
        line = h.order_line(owner, quantity=1, unit_price=unit_price)
        return h.open_case(
            world.staff.user(Role.AGENT),
            owner,
            line if type not in {"consultation", "acceptance"} else None,
            type=type,
            reason=reason,
        )

    return make


def then(make: Callable[[World], Case], *steps: Callable) -> Callable[[World], Case]:
    def walk(world: World) -> Case:
        case = make(world)
        for step in steps:
            step(case, world.staff)
        return case

    return walk


def _repairing(case: Case, staff: h.Staff) -> None:
    h.diagnosed(case, staff)
    services.case_start_repair(case=case, actor=staff.user(Role.QC))


def _visit_scheduled(case: Case, staff: h.Staff) -> None:
    services.case_schedule_visit(
        case=case, actor=staff.user(Role.AGENT), visit_at="2026-12-01T10:00:00+08:00", technician="王工"
    )


def _closed(case: Case, staff: h.Staff) -> None:
    services.case_close(case=case, actor=staff.user(Role.AGENT))


def _distributor(world: World) -> Customer:
    return make_customer(type=CustomerType.DISTRIBUTOR)


def action(name: str) -> Callable[[Case], str]:
    return lambda case: f"/cases/{case.pk}/actions/{name}"


def static(body: dict) -> Callable[[World, Case], dict]:
    return lambda world, case: body


def _new_case_body(world: World, case: Case) -> dict:
    return {
        "customer": "A",
        "type": "return_refund",
        "lines": [{"order_line": world.order_line_id, "quantity": 1, "reason": "Q01"}],
    }


SHIPMENT = {"carrier": "SF", "tracking_number": "SF1234567890123"}
CAUSE = {"is_our_product": True, "stage": "design", "responsible_department": "研发部", "handling": "改版"}
REJECTION = {"reason": "超出期限", "alternative": "付费维修"}
SUBMITTED = fresh()
GOODS_APPROVED = then(fresh(), h.approved)
REFUND_ONLY_APPROVED = then(fresh("refund_only"), h.approved)
CLOSED = then(fresh(), h.rejected, _closed)

# operation id (the view function's name): how to call it and who gets what
CASE_MATRIX: dict[str, Row] = {
    "case_list": Row("get", lambda case: "/cases", table(200)),
    "case_detail": Row("get", lambda case: f"/cases/{case.pk}", table(**SEES_A)),
    "case_create": Row(
        "post", lambda case: "/cases", allowed(*CUSTOMER_SIDE, "system", status=201, customer_of_b=422), body=_new_case_body
    ),
    "eligibility": Row(
        "post", lambda case: "/eligibility", allowed(*CUSTOMER_SIDE, "system", customer_of_b=422), body=_new_case_body
    ),
    "case_action_approve": Row(
        "post", action("approve"), allowed("agent", "supervisor", "sales"),
        then(SUBMITTED, lambda case, staff: h.with_photo(case, staff.user(Role.AGENT))),
        static({"solution": "pickup"}),
    ),
    "case_action_confirm_solution": Row(
        "post", action("confirm_solution"), allowed(*CUSTOMER_SIDE, customer_of_b=404), GOODS_APPROVED, static({})
    ),
    "case_action_decline_solution": Row(
        "post", action("decline_solution"), allowed(*CUSTOMER_SIDE, customer_of_b=404), GOODS_APPROVED,
        static({"reason": "想要上门取件"}),
    ),
    "case_action_ship_back": Row(
        "post", action("ship_back"), allowed(*CUSTOMER_SIDE, "warehouse", customer_of_b=404),
        then(fresh(), h.solution_confirmed), static(SHIPMENT),
    ),
    "case_action_receive": Row(
        "post", action("receive"), allowed("warehouse"), then(fresh(), h.shipped),
        lambda world, case: {"received": {str(line.pk): 1 for line in case.lines.all()}},
    ),
    "case_action_inspect": Row(
        "post", action("inspect"), allowed("warehouse", "qc"), then(fresh(), h.received),
        lambda world, case: {"units": units_payload(case)},
    ),
    "case_action_confirm_cause": Row(
        "post", action("confirm_cause"), allowed("qc"), then(fresh(), h.inspected), static(CAUSE)
    ),
    "case_action_gm_approve": Row(
        "post", action("gm_approve"), allowed("gm"),
        then(fresh("refund_only", unit_price="6000.00"), h.approved),  # above the GM amount
        static({"opinion": "同意"}),
    ),
    "case_action_gm_reject": Row(
        "post", action("gm_reject"), allowed("gm", "supervisor"), REFUND_ONLY_APPROVED, static(REJECTION)
    ),
    "case_action_refund": Row(
        "post", action("refund"), allowed("finance"), REFUND_ONLY_APPROVED, static({"reference": "CN-0001"})
    ),
    "case_action_ship_replacement": Row(
        "post", action("ship_replacement"), allowed("warehouse"), then(fresh("exchange"), h.reserved),
        static({"carrier": "SF", "tracking_number": "SF1234567890124"}),
    ),
    "case_action_start_repair": Row(
        "post", action("start_repair"), allowed("qc"), then(fresh("repair"), h.diagnosed), static({})
    ),
    "case_action_finish_repair": Row(
        "post", action("finish_repair"), allowed("qc", "warehouse"),
        then(fresh("repair"), _repairing), static({"result": "更换主板", "outcome": "fixed", **SHIPMENT}),
    ),
    "case_action_answer": Row(
        "post", action("answer"), allowed("agent", "supervisor"), fresh("consultation"),
        static({"answer": "请先充电 30 分钟"}),
    ),
    "case_action_schedule_visit": Row(
        "post", action("schedule_visit"), allowed("agent", "supervisor"), fresh("acceptance"),
        static({"visit_at": "2026-12-01T10:00:00+08:00", "technician": "王工"}),
    ),
    "case_action_record_inspection": Row(
        "post", action("record_inspection"), allowed("agent", "supervisor", "warehouse", "qc"),
        then(fresh("acceptance"), _visit_scheduled), static({"result": "passed"}),
    ),
    "case_action_reject": Row(
        "post", action("reject"), allowed("agent", "supervisor", "sales"), SUBMITTED, static(REJECTION)
    ),
    "case_action_appeal": Row(
        "post", action("appeal"), allowed(*CUSTOMER_SIDE, customer_of_b=404), then(fresh(), h.rejected),
        static({"reason": "不同意"}),
    ),
    "case_action_uphold_rejection": Row(
        "post", action("uphold_rejection"), allowed("supervisor"), then(fresh(), h.appealed),
        static({"opinion": "维持"}),
    ),
    "case_action_overturn_rejection": Row(
        "post", action("overturn_rejection"), allowed("supervisor"), then(fresh(), h.appealed),
        static({"opinion": "撤销"}),
    ),
    "case_action_cancel": Row(
        "post", action("cancel"), allowed(*CUSTOMER_SIDE, customer_of_b=404), SUBMITTED,
        static({"reason": "不需要了"}),
    ),
    # The two-sided timeouts are the system's own (the worker, actor None): no API caller may
    # fire them, an integration user with the system role neither.
    "case_action_expire": Row("post", action("expire"), allowed(), None, static({"reason": "超时"})),
    "case_action_auto_refund": Row("post", action("auto_refund"), allowed(), None, static({"reference": "AUTO-1"})),
    # A refund's outcome comes from the payment providers: the system moves the case, nobody else.
    "case_action_refund_complete": Row("post", action("refund_complete"), allowed(), None, static({})),
    "case_action_refund_fail": Row("post", action("refund_fail"), allowed(), None, static({})),
    "case_action_close": Row(
        "post", action("close"), allowed("agent", "supervisor", "sales"), then(fresh(), h.rejected),
        static({}),
    ),
    "case_action_reopen": Row(
        "post", action("reopen"), allowed("supervisor"), then(fresh(), h.rejected, _closed),
        static({"reason": "客户补充了证据"}),
    ),
    "case_assign": Row(
        "post", lambda case: f"/cases/{case.pk}/assign", allowed(*STAFF_ALL), SUBMITTED,
        lambda world, case: {"assignee": world.staff.user(Role.AGENT).username},
    ),
    "case_set_priority": Row(
        "post", lambda case: f"/cases/{case.pk}/priority", allowed("agent", "supervisor", "sales"), SUBMITTED,
        static({"priority": "high"}),
    ),
    "case_add_note": Row(
        "post", lambda case: f"/cases/{case.pk}/notes", table(**WRITES_ON_A), SUBMITTED, static({"text": "已联系客户"})
    ),
    "case_waive_evidence": Row(
        "post", lambda case: f"/cases/{case.pk}/waive-evidence", allowed("agent", "supervisor", "sales"),
        SUBMITTED, static({"reason": "电话中已确认故障"}),
    ),
    "case_policy_override": Row(
        "post", lambda case: f"/cases/{case.pk}/policy-override", allowed("supervisor", "sales", "gm"),
        fresh(reason="C02", customer=_distributor),  # a non-quality distributor return: refused at review
        static({"reason": "总经理特批"}),
    ),
    "case_timeline": Row("get", lambda case: f"/cases/{case.pk}/timeline", table(**SEES_A)),
    "followup_detail": Row("get", lambda case: f"/cases/{case.pk}/followup", table(**SEES_A), CLOSED),
    "survey_submit": Row(
        "post", lambda case: f"/cases/{case.pk}/survey", allowed("customer_of_a", customer_of_b=404), CLOSED,
        static({"rating": 5, "resolved": True, "comment": "满意"}),
    ),
    "followup_call": Row(
        "post", lambda case: f"/cases/{case.pk}/followup-calls", allowed("agent", "supervisor", "sales"), CLOSED,
        static({"outcome": "unreachable", "note": "无人接听"}),
    ),
    "attachment_upload": Row(
        "post", lambda case: f"/cases/{case.pk}/attachments",
        table(**{**WRITES_ON_A, **dict.fromkeys(STAFF_ALL, 201), "customer_of_a": 201}), SUBMITTED, multipart=True,
    ),
    "attachment_list": Row("get", lambda case: f"/cases/{case.pk}/attachments", table(**SEES_A)),
    "attachment_download": Row(
        "get", lambda case: f"/cases/{case.pk}/attachments/{case.attachments.get().pk}/download", table(**SEES_A)
    ),
}  # fmt: skip


@pytest.fixture
def world(db) -> World:
    h.load_reasons()
    staff = h.Staff()
    customer = make_customer(code="A")
    line = h.order_line(customer, quantity=20)
    bystander = h.with_photo(
        h.open_case(staff.user(Role.AGENT), customer, h.order_line(customer)), staff.user(Role.AGENT)
    )
    return World(staff, customer, str(line.pk), bystander)


def _client(world: World, caller: str):
    if caller == "anonymous":
        return api_as(None)
    if caller == "customer_of_a":
        return api_as(make_user(Role.CUSTOMER, customer=world.customer))
    if caller == "customer_of_b":
        return api_as(make_user(Role.CUSTOMER, customer=make_customer()))
    return api_as(make_user(caller))


def _call(world: World, row: Row, caller: str) -> int:
    refused_early = row.expected[caller] in {401, 403}
    case = world.bystander if refused_early or row.setup is None else row.setup(world)
    client = _client(world, caller)
    path = row.path(case)
    if row.method == "get":
        return client.get(path).status_code
    if row.multipart:
        return h.upload(client, case.pk, h.png_upload()).status_code
    return client.post(path, row.body(world, case)).status_code


@pytest.mark.parametrize("operation", list(CASE_MATRIX))
def test_given_each_caller_when_calling_the_cases_operation_then_exactly_the_expected_status(
    world, operation
):
    row = CASE_MATRIX[operation]

    actual = {caller: _call(world, row, caller) for caller in CALLERS}

    assert actual == row.expected
