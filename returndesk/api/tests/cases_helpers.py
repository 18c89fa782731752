"""Shared by the cases API tests: reference data, a customer with a delivered order, staff with
token clients, and cases walked forward through the real services (to set up a status)."""

from __future__ import annotations

from importlib import import_module

from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile

from returndesk.accounts.roles import Role
from returndesk.cases import services
from returndesk.cases.models import Case
from returndesk.cases.tests.helpers import tiny_png
from returndesk.catalog.tests.factories import make_product
from returndesk.inspection.tests.helpers import load_goods_reference_data, units_payload
from returndesk.orders.models import OrderLine
from returndesk.orders.tests.factories import make_order

from .conftest import Api, api_as, make_user

REASONS_MIGRATION = "returndesk.cases.migrations.0002_default_reasons_settings_append_only_events"
STAFF = (
    Role.AGENT,
    Role.SUPERVISOR,
    Role.SALES,
    Role.WAREHOUSE,
    Role.QC,
    Role.GM,
    Role.FINANCE,
    Role.ADMIN,
)


def load_reasons() -> None:
    """The reasons and workflow settings the migration loads (idempotent; a transactional test
    flushes them)."""
    import_module(REASONS_MIGRATION).load_reasons(apps, None)
    load_goods_reference_data()  # the receipt checklist and a default return warehouse


def order_line(customer, quantity: int = 5, unit_price: str = "100.00", **kw) -> OrderLine:
    """A delivered order of `customer` with one line, made by the order service."""
    product = make_product()
    order = make_order(
        customer, lines=[{"product": product, "quantity": quantity, "unit_price": unit_price, **kw}]
    )
    return order.lines.get()


class Staff:
    """One user per role, made on first use, each with its own token client."""

    def __init__(self) -> None:
        self.users: dict[str, object] = {}
        self.clients: dict[str, Api] = {}

    def user(self, role: str):
        if role not in self.users:
            self.users[role] = make_user(role, username=f"{role}-staff")
        return self.users[role]

    def api(self, role: str) -> Api:
        if role not in self.clients:
            self.clients[role] = api_as(self.user(role))
        return self.clients[role]


def png_upload(name: str = "故障照片.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, tiny_png(), content_type="image/png")


def upload(api: Api, case_id, file: SimpleUploadedFile, **headers):
    """POST a multipart upload (the JSON helper cannot)."""
    return api.client.post(
        f"/api/v1/cases/{case_id}/attachments", data={"file": file}, headers={**api.headers, **headers}
    )


# --- walking a case forward through the services (set-up only; the tests act over HTTP) --------


def open_case(
    actor,
    customer,
    line: OrderLine | None,
    *,
    type: str = "return_refund",
    reason: str = "Q01",
    quantity: int = 1,
    **kw,
) -> Case:
    lines = [] if line is None else [{"order_line": line, "quantity": quantity, "reason": reason}]
    return services.case_create(actor=actor, customer=customer, type=type, channel="web", lines=lines, **kw)


def with_photo(case: Case, actor) -> Case:
    services.attachment_add(case=case, actor=actor, content=tiny_png(), original_name="photo.png")
    return case


def approved(case: Case, staff: Staff) -> Case:
    """Quality claims need a photo first (policy); then an agent approves (self-ship)."""
    with_photo(case, staff.user(Role.AGENT))
    solution = {} if case.type == "refund_only" else {"solution": "self_ship"}
    services.case_approve(case=case, actor=staff.user(Role.AGENT), **solution)
    return case


def pickup_inputs() -> dict:
    """A pickup tomorrow 09:00–11:00 local time by SF at a Shanghai address."""
    from returndesk.cases.tests.helpers import pickup_inputs as inputs

    return inputs("pickup")


def solution_confirmed(case: Case, staff: Staff) -> Case:
    approved(case, staff)
    services.case_confirm_solution(case=case, actor=staff.user(Role.AGENT))
    return case


def shipped(case: Case, staff: Staff) -> Case:
    solution_confirmed(case, staff)
    services.case_ship_back(
        case=case, actor=staff.user(Role.AGENT), carrier="SF", tracking_number="SF1234567890123"
    )
    return case


def received(case: Case, staff: Staff) -> Case:
    shipped(case, staff)
    services.case_receive(
        case=case,
        actor=staff.user(Role.WAREHOUSE),
        received={str(line.id): line.quantity for line in case.lines.all()},
    )
    return case


def inspected(case: Case, staff: Staff) -> Case:
    """Every unit received accepted, grade A, every checklist point passed."""
    received(case, staff)
    services.case_inspect(case=case, actor=staff.user(Role.WAREHOUSE), units=units_payload(case))
    return case


def cause_confirmed(case: Case, staff: Staff) -> Case:
    inspected(case, staff)
    services.case_confirm_cause(
        case=case,
        actor=staff.user(Role.QC),
        is_our_product=True,
        stage="production",
        responsible_department="生产部",
        handling="返修",
    )
    return case


def rejected(case: Case, staff: Staff) -> Case:
    services.case_reject(case=case, actor=staff.user(Role.AGENT), reason="超出期限", alternative="保修")
    return case


def appealed(case: Case, staff: Staff) -> Case:
    rejected(case, staff)
    services.case_appeal(case=case, actor=staff.user(Role.AGENT), reason="客户不同意")
    return case


# --- exchanges and repairs (issue #5) ----------------------------------------------------------


def reserved(case: Case, staff: Staff) -> Case:
    """Received, cause confirmed, the same product reserved in stock (the default warehouse)."""
    from returndesk.cases.tests.helpers import in_stock

    cause_confirmed(case, staff)
    in_stock(case.lines.get().order_line)
    services.case_arrange_exchange(case=case, actor=staff.user(Role.AGENT))
    return case


def diagnosed(case: Case, staff: Staff) -> Case:
    """A repair case diagnosed as a free repair under warranty (ready for repair)."""
    cause_confirmed(case, staff)
    services.case_diagnose(case=case, actor=staff.user(Role.QC), diagnosis="主板虚焊")
    return case
