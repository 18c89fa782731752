"""Reads of the staff pages, built on cases.selectors (who may see which case) and the workflow
declaration (which department acts next). Every list here is an index range on a case column,
ends in LIMIT, and counts at most QUEUE_COUNT_CAP rows, so it stays fast with a million cases."""

from __future__ import annotations

import base64
import binascii
import re
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.conf import settings as django_settings
from django.db.models import Exists, F, Min, OuterRef, Q, QuerySet
from django.db.models.functions import Upper
from django.utils import timezone

from returndesk.accounts.roles import STAFF_ROLES, Role
from returndesk.cases import selectors as case_selectors
from returndesk.cases.models import (
    TERMINAL_STATUSES,
    Attachment,
    Case,
    CaseLine,
    CaseSettings,
    CaseType,
    ReasonClass,
    Status,
)
from returndesk.cases.workflow import GOODS_TYPES, TRANSITIONS, Transition
from returndesk.catalog.models import CustomerType, Warehouse
from returndesk.core.i18n import pick
from returndesk.logistics.carriers import normalise_tracking
from returndesk.sla.models import SlaTarget, TargetState
from returndesk.sla.rules import PAUSE_STATUSES
from returndesk.sla.selectors import SlaState, case_ids_in_sla_state, customer_deadline

from .models import SavedView

QUEUE_COUNT_CAP = 999  # counts above this show as "999+": a bounded index scan, never COUNT(*) of all
PAGE_SIZE = 50
TERMINAL = sorted(s.value for s in TERMINAL_STATUSES)


def is_staff(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.role in STAFF_ROLES)


OPEN = sorted(s.value for s in Status if s not in TERMINAL_STATUSES)


def _open() -> Q:
    """Open cases, as a positive list of statuses: a range of the (status, created_at) index."""
    return Q(status__in=OPEN)


def sla_q(state: str, *, now: datetime | None = None) -> Q:
    """sla.selectors.case_ids_in_sla_state, with the plan chosen per state: breached as a
    correlated EXISTS on the case's own clock and targets (current review round), so a list
    ordered by case number stops after a page instead of first collecting every breach of the
    installation's history; the others as the sla selector's IN, whose subquery is small."""
    now = now or timezone.now()
    targets = SlaTarget.objects.filter(clock__case=OuterRef("pk"), round=F("clock__round"))
    running = Q(state=TargetState.RUNNING)
    breached = Q(breached_at__isnull=False) | (running & Q(due_at__lt=now))
    if state == SlaState.BREACHED:  # common, and mostly history (breached_at has no index): per case
        return Q(Exists(targets.filter(breached)))
    if state == SlaState.PAUSED:  # targets pause exactly while the case waits on the customer (sla.services)
        return Q(status__in=sorted(PAUSE_STATUSES)) & Q(Exists(targets.filter(state=TargetState.PAUSED)))
    # Due soon, on track: running targets not yet due, a range of the partial due-time index.
    return Q(id__in=case_ids_in_sla_state(state, now=now))


# --- department inboxes: where the workflow says a department acts next ---------------------

# The actions that make up each department's daily work (seed S2: sales → warehouse →
# production/QC → general manager → finance; S9: customer service reviews and closes).
INBOX_ACTIONS: dict[str, tuple[str, ...]] = {
    Role.AGENT: ("approve", "answer", "schedule_visit", "record_inspection", "close"),
    Role.SALES: ("approve", "close"),
    Role.SUPERVISOR: ("uphold_rejection", "overturn_rejection"),
    # The warehouse receives and inspects (S9 step 6), reserves and ships replacements (stock is
    # its), and ships back what was not repaired.
    Role.WAREHOUSE: ("receive", "inspect", "arrange_exchange", "ship_replacement", "return_unrepaired"),
    Role.QC: ("confirm_cause", "diagnose", "quote_repair", "start_repair", "finish_repair"),
    Role.GM: ("gm_approve",),
    # Finance starts refunds (and retries failed ones) and confirms an exchange's difference paid.
    Role.FINANCE: ("refund", "confirm_payment"),
}
# Guards meaning "another department must act first" keep a case out of the inbox until it
# has; other guards (evidence missing, the distributor rule) are the reviewer's own work.
WAITING_ON_OTHERS = frozenset(
    {
        "cause_confirmed_if_required", "gm_approved_if_required", "gm_approval_required", "goods_received",
        "difference_due", "difference_settled",
    }
)  # fmt: skip


def _quality_line_exists() -> Exists:
    return Exists(CaseLine.objects.filter(case=OuterRef("pk"), reason__reason_class=ReasonClass.QUALITY))


def _never() -> Q:
    return Q(pk__in=[])


def cause_required_q(settings: CaseSettings) -> Q:
    """workflow.cause_required as a filter: production/QC must confirm the cause (seed S2)."""
    if not settings.cause_required_for_quality:
        return _never()
    return Q(type__in=sorted(GOODS_TYPES)) & Q(_quality_line_exists())


def distributor_q() -> Q:
    """Cases of distributors, as a subquery of the (few) distributor customers rather than a join,
    so the database starts from the cases' own indexes."""
    from returndesk.catalog.models import Customer

    return Q(customer_id__in=Customer.objects.filter(type=CustomerType.DISTRIBUTOR).values("id"))


def gm_required_q(settings: CaseSettings) -> Q:
    """workflow.gm_required as a filter: the general manager approves (seed S2/S3)."""
    above = Q(claimed_amount__gt=settings.gm_approval_amount)
    if settings.gm_for_distributor_returns:
        return above | distributor_q()
    return above


def _guard_q(name: str, settings: CaseSettings) -> Q | None:
    """The workflow guard `name` as a filter, for the guards that wait on another department."""
    cause_done = ~cause_required_q(settings) | Q(cause__isnull=False)
    if name == "cause_confirmed_if_required":
        return cause_done
    if name == "gm_approved_if_required":
        return ~gm_required_q(settings) | Q(gm_approved_at__isnull=False)
    if name == "gm_approval_required":
        return gm_required_q(settings) & cause_done
    if name == "goods_received":  # received, and inspection accepted some (or has not judged yet)
        lines = CaseLine.objects.filter(case=OuterRef("pk"))
        received = Exists(lines.filter(quantity_received__gt=0))
        accepted = Exists(lines.filter(Q(quantity_accepted__gt=0) | Q(quantity_accepted__isnull=True)))
        return ~Q(type=CaseType.RETURN_REFUND) | (Q(received) & Q(accepted))
    if name in ("difference_due", "difference_settled"):  # exchanges.selectors.exchange_amount_due
        from returndesk.exchanges.models import ExchangeState, PaymentRequest, PaymentState

        due = Exists(
            PaymentRequest.objects.filter(exchange__case=OuterRef("pk"), state=PaymentState.PENDING).exclude(
                exchange__state=ExchangeState.SUPERSEDED
            )
        )
        return Q(due) if name == "difference_due" else ~Q(due)
    return None


def _transition_q(transition: Transition, settings: CaseSettings) -> Q:
    q = Q(type__in=sorted(transition.types), status__in=sorted(transition.sources))
    for guard in transition.guards:
        if guard.name in WAITING_ON_OTHERS:
            q &= _guard_q(guard.name, settings)
    if transition.action == "confirm_cause":  # QC confirms causes of quality returns only
        q &= cause_required_q(settings)
    return q


def inbox_q(role: str, settings: CaseSettings | None = None) -> Q | None:
    """Cases waiting for this department: one of its inbox actions is open to it now, or blocked
    only by something it must resolve itself. Sales reviews distributor cases, agents the rest.
    None for a role without an inbox."""
    actions = INBOX_ACTIONS.get(role)
    if not actions:
        return None
    settings = settings or CaseSettings.current()
    q = _never()
    for transition in TRANSITIONS:
        if transition.action in actions and role in transition.roles:
            q |= _transition_q(transition, settings)
    if role == Role.SALES:
        q &= distributor_q()
    elif role == Role.AGENT:
        q &= ~distributor_q()
    return q


# --- queues on the home page ------------------------------------------------------------------


@dataclass(frozen=True)
class QueueSpec:
    key: str
    label: str  # "中文 / English"
    hint: str


QUEUES: dict[str, QueueSpec] = {
    q.key: q
    for q in (
        QueueSpec(
            "inbox",
            "待本部门处理 / Waiting for my department",
            "下一步由您的部门处理 / Your department acts next",
        ),
        QueueSpec("mine", "我的工单 / My queue", "指派给我的未结工单 / Open cases assigned to me"),
        QueueSpec("team", "本组工单 / My team's queue", "本组的未结工单 / Open cases of my team"),
        QueueSpec("due_soon", "即将超时 / Due soon", "服务时效即将到期 / A service target is nearly due"),
        QueueSpec("breached", "已超时 / Breached", "服务时效已超时 / A service target was missed"),
        QueueSpec(
            "waiting",
            "等待客户 / Waiting on the customer",
            "客户确认方案或寄回商品 / The customer confirms or ships",
        ),
    )
}
# Which queues each role's home shows, the first one listed in full (seed S2/S8 departments).
ROLE_HOME: dict[str, tuple[str, ...]] = {
    Role.AGENT: ("mine", "inbox", "team", "due_soon", "breached", "waiting"),
    Role.SUPERVISOR: ("team", "inbox", "breached", "due_soon", "waiting", "mine"),
    Role.SALES: ("inbox", "mine", "team", "due_soon", "breached", "waiting"),
    Role.WAREHOUSE: ("inbox", "waiting", "mine", "breached"),
    Role.QC: ("inbox", "mine", "breached", "due_soon"),
    Role.GM: ("inbox", "breached", "due_soon", "waiting"),
    Role.FINANCE: ("inbox", "breached", "due_soon"),
    Role.ADMIN: ("breached", "due_soon", "waiting"),
}


def queue_q(user, key: str, *, now: datetime | None = None) -> Q | None:
    """The filter of queue `key` for `user` (open cases only); None when it does not apply to
    the user (no team, no department inbox) or the key is unknown."""
    if key == "mine":
        q = Q(assignee_id=user.pk)
    elif key == "team":
        if not user.team_id:
            return None
        q = Q(team_id=user.team_id)
    elif key == "inbox":
        q = inbox_q(user.role)
        if q is None:
            return None
    elif key == "due_soon":
        q = sla_q(SlaState.WARNING, now=now)
    elif key == "breached":
        q = sla_q(SlaState.BREACHED, now=now)
    elif key == "waiting":
        q = Q(status__in=sorted(PAUSE_STATUSES))
    else:
        return None
    return q & _open()


def capped_count(qs: QuerySet, cap: int = QUEUE_COUNT_CAP) -> tuple[int, bool]:
    """How many rows, counting at most cap + 1 of them: (count, more than cap)."""
    n = qs.order_by()[: cap + 1].count()
    return min(n, cap), n > cap


@dataclass(frozen=True)
class QueueCount:
    spec: QueueSpec
    count: int
    more: bool


@dataclass(frozen=True)
class Home:
    queues: list[QueueCount]
    primary: QueueCount | None
    primary_cases: list[Case]
    saved_views: list[SavedView]


def home_for(*, user, limit: int = 10) -> Home:
    """The home page of a staff member: the counts of the queues of the role, and the first
    queue's oldest cases (work queues are served first in, first out)."""
    keys = ROLE_HOME.get(user.role, ("breached", "due_soon", "waiting"))
    visible = case_selectors.case_visible_to(user)
    now = timezone.now()
    queues = []
    for key in keys:
        q = queue_q(user, key, now=now)
        if q is None:
            continue
        count, more = capped_count(visible.filter(q))
        queues.append(QueueCount(QUEUES[key], count, more))
    primary = queues[0] if queues else None
    cases: list[Case] = []
    if primary is not None:
        cases = _oldest(visible, visible.filter(queue_q(user, primary.spec.key, now=now)), limit)
    return Home(queues, primary, cases, list(saved_views_of(user)))


def _oldest(visible: QuerySet[Case], queue: QuerySet[Case], limit: int) -> list[Case]:
    """The first `limit` cases of `queue` by case number, with their customer, people and lines,
    in two steps: the ids (filter, sort and LIMIT on the cases table alone), then those cases
    with their joins — so the joins run for one page of rows, not for every case in the queue
    (with the sort below, the warehouse's inbox went from 590 to 210 ms at 1M cases: docs/desk.md)."""
    # Sorted after filtering (Upper keeps the order of the upper-case numbers but no index has
    # it): a queue is a slice of the open cases, which are few and recent, and the planners,
    # seeing ORDER BY number LIMIT n, would otherwise walk the number index from the oldest case
    # — through the whole closed history — to find the first n (570 ms at 1M cases).
    ids = list(queue.order_by(Upper("number")).values_list("id", flat=True)[:limit])
    if not ids:
        return []
    rows = visible.filter(id__in=ids).order_by("number")
    return list(rows.prefetch_related(case_selectors.case_lines_prefetch()))


# --- the case list: filters, search, keyset pages --------------------------------------------

CASE_NUMBER = re.compile(r"^RT-\d{8}-\d{3,}$", re.IGNORECASE)


def search_case_ids(*, user, text: str, limit: int = 200) -> list:
    """Ids of the cases (visible to `user`) that `text` names: a case number, an order number,
    a phone number (the case's contact or the customer's), a return or outbound tracking number,
    or a serial number (claimed on a line or sold on its order line).

    The kinds are tried in turn, each its own lookup, and the first that finds something wins:
    case number, order number, phones, return and outbound tracking numbers (B-tree indexes),
    then serial numbers inside the JSON lists of case and order lines (GIN indexes on
    PostgreSQL, the trigger-kept lookup table on SQLite: cases.serial_lookup)."""
    text = (text or "").strip()
    if not text:
        return []
    visible = case_selectors.case_visible_to(user)
    if CASE_NUMBER.match(text):
        return list(visible.filter(number=text.upper()).values_list("id", flat=True)[:1])
    phone = re.sub(r"[\s()-]", "", text)
    phone = phone[3:] if phone.startswith("+86") else phone
    tracking = normalise_tracking(text)
    trackable = bool(re.fullmatch(r"[A-Z0-9]{6,40}", tracking))

    def by_order():
        lines = CaseLine.objects.filter(order_line__order__number=text)
        return visible.filter(id__in=list(lines.values_list("case_id", flat=True)[:limit]))

    def by_phone():
        if not re.fullmatch(r"\d{7,15}", phone):
            return None
        contact = list(visible.filter(contact_phone=phone).values_list("id", flat=True)[:limit])
        return contact + list(visible.filter(customer__phone=phone).values_list("id", flat=True)[:limit])

    lookups = (
        by_order,
        by_phone,
        lambda: visible.filter(return_tracking_number=tracking) if trackable else None,
        lambda: visible.filter(outbound_tracking_number=tracking) if trackable else None,
        lambda: case_selectors.case_list(user=user, serial_number=text) if len(text) >= 4 else None,
    )
    for lookup in lookups:
        found = lookup()
        if found is None:
            continue
        ids = (
            found if isinstance(found, list) else list(found.order_by().values_list("id", flat=True)[:limit])
        )
        if ids:
            return list(dict.fromkeys(ids))
    return []


def _local_day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


@dataclass(frozen=True)
class CaseFilters:
    """The case list's filters, all optional (forms.CaseFilterForm cleans them)."""

    q: str = ""
    status: str = ""
    type: str = ""
    priority: str = ""
    channel: str = ""
    reason_class: str = ""
    customer: str = ""
    created_from: date | None = None
    created_to: date | None = None
    sla_state: str = ""
    queue: str = ""
    oldest_first: bool = False


@dataclass(frozen=True)
class CaseListPage:
    cases: list[Case]
    next_cursor: str | None
    due: dict = field(default_factory=dict)  # case id -> the earliest due time of a running target
    cursor_invalid: bool = False


def _encode(number: str) -> str:
    return base64.urlsafe_b64encode(number.encode()).rstrip(b"=").decode()


def _decode(cursor: str) -> str | None:
    try:
        number = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    return number if re.fullmatch(r"[A-Za-z0-9-]{1,32}", number) else None


def case_queryset(*, user, filters: CaseFilters) -> QuerySet[Case]:
    """The cases `user` may see, narrowed by `filters`: the exact filters of cases.selectors.case_list,
    a queue, a search. Dates are whole local days; the case number carries its local creation
    day, so a date range is also a range of the number's unique index."""
    cases = case_selectors.case_list(
        user=user,
        status=filters.status or None,
        type=filters.type or None,
        priority=filters.priority or None,
        channel=filters.channel or None,
        reason_class=filters.reason_class or None,
        customer_code=filters.customer or None,
        created_from=_local_day_start(filters.created_from) if filters.created_from else None,
        created_to=(
            _local_day_start(filters.created_to + timedelta(days=1)) - timedelta(microseconds=1)
            if filters.created_to
            else None
        ),
    )
    if filters.created_from:
        cases = cases.filter(number__gte=f"RT-{filters.created_from:%Y%m%d}")
    if filters.created_to:
        cases = cases.filter(number__lt=f"RT-{filters.created_to + timedelta(days=1):%Y%m%d}")
    if filters.sla_state:
        cases = cases.filter(sla_q(filters.sla_state))
    if filters.queue:
        q = queue_q(user, filters.queue)
        cases = cases.filter(q) if q is not None else cases.none()
    if filters.q:
        cases = cases.filter(id__in=search_case_ids(user=user, text=filters.q))
    return cases


def case_list_page(
    *, user, filters: CaseFilters, cursor: str | None = None, limit: int = PAGE_SIZE
) -> CaseListPage:
    """One page of the filtered list, newest first (or oldest first), by case number: unique,
    indexed and in creation order, so a page is an index range ending in LIMIT, and the next
    page starts after the last number served (no OFFSET, no total count)."""
    cases = case_queryset(user=user, filters=filters)
    after = _decode(cursor) if cursor else None
    if after:
        cases = cases.filter(number__gt=after) if filters.oldest_first else cases.filter(number__lt=after)
    rows = list(cases.order_by("number" if filters.oldest_first else "-number")[: limit + 1])
    next_cursor = _encode(rows[limit - 1].number) if len(rows) > limit else None
    rows = rows[:limit]
    return CaseListPage(
        cases=rows,
        next_cursor=next_cursor,
        due=next_due_times([c.id for c in rows]),
        cursor_invalid=bool(cursor) and not after,
    )


def next_due_times(case_ids: list) -> dict:
    """For each case, the earliest due time of a running SLA target of its current round (one query)."""
    if not case_ids:
        return {}
    rows = (
        SlaTarget.objects.filter(
            clock__case_id__in=case_ids, state=TargetState.RUNNING, round=F("clock__round")
        )
        .values("clock__case_id")
        .annotate(due=Min("due_at"))
    )
    return {row["clock__case_id"]: row["due"] for row in rows}


def status_counts(*, case_type: str = "") -> dict[str, int]:
    """Cases per status (of one type, or all), for the process diagram; one grouped query."""
    from django.db.models import Count

    cases = Case.objects.all()
    if case_type:
        cases = cases.filter(type=case_type)
    return dict(cases.values_list("status").annotate(n=Count("id")).order_by())


def saved_views_of(user) -> QuerySet[SavedView]:
    return SavedView.objects.filter(owner_id=user.pk).order_by("name")


# --- the case page ----------------------------------------------------------------------------


@dataclass(frozen=True)
class LineRow:
    """A case line with its quantities at each stage (seed S2: requested, actually received,
    refunded) and what is left returnable on the order line."""

    line: CaseLine
    unit_paid: object  # Decimal: paid per unit on the order line
    shipped: int
    returned: int
    returnable: int


@dataclass(frozen=True)
class CasePage:
    detail: case_selectors.CaseDetail
    line_rows: list[LineRow]
    orders: list
    attachments: list[Attachment]
    messages: list  # TimelineEntry: notes the customer sees (both directions)
    internal_notes: list  # TimelineEntry: staff-only notes
    events: list  # TimelineEntry: everything else
    cause: object | None
    customer_deadline: datetime | None


def case_page(*, user, case_id) -> CasePage:
    """Everything the case page shows, as `user` may see it (cases.selectors.case_detail), with
    notes split into messages with the customer and internal notes."""
    detail = case_selectors.case_detail(user=user, case_id=case_id)
    case = detail.case
    rows, orders = [], {}
    for line in detail.lines:
        ol = line.order_line
        orders.setdefault(ol.order_id, ol.order)
        rows.append(
            LineRow(
                line=line,
                unit_paid=(ol.paid_amount / ol.quantity) if ol.quantity else ol.paid_amount,
                shipped=ol.quantity_shipped,
                returned=ol.quantity_returned,
                returnable=ol.returnable_quantity,
            )
        )
    messages, internal, events = [], [], []
    for entry in detail.timeline:
        if entry.event.type == "note":
            (internal if entry.event.internal else messages).append(entry)
        else:
            events.append(entry)
    return CasePage(
        detail=detail,
        line_rows=rows,
        orders=list(orders.values()),
        attachments=list(case_selectors.attachment_list(case=case)),
        messages=messages,
        internal_notes=internal,
        events=events,
        cause=getattr(case, "cause", None) if detail.staff_view else None,
        customer_deadline=customer_deadline(case_id=case.id) if case.status in PAUSE_STATUSES else None,
    )


def default_return_address() -> str:
    warehouse = Warehouse.objects.filter(is_default=True).first()
    if warehouse is None:
        return ""
    contact = " ".join(part for part in (warehouse.contact_name, warehouse.phone) if part)
    return f"{warehouse.return_address}({contact})" if contact else warehouse.return_address


def reply_values(*, case: Case, user, language: str | None = None, deadline=None) -> dict[str, str]:
    """The values of the reply-template variables (replies.variables.VARIABLES) for this case."""
    english = (language or "").lower().startswith("en")
    name = f"{user.last_name}{user.first_name}".strip() or user.get_username()
    when = timezone.localtime(deadline).strftime("%Y-%m-%d %H:%M") if deadline else ""
    return {
        "customer_name": case.contact_name or case.customer.name,
        "case_number": case.number,
        "status": pick(case.get_status_display(), "en" if english else "zh-hans"),
        "deadline": when,
        "return_address": default_return_address(),
        "tracking_number": case.return_tracking_number,
        "refund_amount": f"{case.refund_amount} CNY" if case.refund_amount is not None else "",
        "agent_name": name,
        "company": django_settings.RETURNDESK_COMPANY_NAME,
    }


# --- department pages ------------------------------------------------------------------------


def department_queue(*, user, role: str, limit: int = 100) -> list[Case]:
    """The oldest open cases waiting for `role` (its inbox), for the department pages; lines loaded."""
    q = inbox_q(role)
    if q is None:
        return []
    visible = case_selectors.case_visible_to(user)
    return _oldest(visible, visible.filter(q & _open()), limit)


def find_for_receiving(*, user, text: str) -> list[Case]:
    """What the warehouse scanned or typed: a case number or a return tracking number (also an
    order number or phone, via the search), open cases first, newest first, at most 10."""
    ids = search_case_ids(user=user, text=text, limit=20)
    if not ids:
        return []
    qs = case_selectors.case_visible_to(user).filter(id__in=ids)
    cases = list(qs.prefetch_related(case_selectors.case_lines_prefetch()).order_by("-number")[:10])
    return sorted(cases, key=lambda c: (not c.is_open,))


def parse_uuid(value) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


# --- printable documents ----------------------------------------------------------------------


@dataclass(frozen=True)
class TrailStep:
    type: str
    role_label: str
    step: str  # "中文 / English"
    who: str
    at: datetime
    opinion: str


TRAIL_ACTIONS = ("approve", "receive", "confirm_cause", "gm_approve", "gm_reject", "refund", "reject")


def approval_trail(case: Case, events) -> list[TrailStep]:
    """Who decided what and when, from the timeline: the applicant, the review, the warehouse
    receipt, the cause, the general manager's opinion, the finance reversal (seed S2/S3)."""
    trail = []
    for entry in events:
        event = entry.event
        if event.type != "created" and event.type not in TRAIL_ACTIONS:
            continue
        data = event.data or {}
        opinion = data.get("opinion") or data.get("reason") or data.get("handling") or data.get("note") or ""
        if event.type == "refund":
            opinion = f"{data.get('amount', '')} CNY · {data.get('reference', '')}"
        elif event.actor_id is None:
            opinion = pick(opinion)  # the system's texts are "中文 / English"
        trail.append(
            TrailStep(
                type=event.type,
                role_label=entry.actor_role_label,
                step=entry.label,
                who=str(event.actor) if event.actor else pick(Role.SYSTEM.label),
                at=event.created_at,
                opinion=opinion,
            )
        )
    return trail


def lines_by_reason(lines) -> dict:
    grouped = defaultdict(list)
    for line in lines:
        grouped[line.reason].append(line)
    return dict(grouped)


__all__ = [
    "QUEUES",
    "Case",
    "CaseFilters",
    "Status",
    "case_list_page",
    "case_page",
    "home_for",
    "inbox_q",
    "queue_q",
    "search_case_ids",
]


# --- intake by phone or email (seed S8 2.1, S9 steps 1–2) -------------------------------------


@dataclass(frozen=True)
class CustomerHit:
    customer: object
    order_number: str  # set when the search text was one of this customer's order numbers


def customer_search(*, user, text: str, limit: int = 10) -> list[CustomerHit]:
    """Customers (visible to `user`) that `text` names: by code, phone, email, an order number,
    or part of the name; exact matches first."""
    from returndesk.catalog.selectors import customer_visible_to
    from returndesk.orders.selectors import order_list

    text = (text or "").strip()
    if len(text) < 2:
        return []
    customers = customer_visible_to(user)
    found: dict = {}

    def take(qs, order_number: str = "") -> None:
        for customer in qs[:limit]:
            found.setdefault(customer.id, CustomerHit(customer, order_number))

    phone = re.sub(r"[\s()-]", "", text)
    phone = phone[3:] if phone.startswith("+86") else phone
    take(customers.filter(code=text))
    if re.fullmatch(r"\d{5,15}", phone):
        take(customers.filter(phone=phone))
    if "@" in text:
        take(customers.filter(email__iexact=text))
    take(customers.filter(id__in=order_list(user=user, number=text).values("customer_id")), text)
    if len(found) < limit:
        take(customers.filter(name__icontains=text).order_by("name"))
    return list(found.values())[:limit]


def customer_for_intake(*, user, code: str):
    from returndesk.catalog.selectors import customer_visible_to

    return customer_visible_to(user).filter(code=(code or "").strip()).first()


@dataclass(frozen=True)
class IntakeLine:
    order_line: object
    returnable: int


def intake_lines(*, customer, order_number: str = "", limit: int = 60) -> list[IntakeLine]:
    """The customer's order lines, newest order first (one order when `order_number` is given),
    with what is still returnable on each (shipped − returned − held by open cases)."""
    from returndesk.orders.selectors import order_lines_for_customer

    lines = order_lines_for_customer(customer=customer)
    if order_number:
        lines = lines.filter(order__number=order_number.strip())
    return [IntakeLine(ol, ol.returnable_quantity) for ol in lines.select_related("product")[:limit]]


def leaf_reasons() -> list:
    """The reasons a line may name (leaves of the tree), grouped by class for the select."""
    from returndesk.cases.models import ReturnReason

    leaves = ReturnReason.objects.filter(is_active=True).exclude(
        Exists(ReturnReason.objects.filter(parent=OuterRef("pk")))
    )
    groups: dict[str, list] = {value: [] for value in ReasonClass.values}
    for reason in leaves.order_by("sort_order", "code"):
        groups[reason.reason_class].append(reason)
    return [(ReasonClass(value).label, items) for value, items in groups.items() if items]


# --- the return petition (seed S3 退货签呈) and the return request form (seed S6) ---------------

SOLUTION_LABELS = {
    "pickup": "上门取件 / Pickup by courier",
    "self_ship": "客户自行寄回 / Customer ships it back",
    "drop_off": "送至网点 / Drop-off at a service point",
    "onsite": "上门维修 / On-site repair",
}


@dataclass(frozen=True)
class DocItem:
    name: str
    spec: str
    sku: str
    unit: str
    quantity: int
    quantity_received: int | None
    unit_price: object  # Decimal, paid per unit
    total: object  # Decimal, value of the claimed units
    reason: str  # "中文 / English"
    reason_class: str
    order_number: str
    serials: list


@dataclass(frozen=True)
class Petition:
    """A return petition (签呈) for one case, as seed S3 lays it out."""

    case: Case
    number: str
    date: object
    department: str  # "中文 / English"
    applicant: str
    position: str  # "中文 / English"
    items: list[DocItem]
    total: object
    reasons: list[str]
    description: str
    quality_report: object | None  # CaseCause
    receiving_record: TrailStep | None
    complaint_record: str
    attachments: list
    return_method: str  # "中文 / English"
    return_deadline: datetime | None
    return_place: str
    acceptance: list[dict]  # the policy's conditions on the goods
    refund_route: str  # "中文 / English"
    trail: list[TrailStep]
    company: str


def _doc_items(lines) -> list[DocItem]:
    items = []
    for line in lines:
        ol = line.order_line
        product = ol.product
        items.append(
            DocItem(
                name=product.name,
                spec=product.model_spec,
                sku=product.sku,
                unit=product.unit,
                quantity=line.quantity,
                quantity_received=line.quantity_received,
                unit_price=(ol.paid_amount / ol.quantity).quantize(ol.paid_amount)
                if ol.quantity
                else ol.paid_amount,
                total=line.claimed_amount,
                reason=f"{line.reason.name} / {line.reason.name_en}",
                reason_class=line.reason.get_reason_class_display(),
                order_number=ol.order.number,
                serials=list(line.serial_numbers or []),
            )
        )
    return items


def petition(*, case: Case, user) -> Petition:
    """The petition of `case` (seed S3): who applies for whom, the items, the reason and its
    evidence (QC report = the confirmed cause, receiving record = the warehouse's receipt,
    complaint record = the request itself, other evidence = attachments), the handling plan, and
    the approval trail from the timeline."""
    from django.db.models import prefetch_related_objects

    prefetch_related_objects([case], case_selectors.case_lines_prefetch())
    lines = list(case.lines.all())
    entries = case_selectors.case_timeline_entries(case=case, user=user)
    trail = approval_trail(case, entries)
    receiving = next((step for step in reversed(trail) if step.type == "receive"), None)
    applicant = case.created_by
    conditions = {}
    for line in (case.policy_decision or {}).get("lines", ()):
        for condition in line.get("conditions", ()):
            conditions.setdefault(condition["code"], condition)
    deadline = customer_deadline(case_id=case.id, rules=("ship",))
    return Petition(
        case=case,
        number=case.number,
        date=timezone.localdate(case.created_at),
        department=Role(applicant.role).label if applicant.role in Role.values else "",
        applicant=str(applicant),
        position=Role(applicant.role).label if applicant.role in Role.values else "",
        items=_doc_items(lines),
        total=case.claimed_amount,
        reasons=list(dict.fromkeys(f"{line.reason.name} / {line.reason.name_en}" for line in lines)),
        description=case.description,
        quality_report=getattr(case, "cause", None),
        receiving_record=receiving,
        complaint_record=f"{case.number} · {pick(case.get_channel_display())}",
        attachments=list(case_selectors.attachment_list(case=case)),
        return_method=SOLUTION_LABELS.get(case.solution, ""),
        return_deadline=deadline,
        return_place=default_return_address(),
        acceptance=list(conditions.values()),
        refund_route="原路退回 / Back by the original payment route",
        trail=trail,
        company=django_settings.RETURNDESK_COMPANY_NAME,
    )


@dataclass(frozen=True)
class RequestStep:
    label: str  # "中文 / English"
    done_at: datetime | None


# Seed S6's eight steps, each marked done by the first event that completes it.
REQUEST_STEPS = (
    ("客户提交退货申请 / The customer submits the request", ("created",)),
    ("核对和确认申请 / The request is verified", ("approve", "reject", "answer", "schedule_visit")),
    ("决定是否接受退货 / Accepted or refused", ("approve", "reject", "gm_reject")),
    ("提供退货地址与时限 / Return address and deadline given", ("approve",)),
    ("客户寄回并保留凭证 / The customer ships and keeps proof", ("ship_back", "receive")),
    ("收货检查 / Goods checked on receipt", ("receive",)),
    (
        "退款或重新发货 / Refund or re-shipment",
        ("refund", "auto_refund", "ship_replacement", "finish_repair"),
    ),
    ("归档保存 / Archived", ("close",)),
)


@dataclass(frozen=True)
class RequestForm:
    """The return request form (seed S6 退货申请单) of one case."""

    case: Case
    items: list[DocItem]
    total: object
    steps: list[RequestStep]
    supplier: str
    supplier_contact: str
    company: str


def request_form(*, case: Case, user) -> RequestForm:
    from django.db.models import prefetch_related_objects

    prefetch_related_objects([case], case_selectors.case_lines_prefetch())
    events = list(case_selectors.case_timeline(case=case, user=user))
    steps = []
    for label, types in REQUEST_STEPS:
        done = next((e.created_at for e in events if e.type in types), None)
        steps.append(RequestStep(label, done))
    warehouse = Warehouse.objects.filter(is_default=True).first()
    company = django_settings.RETURNDESK_COMPANY_NAME
    return RequestForm(
        case=case,
        items=_doc_items(case.lines.all()),
        total=case.claimed_amount,
        steps=steps,
        supplier=company or (warehouse.name if warehouse else ""),
        supplier_contact=(
            " ".join(p for p in (warehouse.contact_name, warehouse.phone, warehouse.return_address) if p)
            if warehouse
            else ""
        ),
        company=company,
    )


# --- the goods and the money of a case (issue #5, #6 satellites) ---------------------------------


@dataclass(frozen=True)
class GoodsAndMoney:
    receipt: object | None  # inspection.Receipt with lines, units and extras (staff only)
    refunds: list  # refunds.Refund, every attempt (staff only: routes, payees, vouchers)
    exchange: object | None  # exchanges.Exchange, the live arrangement with its lines and requests
    repair: object | None  # repairs.Repair with its quote items (the customer decides on the quote)

    @property
    def empty(self) -> bool:
        return not (self.receipt or self.refunds or self.exchange or self.repair)


def goods_and_money(*, case: Case, staff: bool) -> GoodsAndMoney:
    """What came back and what was paid or quoted on `case`, read from the satellite apps'
    selectors: the receipt per unit and the refunds for staff; the exchange and the repair quote
    for everyone who may see the case (the customer accepts or declines the quote)."""
    from returndesk.exchanges.selectors import exchanges_of_case
    from returndesk.inspection.selectors import receipt_detail
    from returndesk.refunds.selectors import refunds_of_case
    from returndesk.repairs.selectors import repair_of_case

    exchange = repair = None
    if case.type == CaseType.EXCHANGE:
        exchange = exchanges_of_case(case=case).exclude(state="superseded").first()
    if case.type == CaseType.REPAIR:
        repair = repair_of_case(case=case)
    return GoodsAndMoney(
        receipt=receipt_detail(case) if staff and case.type in GOODS_TYPES else None,
        refunds=refunds_of_case(case.pk) if staff else [],
        exchange=exchange,
        repair=repair,
    )
