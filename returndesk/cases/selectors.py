"""Reads of the cases domain, filtered by what the user may see."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, prefetch_related_objects

from returndesk.accounts.roles import EXTERNAL_ROLES, STAFF_ROLES, Role
from returndesk.logistics.carriers import normalise_tracking
from returndesk.policies.decisions import Decision
from returndesk.sla.selectors import CaseSlaView, case_ids_in_sla_state, case_sla_view

from . import errors, serial_lookup
from .models import Attachment, Case, CaseCause, CaseEvent, CaseLine, CaseType, Status
from .services.creation import parse_request
from .services.transitions import check_allowed, guard_failures
from .workflow import TRANSITIONS, Input, Transition, transition_for


def case_visible_to(user) -> QuerySet[Case]:
    """Staff see every case; so do integrations (role system: they open cases and take the
    workflow's system steps, and see every customer and order already); a customer or
    distributor only its own; anyone else nothing."""
    qs = Case.objects.select_related("customer", "assignee", "team")
    if user is None or not user.is_authenticated or not user.is_active:
        return qs.none()
    if user.role in STAFF_ROLES or user.role == Role.SYSTEM:
        return qs
    if user.role in EXTERNAL_ROLES and user.customer_id:
        return qs.filter(customer_id=user.customer_id)
    return qs.none()


def case_get_for_user(
    *,
    user,
    case_id=None,
    number: str | None = None,
    related: Iterable[str] = (),
    only: Iterable[str] | None = None,
) -> Case:
    """One case `user` may see, with its customer, assignee and team, and the `related` objects
    an answer needs (select_related paths, e.g. "created_by", "cause__confirmed_by"). With
    `only`, just those columns and just the `related` objects (for a caller that reads nothing
    else: any other field would be read with a query of its own)."""
    qs = case_visible_to(user)
    if only is not None:
        qs = qs.select_related(None).only(*only)
    if related:  # select_related() without names would follow every non-null foreign key
        qs = qs.select_related(*related)
    try:
        return qs.get(id=case_id) if case_id else qs.get(number=number)
    except Case.DoesNotExist:  # someone else's case looks exactly like a missing one
        raise errors.not_found() from None


def case_timeline(*, case: Case, user) -> QuerySet[CaseEvent]:
    qs = case.events.select_related("actor").order_by("sequence")
    if user.role not in STAFF_ROLES:
        qs = qs.filter(internal=False)
    return qs


@dataclass(frozen=True)
class AvailableAction:
    transition: Transition
    enabled: bool
    reason_zh: str = ""
    reason_en: str = ""

    @property
    def action(self) -> str:
        return self.transition.action


def case_available_actions(*, case: Case, user) -> list[AvailableAction]:
    """The actions this user may take on this case now, from the workflow declaration: those
    whose role, ownership and status fit; each says whether its guards currently pass and why not."""
    from returndesk.core.errors import DomainError

    result = []
    for transition in TRANSITIONS:
        if case.type not in transition.types:
            continue
        try:
            check_allowed(case, user, transition)
        except DomainError:
            continue
        failures = guard_failures(case, transition)
        if failures:
            _guard, res = failures[0]
            result.append(AvailableAction(transition, False, res.zh, res.en))
        else:
            result.append(AvailableAction(transition, True))
    return result


def case_counts_by_status() -> dict[str, int]:
    return dict(Case.objects.values_list("status").annotate(n=Count("id")).order_by())


# --- pages: one selector per page, composed from the reads above ----------------------------

# Timeline entries that are not workflow transitions (those are labelled from the declaration).
EVENT_LABELS = {
    "created": "提交申请 / Case opened",
    "assigned": "分派处理人 / Assigned",
    "priority_changed": "调整优先级 / Priority changed",
    "note": "备注 / Note",
    "attachment_added": "上传附件 / Attachment added",
    "sla_warning": "服务时效预警 / SLA warning",
    "sla_breached": "服务时效超时,已升级 / SLA breached, escalated",
    "flagged": "仓库超时未确认收货 / Flagged: receipt not confirmed in time",
    "carrier_delivered": "承运商已签收退货 / Carrier delivered the return",
    "refund_deadline_alarm": "法定退款期限将至 / Legal refund deadline near",
    "evidence_waived": "免除上传凭证 / Evidence waived",
    "policy_override": "越过政策限制 / Policy overridden",
    "refund_flagged": "退款回调与记录不符,已标记待核查 / Refund callback inconsistent, flagged",
    "exchange_credit_settled": "换货差价已退还客户 / Exchange difference paid out",
    "follow_up_opened": "由验收问题开立工单 / Case opened from the findings",
    "pickup_booked": "已预约上门取件 / Pickup booked",
    "units_disposed": "退货处置 / Units disposed of",
    "extra_resolved": "多收/非申请货品已处理 / Extra item resolved",
}


def _is_staff(user) -> bool:
    return getattr(user, "role", None) in STAFF_ROLES


def _status_label(value: str) -> str:
    return Status(value).label if value in Status.values else value


@dataclass(frozen=True)
class StatusCount:
    status: Status
    count: int | None  # None where the user may not see figures over all cases


def _status_counts(user) -> list[StatusCount]:
    counts = case_counts_by_status() if _is_staff(user) else {}
    return [StatusCount(st, counts.get(st.value, 0) if _is_staff(user) else None) for st in Status]


@dataclass(frozen=True)
class CaseDashboard:
    status_counts: list[StatusCount] | None  # staff only: every case by status
    recent: list[Case]


def case_dashboard(*, user, limit: int = 20) -> CaseDashboard:
    """The home page: the latest cases the user may see; staff also get counts per status."""
    recent = list(case_visible_to(user).order_by("-created_at", "-number")[:limit])
    return CaseDashboard(_status_counts(user) if _is_staff(user) else None, recent)


@dataclass(frozen=True)
class TimelineEntry:
    event: CaseEvent
    label: str  # "中文 / English", like choice labels
    from_label: str
    to_label: str
    actor_role_label: str


@dataclass(frozen=True)
class CaseDetail:
    case: Case
    lines: list[CaseLine]
    timeline: list[TimelineEntry]
    actions: list[AvailableAction]
    staff_view: bool
    sla: CaseSlaView | None = None  # staff only: due times, time left, timeout deadlines


def _event_label(case: Case, event_type: str) -> str:
    transition = transition_for(case.type, event_type)
    if transition is not None:
        return f"{transition.zh} / {transition.en}"
    return EVENT_LABELS.get(event_type, event_type)


def case_timeline_entries(*, case: Case, user) -> list[TimelineEntry]:
    """The timeline as `user` may see it (internal events only for staff), each event labelled."""
    return [
        TimelineEntry(
            event=event,
            label=_event_label(case, event.type),
            from_label=_status_label(event.from_status) if event.from_status else "",
            to_label=_status_label(event.to_status) if event.to_status else "",
            actor_role_label=Role(event.actor_role).label if event.actor_role in Role.values else "",
        )
        for event in case_timeline(case=case, user=user)
    ]


def case_lines_prefetch(only: Iterable[str] | None = None) -> Prefetch:
    """A case's lines with their order lines, orders, products and reasons, in one query (with
    `only`, just those columns of them)."""
    lines = CaseLine.objects.select_related("order_line__order", "order_line__product", "reason")
    if only is not None:
        lines = lines.only(*only)
    return Prefetch("lines", queryset=lines.order_by("created_at", "id"))


def case_detail(*, user, case_id) -> CaseDetail:
    """One case as this user may see it: header, lines, timeline (internal events hidden from
    customers) and the workflow actions open to the user now. NotFound for anyone else's case."""
    case = case_get_for_user(user=user, case_id=case_id)
    # The guards read case.lines; one prefetch serves them and the page.
    prefetch_related_objects([case], case_lines_prefetch())
    return CaseDetail(
        case=case,
        lines=list(case.lines.all()),
        timeline=case_timeline_entries(case=case, user=user),
        actions=case_available_actions(case=case, user=user),
        staff_view=_is_staff(user),
        sla=case_sla_view(case) if _is_staff(user) else None,
    )


@dataclass(frozen=True)
class WorkflowStep:
    transition: Transition
    sources: list[StatusCount]
    target: StatusCount
    roles: list[Role]
    types: list[CaseType]
    required_inputs: list[Input]


@dataclass(frozen=True)
class WorkflowOverview:
    steps: list[WorkflowStep]
    statuses: list[StatusCount]
    show_counts: bool


def workflow_overview(*, user) -> WorkflowOverview:
    """The process as declared in cases.workflow.TRANSITIONS, in declaration order, with the
    number of cases in each status (figures only for staff)."""
    statuses = _status_counts(user)
    by_status = {sc.status: sc for sc in statuses}
    steps = [
        WorkflowStep(
            transition=t,
            sources=[by_status[st] for st in Status if st in t.sources],
            target=by_status[t.target],
            roles=[r for r in Role if r in t.roles],
            types=[ct for ct in CaseType if ct in t.types],
            required_inputs=[i for i in t.inputs if i.required],
        )
        for t in TRANSITIONS
    ]
    return WorkflowOverview(steps=steps, statuses=statuses, show_counts=_is_staff(user))


# --- policy -----------------------------------------------------------------------------------


def eligibility_check(
    *, user, customer, case_type: str, lines: Iterable[dict], evidence_count: int = 0
) -> Decision:
    """What the policy would decide if `user` opened this request now, against the current policy
    version: per line eligible or not, allowed solutions, deadlines, fees, who pays shipping and
    the explanations (zh/en). For the API's eligibility endpoint and the portal preview; the same
    checks as case_create on who may ask and which lines, and it writes nothing."""
    from returndesk.policies.selectors import policy_current

    from .policy import evaluate_lines

    parsed = parse_request(actor=user, customer=customer, type=case_type, lines=lines)
    return evaluate_lines(
        customer=customer,
        case_type=case_type,
        parsed=parsed,
        policy=policy_current(),
        evidence_count=evidence_count,
    )


# --- the API: lists with filters, one case with its lines, attachments -------------------------


def _lines_with_serial(serial: str) -> list[tuple]:
    """(id, case id) of the case lines on which `serial` is claimed or whose order line sold it.
    Two lookups read first, each answered by an index (cases.serial_lookup), instead of a test
    of every case's lines."""
    claimed = CaseLine.objects.filter(serial_lookup.claimed_q(serial))
    sold = CaseLine.objects.filter(serial_lookup.sold_q(serial))
    return list(claimed.values_list("pk", "case_id")) + list(sold.values_list("pk", "case_id"))


def case_list(
    *,
    user,
    status: str | None = None,
    type: str | None = None,
    priority: str | None = None,
    channel: str | None = None,
    reason_class: str | None = None,
    customer_code: str | None = None,
    order_number: str | None = None,
    phone: str | None = None,
    serial_number: str | None = None,
    tracking_number: str | None = None,
    created_from: datetime | None = None,
    created_to: datetime | None = None,
    sla_state: str | None = None,
) -> QuerySet[Case]:
    """The cases `user` may see (case_visible_to), narrowed by every filter given; with customer,
    assignee, team and the lines (order line, order, product, reason) in a fixed number of
    queries, whatever the page size. Line filters match a case with at least one such line:
    `reason_class`, `order_number`, `serial_number` (claimed on the case line, or sold on its
    order line). `phone`: the case's contact phone or the customer's; `tracking_number`: the
    return or the outbound shipment; `created_from` / `created_to`: inclusive bounds; `sla_state`: sla.selectors.SlaState."""
    cases = case_visible_to(user).prefetch_related(case_lines_prefetch())
    exact = {"status": status, "type": type, "priority": priority, "channel": channel}
    cases = cases.filter(**{name: value for name, value in exact.items() if value})
    if customer_code:
        cases = cases.filter(customer__code=customer_code.strip())
    line_filters = Q()
    if reason_class:
        line_filters &= Q(reason__reason_class=reason_class)
    if order_number:
        line_filters &= Q(order_line__order__number=order_number.strip())
    if serial_number:
        lines = _lines_with_serial(serial_number.strip())
        cases = cases.filter(id__in={case_id for _pk, case_id in lines})
        line_filters &= Q(pk__in=[pk for pk, _case_id in lines])  # the same line as the other line filters
    if line_filters:
        cases = cases.filter(Exists(CaseLine.objects.filter(line_filters, case=OuterRef("pk"))))
    if phone:
        phone = phone.strip()
        cases = cases.filter(Q(contact_phone=phone) | Q(customer__phone=phone))
    if tracking_number:
        number = normalise_tracking(tracking_number)
        cases = cases.filter(Q(return_tracking_number=number) | Q(outbound_tracking_number=number))
    if created_from is not None:
        cases = cases.filter(created_at__gte=created_from)
    if created_to is not None:
        cases = cases.filter(created_at__lte=created_to)
    if sla_state:
        cases = cases.filter(id__in=case_ids_in_sla_state(sla_state))
    return cases


def case_get_with_lines(
    *, user, case_id, related: Iterable[str] = (), line_fields: Iterable[str] | None = None
) -> Case:
    """One case as case_get_for_user finds it (NotFound for anyone else's), with its lines loaded
    as in case_list, so its actions' guards and its answer read them without further queries
    (`line_fields`: only those columns of the lines and their related rows)."""
    case = case_get_for_user(user=user, case_id=case_id, related=related)
    prefetch_related_objects([case], case_lines_prefetch(line_fields))
    return case


def case_load_lines_and_cause(case: Case, *, cause: bool, line_fields: Iterable[str] | None = None) -> Case:
    """Load (again) the lines of a case read earlier, and with `cause` its production/QC cause
    and who confirmed it: after a change, what case_get_with_lines(related=("cause__confirmed_by",))
    would read, without reading the case row again."""
    prefetch_related_objects([case], case_lines_prefetch(line_fields))
    if cause:
        found = list(
            CaseCause.objects.select_related("confirmed_by").filter(case_id=case.pk)[:1]
        )  # one at most
        Case.cause.related.set_cached_value(case, found[0] if found else None)  # None: no cause yet
    return case


def attachment_list(*, case: Case) -> QuerySet[Attachment]:
    """The files on a case the caller found with case_get_for_user, oldest first."""
    return case.attachments.select_related("uploaded_by").order_by("created_at", "id")


def attachment_get(*, user, case_id, attachment_id) -> Attachment:
    """One file of a case `user` may see; someone else's looks exactly like a missing one."""
    case = case_get_for_user(user=user, case_id=case_id)
    attachment = attachment_list(case=case).filter(id=attachment_id).first()
    if attachment is None:
        raise errors.attachment_not_found()
    return attachment


# --- receipt: find the case of a parcel ----------------------------------------------------------

CASE_NUMBER = re.compile(r"^RT-\d{8}-\d{5}$")
SCAN_LIMIT = 10


def case_find_for_receipt(*, user, code: str) -> list[Case]:
    """Seed S2 仓库确认实际退货入库数量: the cases a typed or scanned code names — a case number
    (the QR code of the return label carries it) or a tracking number of the return (as entered by
    the customer, or the one a pickup booking assigned). Staff and integrations only; newest first,
    at most SCAN_LIMIT (one parcel may carry the goods of several cases of one customer)."""
    from returndesk.logistics.models import ReturnShipment

    if user is None or (user.role not in STAFF_ROLES and user.role != Role.SYSTEM):
        raise errors.role_forbidden("receipt_lookup")
    text = (code or "").strip().upper()
    if not text:
        return []
    qs = case_visible_to(user).prefetch_related(case_lines_prefetch())
    if CASE_NUMBER.match(text):
        return list(qs.filter(number=text)[:SCAN_LIMIT])
    number = normalise_tracking(text)
    shipped = ReturnShipment.objects.filter(Q(tracking_number=number) | Q(booking_reference=text)).values(
        "case_id"
    )
    return list(
        qs.filter(Q(return_tracking_number=number) | Q(id__in=shipped)).order_by("-created_at")[:SCAN_LIMIT]
    )


# --- refunds ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RefundPromiseView:
    refund: object  # refunds.models.Refund
    promise: object  # refunds.promises.Promise: expected earliest / latest arrival


@dataclass(frozen=True)
class CaseRefundOverview:
    """A case's refund as its customer and staff see it: the calculation per order, each refund
    with the arrival promised by its route (working days, China's calendar), the credit notes,
    and the legal deadline (消费者权益保护法 第二十五条: within 7 days of receiving the goods;
    sla rule refund_deadline, with its alarm)."""

    case: Case
    calculations: list
    refunds: list[RefundPromiseView]
    credit_notes: list
    legal_deadline: object  # sla.models.CaseDeadline | None
    expected_by: object  # the latest promised date of the refunds that did not fail, or None


def case_refund_overview(*, user, case_id) -> CaseRefundOverview:
    from returndesk.core.calendar import WorkingCalendar
    from returndesk.refunds import selectors as refund_selectors
    from returndesk.refunds.models import CreditNote, RefundSettings
    from returndesk.refunds.promises import refund_promise
    from returndesk.sla.models import CaseDeadline
    from returndesk.sla.rules import RuleCode

    case = case_get_for_user(user=user, case_id=case_id)
    refunds = refund_selectors.refunds_of_case(case.pk)
    settings = RefundSettings.current()
    calendar = WorkingCalendar.load() if refunds else None
    views = []
    for refund in refunds:
        views.append(RefundPromiseView(refund, refund_promise(refund, settings=settings, calendar=calendar)))
    latest = [v.promise.latest for v in views if v.promise.latest is not None]
    return CaseRefundOverview(
        case=case,
        calculations=refund_selectors.calculations_of_case(case.pk),
        refunds=views,
        credit_notes=list(CreditNote.objects.filter(case=case).order_by("number")),
        legal_deadline=CaseDeadline.objects.filter(case=case, rule=RuleCode.REFUND_DEADLINE)
        .order_by("-started_at")
        .first(),
        expected_by=max(latest) if latest else None,
    )
