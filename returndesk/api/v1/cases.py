"""After-sales cases: open, list with filters, read (with ETag), the workflow actions (with
If-Match), assignment, priority, notes, evidence waiver and policy override, attachments, the
timeline, and the eligibility preview. Client documentation: docs/api.md, section "Cases".

The workflow actions are generated from the declaration (returndesk.cases.workflow.TRANSITIONS):
one operation `POST /cases/{id}/actions/{action}` per action, open to the roles the declaration
names, its body schema built from the transitions' declared inputs (their JSON types are in
INPUT_TYPES below, the one thing the declaration does not say). The handler fires
returndesk.cases.services.case_transition, which enforces roles, ownership, status, required
inputs and guards; this module only parses and renders.

Who sees what: staff and integrations (role system) see every case, customers and distributors
their own (someone else's case answers 404, like a missing one; selectors.case_get_for_user). An operation a role may never
call answers 403 before the case is looked up. Staff-only parts of an answer (assignee, team,
cause, policy decision, who acted on the timeline, internal events) are null or left out for
customers.
"""

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time
from enum import Enum
from pathlib import PurePosixPath
from typing import Annotated, Any, Literal
from uuid import UUID

from django.conf import settings
from django.http import FileResponse, HttpRequest, HttpResponse
from django.utils import timezone
from ninja import File, Query, Router, Schema, UploadedFile
from ninja.responses import Status
from pydantic import Field, PlainValidator, StrictBool, StrictInt, create_model

from returndesk.accounts import selectors as account_selectors
from returndesk.accounts.roles import EXTERNAL_ROLES, STAFF_ROLES, Role
from returndesk.cases import selectors, services
from returndesk.cases.models import Case, CaseCause, CaseChannel, CaseLine, CaseType, Priority, ReasonClass
from returndesk.cases.models import Status as CaseStatus
from returndesk.cases.policy import OVERRIDE_ROLES
from returndesk.cases.services.attachments import ALLOWED as ATTACHMENT_TYPES
from returndesk.cases.services.creation import INTAKE_ROLES
from returndesk.cases.services.housekeeping import ASSIGNERS, PRIORITY_SETTERS
from returndesk.cases.services.transitions import REPAIR_SOLUTIONS
from returndesk.cases.workflow import REVIEWERS, TRANSITIONS, Transition
from returndesk.catalog.selectors import customer_visible_to
from returndesk.core.errors import DomainError
from returndesk.core.i18n import both
from returndesk.logistics.carriers import CARRIERS
from returndesk.logistics.models import ReturnMethod
from returndesk.orders.selectors import order_lines_for_customer
from returndesk.sla.selectors import SlaState

from ..auth import roles_allowed
from ..errors import problem
from ..etag import if_match_version, set_etag, stale_as_precondition_failed
from ..pagination import PageQuery, keyset_page
from ..schemas import DatetimeIn, InputSchema, LocalDatetime, Money, with_problems
from .goods_inputs import GOODS_INPUT_TYPES
from .goods_schemas import InspectUnitIn, ReceiptExtraIn

router = Router(tags=["cases"])

API_ROOT = "/api/v1"
CASE_OPENERS = INTAKE_ROLES | EXTERNAL_ROLES  # who may open a case (cases.services.creation)


# --- output ---------------------------------------------------------------------------------


class LabelOut(Schema):
    zh: str
    en: str


def label(text: str) -> dict:
    """A "中文 / English" choice label as {"zh", "en"}."""
    zh, en = both(text)
    return {"zh": zh, "en": en}


def _staff(context) -> bool:
    return context["request"].auth.role in STAFF_ROLES


class CustomerRef(Schema):
    id: UUID
    code: str
    name: str
    type: str


class UserRef(Schema):
    id: int
    username: str
    name: str
    role: str

    @staticmethod
    def resolve_name(obj) -> str:
        return f"{obj.last_name}{obj.first_name}".strip() or obj.username


class TeamRef(Schema):
    id: UUID
    name: str


class ProductRef(Schema):
    id: UUID
    sku: str
    name: str
    name_en: str


class OrderLineRef(Schema):
    id: UUID
    order_id: UUID
    order_number: str
    channel: str
    position: int
    product: ProductRef
    quantity_shipped: int

    @staticmethod
    def resolve_order_number(obj) -> str:
        return obj.order.number

    @staticmethod
    def resolve_channel(obj) -> str:
        return obj.order.channel


class ReasonOut(Schema):
    code: str
    name: str
    name_en: str
    reason_class: str


class CaseLineOut(Schema):
    """One line and its quantities per stage: requested, received by the warehouse and accepted at
    inspection (null until then), whether the order quantity is held, returned or released, and the amounts."""

    id: UUID
    order_line: OrderLineRef
    reason: ReasonOut
    description: str
    serial_numbers: list[str]
    quantity_requested: int
    quantity_received: int | None
    quantity_accepted: int | None
    hold_state: Literal["none", "held", "returned", "released"]
    claimed_amount: Money
    refund_amount: Money | None

    @staticmethod
    def resolve_quantity_requested(obj) -> int:
        return obj.quantity


class CaseSummaryOut(Schema):
    """A case as lists show it. `assignee` and `team` are null for customers."""

    id: UUID
    number: str
    type: CaseType
    status: CaseStatus
    status_label: LabelOut
    channel: CaseChannel
    priority: Priority
    customer: CustomerRef
    contact_name: str
    contact_phone: str
    contact_email: str
    claimed_amount: Money
    refund_amount: Money | None
    return_tracking_number: str
    outbound_tracking_number: str
    assignee: UserRef | None
    team: TeamRef | None
    version: int
    created_at: LocalDatetime
    updated_at: LocalDatetime
    closed_at: LocalDatetime | None
    lines: list[CaseLineOut]

    @staticmethod
    def resolve_status_label(obj) -> dict:
        return label(obj.get_status_display())

    @staticmethod
    def resolve_assignee(obj, context):
        return obj.assignee if _staff(context) else None

    @staticmethod
    def resolve_team(obj, context):
        return obj.team if _staff(context) else None

    @staticmethod
    def resolve_lines(obj):
        return list(obj.lines.all())


class ActionInputOut(Schema):
    name: str
    label: LabelOut
    required: bool


class ActionOut(Schema):
    """An action the caller may take on the case now (cases.selectors.case_available_actions):
    `enabled` false with the reason when a guard does not hold yet."""

    action: str
    label: LabelOut
    enabled: bool
    disabled_reason: LabelOut | None
    inputs: list[ActionInputOut]
    method: Literal["POST"] = "POST"
    path: str


class CauseOut(Schema):
    is_our_product: bool
    stage: str
    responsible_department: str
    responsible_person: str
    batch_lot: str
    handling: str
    description: str
    confirmed_by: UserRef


class CaseStaffOut(Schema):
    created_by: UserRef
    gm_approved_at: LocalDatetime | None
    cause: CauseOut | None
    policy_version: int | None
    policy_decision: dict[str, Any]
    policy_override: dict[str, Any]
    evidence_waiver: str

    @staticmethod
    def resolve_cause(obj):
        return getattr(obj, "cause", None)  # a missing reverse one-to-one raises AttributeError

    @staticmethod
    def resolve_policy_version(obj):
        return (obj.policy_decision or {}).get("policy_version")


class CaseOut(CaseSummaryOut):
    """One case: header, lines with their quantities, the actions open to the caller now, and
    (`staff`, null for customers) the internal record. Answered with `ETag: "<version>"`."""

    description: str
    solution: str
    return_carrier: str
    outbound_carrier: str
    refund_reference: str
    refunded_at: LocalDatetime | None
    rejection_reason: str
    rejection_alternative: str
    resolution: str
    restocking_fee: Money
    return_shipping_payer: str
    actions: list[ActionOut]
    staff: CaseStaffOut | None

    @staticmethod
    def resolve_actions(obj):
        return obj.available_actions

    @staticmethod
    def resolve_staff(obj, context):
        return obj if _staff(context) else None


class CasePage(Schema):
    items: list[CaseSummaryOut]
    next_cursor: str | None


class TimelineEntryOut(Schema):
    """One event. `actor` (who) and `internal` events are for staff; customers see the actor's
    role, and of `data` only the keys in CUSTOMER_EVENT_DATA."""

    sequence: int
    type: str
    label: LabelOut
    from_status: str
    to_status: str
    actor_role: str
    actor: UserRef | None
    internal: bool
    data: dict[str, Any]
    created_at: LocalDatetime


class TimelineOut(Schema):
    items: list[TimelineEntryOut]


class AttachmentOut(Schema):
    id: UUID
    kind: str
    content_type: str
    size: int
    sha256: str
    name: str
    uploaded_by_role: str
    created_at: LocalDatetime
    download_path: str

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.original_name

    @staticmethod
    def resolve_uploaded_by_role(obj) -> str:
        return obj.uploaded_by.role

    @staticmethod
    def resolve_download_path(obj) -> str:
        return f"{API_ROOT}/cases/{obj.case_id}/attachments/{obj.id}/download"


class AttachmentList(Schema):
    items: list[AttachmentOut]


class ConditionOut(Schema):
    code: str
    zh: str
    en: str


class EligibilityLineOut(Schema):
    order_line: UUID
    quantity_requested: int
    returnable_quantity: int
    eligible: bool
    rule: str
    source: str
    explanation: LabelOut
    solutions: list[str]
    deadline: LocalDatetime | None
    refused_at: str
    restocking_fee: Money
    shipping_payer: str
    evidence_required: bool
    conditions: list[ConditionOut]


class ExplanationOut(Schema):
    rule: str
    zh: str
    en: str
    source: str


class DeductionOut(Schema):
    code: str
    zh: str
    en: str
    kind: str
    value: str


class EligibilityOut(Schema):
    """What the current policy would decide for this request; nothing is written."""

    eligible: bool
    policy_version: int | None
    solution: str | None
    lines: list[EligibilityLineOut]
    evidence_required: bool
    evidence_min: int
    evidence_missing: bool
    restocking_fee: Money
    shipping_payer: str
    auto_approval: ConditionOut | None
    deductions: list[DeductionOut]
    explanations: list[ExplanationOut]


# --- input ----------------------------------------------------------------------------------


class CaseLineIn(InputSchema):
    order_line: UUID
    quantity: StrictInt
    reason: str  # a leaf reason code, e.g. "Q01"
    description: str = ""
    serial_numbers: list[str] = []
    unsealed: StrictBool = False  # digital goods opened or downloaded (the customer says so)
    not_intact: list[str] = []  # checklist codes the goods fail, as the customer states


class CaseIn(InputSchema):
    customer: str | None = None  # a customer code; default: the caller's own (customer sign-ins)
    type: CaseType
    channel: CaseChannel = CaseChannel.API
    lines: list[CaseLineIn] = []
    description: str = ""
    priority: Priority | None = None
    contact_name: str = Field("", max_length=100)
    contact_phone: str = Field("", max_length=32)
    contact_email: str = Field("", max_length=254)
    override_reason: str = ""  # supervisor, sales or GM: open it although the policy refuses


class EligibilityLineIn(InputSchema):
    order_line: UUID
    quantity: StrictInt
    reason: str
    serial_numbers: list[str] = []
    unsealed: StrictBool = False
    not_intact: list[str] = []


class EligibilityIn(InputSchema):
    customer: str | None = None  # as in CaseIn
    type: CaseType
    lines: list[EligibilityLineIn]
    evidence_count: StrictInt = Field(0, ge=0)  # photos or videos the customer would attach


class AssignIn(InputSchema):
    assignee: str | None  # a username; null leaves the case unassigned
    team: str | None = None  # a team name; omitted or null keeps the current team


class PriorityIn(InputSchema):
    priority: Priority
    reason: str = ""


class NoteIn(InputSchema):
    text: str
    internal: StrictBool = True  # staff only; a customer's note is always a message


class ReasonIn(InputSchema):
    reason: str


def _date_or_time(value: Any) -> date | datetime:
    parsed = value if isinstance(value, date) else None
    if parsed is None:
        text = str(value).strip()
        try:
            parsed = date.fromisoformat(text) if len(text) == 10 else datetime.fromisoformat(text)
        except ValueError:
            pass
    if parsed is None or (isinstance(parsed, datetime) and parsed.tzinfo is None):
        raise ValueError(
            "须为日期(如 2026-11-01)或带时区的时间(如 2026-11-01T10:00:00+08:00)。 | "
            "Must be a date (2026-11-01) or a time with an offset (2026-11-01T10:00:00+08:00)."
        )
    return parsed


# A query bound: a date (a whole local day, both bounds inclusive) or a time with an offset.
DateOrTime = Annotated[
    date | datetime,
    PlainValidator(_date_or_time, json_schema_input_type=str),
    Field(description="2026-11-01 (a whole local day) or 2026-11-01T10:00:00+08:00"),
]


class CaseQuery(PageQuery):
    status: CaseStatus | None = None
    type: CaseType | None = None
    priority: Priority | None = None
    reason_class: ReasonClass | None = None
    channel: CaseChannel | None = None
    customer: str | None = None  # a customer code
    order_number: str | None = None
    phone: str | None = None
    serial: str | None = None
    tracking_number: str | None = None
    created_from: DateOrTime | None = None
    created_to: DateOrTime | None = None
    sla_state: SlaState | None = None


# The JSON type of each declared workflow input (cases.workflow names them, without types).
# Text inputs stored in a bounded column carry its length, so an over-long value is a 422.
INPUT_TYPES: dict[str, Any] = {
    "solution": Enum("Solution", {key: key for key in REPAIR_SOLUTIONS}, type=str),
    "note": str,
    "reason": str,
    "alternative": str,
    "opinion": str,
    "answer": str,
    "technician": Annotated[str, Field(max_length=100)],
    "carrier": Enum("Carrier", {key: key for key in CARRIERS}, type=str),
    "tracking_number": Annotated[str, Field(max_length=64)],
    "received": dict[UUID, StrictInt],
    "reference": Annotated[str, Field(max_length=64)],
    "route": Literal["original", "bank_transfer", "store_credit"],  # refunds.models.Route
    "account_name": Annotated[str, Field(max_length=100)],
    "bank": Annotated[str, Field(max_length=100)],
    "account_number": Annotated[str, Field(max_length=40)],
    "is_our_product": StrictBool,
    "stage": CaseCause.Stage,
    "responsible_department": Annotated[str, Field(max_length=100)],
    "responsible_person": Annotated[str, Field(max_length=100)],
    "handling": str,
    "description": str,
    "result": str,
    "findings": str,
    "visit_at": DatetimeIn,
    # exchanges, repairs and acceptance findings (issue #5; docs/exchanges-repairs.md)
    **GOODS_INPUT_TYPES,
    # the goods flow (logistics, inspection)
    "return_method": ReturnMethod,
    "pickup_window_start": DatetimeIn,
    "pickup_window_end": DatetimeIn,
    "pickup_address": Annotated[str, Field(max_length=300)],
    "pickup_contact": Annotated[str, Field(max_length=100)],
    "pickup_phone": Annotated[str, Field(max_length=32)],
    "serial_numbers": dict[UUID, list[Annotated[str, Field(max_length=100)]]],
    "extras": list[ReceiptExtraIn],
    "warehouse": Annotated[str, Field(max_length=40)],
    "units": list[InspectUnitIn],
    "batch_lot": Annotated[str, Field(max_length=64)],
}
# Where one input name means different things in different actions.
ACTION_INPUT_TYPES: dict[tuple[str, str], Any] = {
    ("record_inspection", "result"): Literal["passed", "issues_found"],
}


def _transitions_by_action() -> dict[str, list[Transition]]:
    by_action: dict[str, list[Transition]] = {}
    for transition in TRANSITIONS:
        by_action.setdefault(transition.action, []).append(transition)
    return by_action


def _input_schema(action: str, transitions: list[Transition]) -> type[InputSchema]:
    """The body of one action: every input any of its transitions declares; required when every
    transition requires it (approve needs `solution` for goods cases only, so it is optional
    here and the service answers 422 case.missing_inputs for a goods case without it)."""
    fields: dict[str, Any] = {}
    for transition in transitions:
        for item in transition.inputs:
            if item.name in fields:
                continue
            # An input the table does not know yet travels as text (a test asks for its type).
            kind = ACTION_INPUT_TYPES.get((action, item.name), INPUT_TYPES.get(item.name, str))
            always = all(item.name in t.required_inputs for t in transitions)
            description = f"{item.zh} / {item.en}"
            fields[item.name] = (
                (kind, Field(description=description))
                if always
                else (kind | None, Field(None, description=description))
            )
    name = "".join(part.title() for part in action.split("_")) + "In"
    return create_model(name, __base__=InputSchema, **fields)


# --- helpers --------------------------------------------------------------------------------

_LINE_FIELD = re.compile(r"^(lines|replacements|parts|issues)\[(\d+)\]")
_KEY_FIELD = re.compile(r"\[([^\]]+)\]")


@contextmanager
def body_paths() -> Iterator[None]:
    """The services name fields as `lines[1].quantity` (1-based, as people count lines) and
    `received[<line id>]`; the API's problems use dotted body paths with 0-based indexes."""
    try:
        yield
    except DomainError as exc:

        def path(name: str) -> str:
            name = _LINE_FIELD.sub(lambda m: f"{m.group(1)}.{int(m.group(2)) - 1}", name)
            return _KEY_FIELD.sub(r".\1", name)

        exc.fields = {path(name): message for name, message in exc.fields.items()}
        raise


def _customer(request: HttpRequest, code: str | None):
    """The customer a body names by code: one the caller may see (anyone else's answers like a
    missing one); a customer or distributor sign-in may leave it out for its own."""
    user = request.auth
    if code is None and user.role in EXTERNAL_ROLES and user.customer_id:
        return user.customer
    if not code:
        raise DomainError(
            "case.customer_required",
            "请填写客户编码。",
            "Name the customer by its code.",
            fields={"customer": ("必填。", "Required.")},
        )
    customer = customer_visible_to(user).filter(code=code.strip()).first()
    if customer is None:
        raise DomainError(
            "case.unknown_customer",
            "客户编码 {value} 不存在。",
            "No customer with code {value}.",
            fields={"customer": ("客户不存在。", "No such customer.")},
            value=code,
        )
    return customer


def _actions_out(case, actions) -> list[dict]:
    return [
        {
            "action": item.action,
            "label": {"zh": item.transition.zh, "en": item.transition.en},
            "enabled": item.enabled,
            "disabled_reason": None if item.enabled else {"zh": item.reason_zh, "en": item.reason_en},
            "inputs": [
                {"name": i.name, "label": {"zh": i.zh, "en": i.en}, "required": i.required}
                for i in item.transition.inputs
            ],
            "path": f"{API_ROOT}/cases/{case.pk}/actions/{item.action}",
        }
        for item in actions
    ]


# What the case answers read of related rows (UserRef, TeamRef, CaseLineOut above), so the reads
# of every answer load only these columns. A field added to those schemas must be added here too,
# or each answer reads it with one query per row (api/tests/test_lifecycle_queries.py fails).
USER_REF_FIELDS = ("id", "username", "first_name", "last_name", "role")
TEAM_REF_FIELDS = ("id", "name")
LINE_FIELDS = (
    *(field.name for field in CaseLine._meta.concrete_fields),  # the whole line: guards read it too
    *(f"order_line__{name}" for name in ("id", "order", "position", "product", "quantity_shipped")),
    *(f"order_line__order__{name}" for name in ("id", "number", "channel")),
    *(f"order_line__product__{name}" for name in ("id", "sku", "name", "name_en")),
    *(f"reason__{name}" for name in ("id", "code", "name", "name_en", "reason_class")),
)


def _ref_fields(relation: str, fields: tuple[str, ...]) -> tuple[str, ...]:
    return (relation, *(f"{relation}__{name}" for name in fields))


def _answer_related(user) -> tuple[str, ...]:
    """What an answer shows beyond the case's customer, assignee and team: for staff, who
    opened it and the production/QC cause with who confirmed it."""
    return ("created_by", "cause__confirmed_by") if user.role in STAFF_ROLES else ()


def _action_case(user, case_id) -> Case:
    """An action's own read of the case: whether the caller may see it (404 otherwise), its type
    and version, and for staff the people and team its answer names. The transition brings the
    rest up to date from the row it locks (cases.services.transitions._refresh_from)."""
    if user.role not in STAFF_ROLES:
        return selectors.case_get_for_user(user=user, case_id=case_id, only=("id", "type", "version"))
    return selectors.case_get_for_user(
        user=user,
        case_id=case_id,
        related=("assignee", "team", "created_by"),
        only=(
            "id",
            "type",
            "version",
            *_ref_fields("assignee", USER_REF_FIELDS),
            *_ref_fields("team", TEAM_REF_FIELDS),
            *_ref_fields("created_by", USER_REF_FIELDS),
        ),
    )


def _case_answer(request: HttpRequest, response: HttpResponse, case_id):
    """The case as the caller may see it now, with its actions, and its version as the ETag:
    the case with what its answer shows in one query, its lines in another."""
    case = selectors.case_get_with_lines(
        user=request.auth, case_id=case_id, related=_answer_related(request.auth), line_fields=LINE_FIELDS
    )
    return _answer(request, response, case)


def _answer(request: HttpRequest, response: HttpResponse, case):
    actions = selectors.case_available_actions(case=case, user=request.auth)
    case.available_actions = _actions_out(case, actions)
    set_etag(response, case.version)
    return case


def _local_bound(value: datetime | date | None, *, end: bool) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return timezone.make_aware(datetime.combine(value, time.max if end else time.min))


# Of an event's data, what a customer is shown (staff see everything): the messages, solutions,
# shipments, amounts and reasons that concern them, not internal opinions, the responsible
# department or policy rules.
CUSTOMER_EVENT_DATA = frozenset(
    {
        "text", "solution", "carrier", "tracking_number", "amount", "reason", "alternative",
        "answer", "visit_at", "technician", "result", "findings", "name", "kind", "size",
        "return_method", "return_address", "pickup_window_start", "pickup_window_end", "pickup_address",
        "booking_reference", "accepted", "rejected",
        # exchanges, repairs and acceptance (issue #5)
        "replacements", "price_difference", "amount_due", "payment_request", "credit_amount", "amount_paid",
        "replacement_serials", "diagnosis", "fault", "coverage", "exclusion", "warranty", "warranty_until",
        "quote", "quote_total", "parts_amount", "labour_amount", "outcome", "issues", "case_number",
    }
)  # fmt: skip


def _timeline_out(entry, *, staff: bool) -> dict:
    event = entry.event
    data = event.data or {}
    return {
        "sequence": event.sequence,
        "type": event.type,
        "label": label(entry.label),
        "from_status": event.from_status,
        "to_status": event.to_status,
        "actor_role": event.actor_role,
        "actor": event.actor if staff else None,
        "internal": event.internal,
        "data": data if staff else {k: v for k, v in data.items() if k in CUSTOMER_EVENT_DATA},
        "created_at": event.created_at,
    }


def _download_name(attachment) -> str:
    """The uploaded name's stem with the extension of the stored content (so a PNG never
    downloads as page.html), control characters and quotes removed."""
    stem = PurePosixPath(attachment.original_name or "").stem
    stem = re.sub(r'[\x00-\x1f\x7f"\\/;]', "_", stem).strip(" .")[:100]
    return f"{stem or f'attachment-{attachment.id}'}{attachment.extension}"


# --- cases ----------------------------------------------------------------------------------


@router.get("/cases", response=with_problems({200: CasePage}, 422))
def case_list(request: HttpRequest, query: Query[CaseQuery]):
    """Cases, newest first, filtered. Staff see all; a customer or distributor its own.
    `created_from` / `created_to`: a date (the whole local day, inclusive) or a time with offset.
    `serial`: claimed on a line or sold on its order line. `sla_state`: breached, warning (due
    soon), on_track, paused (waiting for the customer) or cannot_compute."""
    cases = selectors.case_list(
        user=request.auth,
        status=query.status,
        type=query.type,
        priority=query.priority,
        channel=query.channel,
        reason_class=query.reason_class,
        customer_code=query.customer,
        order_number=query.order_number,
        phone=query.phone,
        serial_number=query.serial,
        tracking_number=query.tracking_number,
        created_from=_local_bound(query.created_from, end=False),
        created_to=_local_bound(query.created_to, end=True),
        sla_state=query.sla_state,
    )
    return keyset_page(cases, order="-created_at", query=query)


@router.post(
    "/cases",
    response=with_problems({201: CaseOut}, 403, 409, 422),
    auth=roles_allowed(CASE_OPENERS),
)
def case_create(request: HttpRequest, response: HttpResponse, payload: CaseIn):
    """Open a case with lines (order line ids of the customer's orders, quantities, reason codes).
    Roles: agent, supervisor, sales; a customer or distributor for itself. 201 with the case,
    `ETag` and `Location`. 409 case.quantity_exceeded beyond the returnable quantity; 422
    case.policy_refused when the policy refuses a line (staff allowed to may give
    `override_reason`)."""
    data = payload.model_dump()
    customer = _customer(request, data.pop("customer"))
    with body_paths():
        case = services.case_create(actor=request.auth, customer=customer, **data)
    response["Location"] = f"{API_ROOT}/cases/{case.pk}"
    # The service returns the case as it saved it (with its customer, creator, assignee and
    # team); only the lines are read back, with what their answer shows.
    selectors.case_load_lines_and_cause(case, cause=request.auth.role in STAFF_ROLES, line_fields=LINE_FIELDS)
    return Status(201, _answer(request, response, case))


@router.get("/cases/{uuid:case_id}", response=with_problems({200: CaseOut}, 404))
def case_detail(request: HttpRequest, response: HttpResponse, case_id: UUID):
    """One case with its lines and the actions the caller may take now; `ETag: "<version>"`."""
    return _case_answer(request, response, case_id)


def _action_doc(action: str, transitions: list[Transition]) -> str:
    lines = []
    for t in transitions:
        sources = ", ".join(sorted(s.value for s in t.sources))
        types = ", ".join(sorted(ct.value for ct in t.types))
        roles = ", ".join(sorted(r.value for r in t.roles - {Role.SYSTEM})) or "none (the system itself)"
        inputs = ", ".join(f"{i.name}{'' if i.required else ' (optional)'}" for i in t.inputs) or "none"
        lines.append(
            f"{t.zh} / {t.en}: case types {types}; from {sources} to {t.target.value}; "
            f"roles {roles}; inputs {inputs}."
        )
    return (
        "\n\n".join(lines)
        + "\n\nSend If-Match with the case's ETag: a stale version answers 412 and changes nothing."
    )


def _action_operation(action: str, transitions: list[Transition]) -> None:
    """Register `POST /cases/{id}/actions/<action>` with its own body schema and roles."""
    schema = _input_schema(action, transitions)
    # The declaration's system role is the system itself (actor None: timeouts, auto-approval),
    # never an API caller; an integration user with that role may fire no transition
    # (cases.services.transitions.check_allowed). So expire and auto_refund are open to nobody.
    roles = frozenset().union(*(t.roles for t in transitions)) - {Role.SYSTEM}

    def operation(request: HttpRequest, response: HttpResponse, case_id: UUID, payload: schema):
        inputs = payload.model_dump(exclude_none=True)
        if "received" in inputs:
            inputs["received"] = {str(line): qty for line, qty in inputs["received"].items()}
        # Read once, with what the answer shows; the transition brings this copy up to date
        # from the row it saved (cases.services.transitions._refresh_from), so the answer needs
        # only the lines (and the cause) read again, not the case.
        user = request.auth
        case = _action_case(user, case_id)
        expected = if_match_version(request, entity="case")
        with stale_as_precondition_failed(expected, entity="case"), body_paths():
            services.case_transition(
                case=case, actor=user, action=action, expected_version=expected, **inputs
            )
        selectors.case_load_lines_and_cause(case, cause=user.role in STAFF_ROLES, line_fields=LINE_FIELDS)
        return _answer(request, response, case)

    operation.__name__ = f"case_action_{action}"
    operation.__doc__ = _action_doc(action, transitions)
    first = transitions[0]
    router.post(
        f"/cases/{{uuid:case_id}}/actions/{action}",
        response=with_problems({200: CaseOut}, 403, 404, 409, 412, 422),
        auth=roles_allowed(roles),
        summary=f"{first.zh} / {first.en}",
    )(operation)


for _action, _transitions in _transitions_by_action().items():
    _action_operation(_action, _transitions)


# --- changes that are not transitions ---------------------------------------------------------


@router.post(
    "/cases/{uuid:case_id}/assign",
    response=with_problems({200: CaseOut}, 403, 404, 409, 412, 422),
    auth=roles_allowed(ASSIGNERS),
)
def case_assign(request: HttpRequest, response: HttpResponse, case_id: UUID, payload: AssignIn):
    """Assign to a staff member (username) and optionally a team (name). Staff only; If-Match."""
    assignee = team = None
    if payload.assignee is not None:
        assignee = account_selectors.user_for_username(payload.assignee)
        if assignee is None:
            raise DomainError(
                "case.unknown_assignee",
                "用户 {value} 不存在。",
                "No user {value}.",
                fields={"assignee": ("用户不存在。", "No such user.")},
                value=payload.assignee,
            )
    if payload.team is not None:
        team = account_selectors.team_for_name(payload.team)
        if team is None:
            raise DomainError(
                "case.unknown_team",
                "班组 {value} 不存在。",
                "No team {value}.",
                fields={"team": ("班组不存在。", "No such team.")},
                value=payload.team,
            )
    case = selectors.case_get_for_user(user=request.auth, case_id=case_id)
    expected = if_match_version(request, entity="case")
    with stale_as_precondition_failed(expected, entity="case"):
        services.case_assign(
            case=case, actor=request.auth, assignee=assignee, team=team, expected_version=expected
        )
    return _case_answer(request, response, case_id)


@router.post(
    "/cases/{uuid:case_id}/priority",
    response=with_problems({200: CaseOut}, 403, 404, 409, 412, 422),
    auth=roles_allowed(PRIORITY_SETTERS),
)
def case_set_priority(request: HttpRequest, response: HttpResponse, case_id: UUID, payload: PriorityIn):
    """Raise or lower the priority, with a reason. Agent, supervisor, sales; If-Match."""
    case = selectors.case_get_for_user(user=request.auth, case_id=case_id)
    expected = if_match_version(request, entity="case")
    with stale_as_precondition_failed(expected, entity="case"):
        services.case_set_priority(
            case=case,
            actor=request.auth,
            priority=payload.priority,
            reason=payload.reason,
            expected_version=expected,
        )
    return _case_answer(request, response, case_id)


@router.post("/cases/{uuid:case_id}/notes", response=with_problems({200: CaseOut}, 403, 404, 422))
def case_add_note(request: HttpRequest, response: HttpResponse, case_id: UUID, payload: NoteIn):
    """A note on the timeline: staff write internal notes (`internal`, default true) or messages
    to the customer (`internal: false`); a customer's note is always a message. A note does not
    change the case's version, so it takes no If-Match and never makes a pending action stale."""
    case = selectors.case_get_for_user(user=request.auth, case_id=case_id)
    services.case_add_note(case=case, actor=request.auth, text=payload.text, internal=payload.internal)
    return _case_answer(request, response, case_id)


@router.post(
    "/cases/{uuid:case_id}/waive-evidence",
    response=with_problems({200: CaseOut}, 403, 404, 409, 412, 422),
    auth=roles_allowed(REVIEWERS),
)
def case_waive_evidence(request: HttpRequest, response: HttpResponse, case_id: UUID, payload: ReasonIn):
    """Let a quality claim be approved without photos or video, with a reason (policy rule
    evidence.required). Agent, supervisor, sales, while the case awaits review; If-Match."""
    case = selectors.case_get_for_user(user=request.auth, case_id=case_id)
    expected = if_match_version(request, entity="case")
    with stale_as_precondition_failed(expected, entity="case"):
        services.case_waive_evidence(
            case=case, actor=request.auth, reason=payload.reason, expected_version=expected
        )
    return _case_answer(request, response, case_id)


@router.post(
    "/cases/{uuid:case_id}/policy-override",
    response=with_problems({200: CaseOut}, 403, 404, 409, 412, 422),
    auth=roles_allowed(OVERRIDE_ROLES),
)
def case_policy_override(request: HttpRequest, response: HttpResponse, case_id: UUID, payload: ReasonIn):
    """Bypass the policy's refusal at review (non-quality distributor returns), with a reason.
    Supervisor, sales, general manager; If-Match."""
    case = selectors.case_get_for_user(user=request.auth, case_id=case_id)
    expected = if_match_version(request, entity="case")
    with stale_as_precondition_failed(expected, entity="case"):
        services.case_policy_override(
            case=case, actor=request.auth, reason=payload.reason, expected_version=expected
        )
    return _case_answer(request, response, case_id)


@router.get("/cases/{uuid:case_id}/timeline", response=with_problems({200: TimelineOut}, 404))
def case_timeline(request: HttpRequest, case_id: UUID):
    """Everything that happened to the case, oldest first. Customers do not see internal events,
    who acted (only the role), or internal details of an event's data."""
    case = selectors.case_get_for_user(user=request.auth, case_id=case_id)
    staff = request.auth.role in STAFF_ROLES
    entries = selectors.case_timeline_entries(case=case, user=request.auth)
    return {"items": [_timeline_out(entry, staff=staff) for entry in entries]}


# --- attachments ----------------------------------------------------------------------------


@router.post(
    "/cases/{uuid:case_id}/attachments",
    response=with_problems({201: AttachmentOut}, 403, 404, 413, 422),
)
def attachment_upload(request: HttpRequest, case_id: UUID, file: File[UploadedFile]):
    """Upload one photo, video or document (multipart/form-data, field `file`). The type is
    decided by the content, not the name: JPG/PNG/GIF/WebP/HEIC, MP4/MOV/WebM, PDF/DOCX/XLSX;
    anything else is 422 case.invalid_input. Staff, or the customer on its own case."""
    case = selectors.case_get_for_user(user=request.auth, case_id=case_id)
    if file.size > max(settings.RETURNDESK_ATTACHMENT_LIMITS.values()):  # never read it into memory
        return problem(request, 413, "request.too_large", "文件过大。", "The file is too large.")
    attachment = services.attachment_add(
        case=case, actor=request.auth, content=file.read(), original_name=file.name or ""
    )
    return Status(201, attachment)


@router.get("/cases/{uuid:case_id}/attachments", response=with_problems({200: AttachmentList}, 404))
def attachment_list(request: HttpRequest, case_id: UUID):
    """The files on the case, oldest first."""
    case = selectors.case_get_for_user(user=request.auth, case_id=case_id)
    return {"items": list(selectors.attachment_list(case=case))}


@router.get(
    "/cases/{uuid:case_id}/attachments/{uuid:attachment_id}/download",
    response=with_problems({}, 404),
    openapi_extra={
        "responses": {
            200: {
                "description": "The file, with its stored content type, as an attachment",
                "content": {
                    mime: {"schema": {"type": "string", "format": "binary"}} for mime in ATTACHMENT_TYPES
                },
            }
        }
    },
)
def attachment_download(request: HttpRequest, case_id: UUID, attachment_id: UUID):
    """The file, streamed, with the content type found at upload and `Content-Disposition:
    attachment` (the uploaded name with the extension of the real content)."""
    attachment = selectors.attachment_get(user=request.auth, case_id=case_id, attachment_id=attachment_id)
    response = FileResponse(
        attachment.file.open("rb"),
        content_type=attachment.content_type,
        as_attachment=True,
        filename=_download_name(attachment),
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- eligibility ----------------------------------------------------------------------------


@router.post(
    "/eligibility",
    response=with_problems({200: EligibilityOut}, 403, 422),
    auth=roles_allowed(CASE_OPENERS),
)
def eligibility(request: HttpRequest, payload: EligibilityIn):
    """What the current policy would decide if this request were opened as a case now, per line:
    eligible or not and why (zh/en), allowed solutions, deadline, fees, who pays return shipping,
    and the quantity still returnable. Writes nothing (a POST only because it has a body).
    Roles as for opening a case."""
    data = payload.model_dump()
    customer = _customer(request, data["customer"])
    with body_paths():
        decision = selectors.eligibility_check(
            user=request.auth,
            customer=customer,
            case_type=data["type"],
            lines=data["lines"],
            evidence_count=data["evidence_count"],
        )
    returnable = {
        str(line.id): line.returnable_quantity
        for line in order_lines_for_customer(customer=customer).filter(
            id__in=[line["order_line"] for line in data["lines"]]
        )
    }
    requested = {str(line["order_line"]): line["quantity"] for line in data["lines"]}
    return {
        "eligible": decision.eligible,
        "policy_version": decision.policy_version,
        "solution": decision.solution,
        "lines": [
            {
                "order_line": line.key,
                "quantity_requested": requested[line.key],
                "returnable_quantity": returnable[line.key],
                "eligible": line.eligible,
                "rule": line.rule,
                "source": line.source,
                "explanation": {"zh": line.zh, "en": line.en},
                "solutions": list(line.solutions),
                "deadline": line.deadline,
                "refused_at": line.refused_at,
                "restocking_fee": line.restocking_fee,
                "shipping_payer": line.shipping_payer,
                "evidence_required": line.evidence_required,
                "conditions": line.conditions,
            }
            for line in decision.lines
        ],
        "evidence_required": decision.evidence_required,
        "evidence_min": decision.evidence_min,
        "evidence_missing": decision.evidence_missing,
        "restocking_fee": decision.restocking_fee,
        "shipping_payer": decision.shipping_payer,
        "auto_approval": decision.auto_approval,
        "deductions": [
            {"code": d.code, "zh": d.zh, "en": d.en, "kind": d.kind, "value": str(d.value)}
            for d in decision.deductions
        ],
        "explanations": decision.explanations,
    }
