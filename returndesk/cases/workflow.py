"""The case workflow, declared once.

Every status change of a case is one of the transitions below. The same table answers
"which actions may this user take on this case now" (API, pages), is enforced by
`cases.services.transitions`, and is drawn as the process diagram (`workflow_mermaid`).

Sources: seed S9 (consumer return flow), S2 (distributor approval: sales → warehouse →
production/QC → general manager → finance reversal), S1 (repair, consultation, delivery
acceptance inspection), S7 (reject with reason and alternative; appeal to arbitration).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from returndesk.accounts.roles import Role

from .models import CaseSettings, CaseType, ReasonClass, Status

T = CaseType
S = Status
R = Role

ALL_TYPES = frozenset(CaseType)
GOODS_TYPES = frozenset({T.RETURN_REFUND, T.EXCHANGE, T.REPAIR})
REVIEWERS = frozenset({R.AGENT, R.SUPERVISOR, R.SALES})
CUSTOMER_SIDE = frozenset({R.CUSTOMER, R.DISTRIBUTOR, R.AGENT, R.SUPERVISOR, R.SALES})


@dataclass(frozen=True)
class GuardResult:
    ok: bool
    zh: str = ""
    en: str = ""


OK = GuardResult(True)


@dataclass(frozen=True)
class Guard:
    """A condition on the case that must hold for a transition; explains itself when it fails."""

    name: str
    check: Callable[..., GuardResult]
    label: str = ""  # "中文 / English", shown on the workflow page
    # It reads the case's lines (with order line, order and reason): a transition whose guards
    # do reads them once for all of them (services.transitions._check_guards).
    reads_lines: bool = False


@dataclass(frozen=True)
class Input:
    name: str
    zh: str
    en: str
    required: bool = True


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset[Status]
    target: Status
    roles: frozenset[Role]
    types: frozenset[CaseType]
    zh: str
    en: str
    inputs: tuple[Input, ...] = ()
    guards: tuple[Guard, ...] = ()
    # Who the case waits on after this step; drives SLA pauses and queues.
    customer_facing: bool = field(default=True)

    @property
    def required_inputs(self) -> tuple[str, ...]:
        return tuple(i.name for i in self.inputs if i.required)


# --- guards ---------------------------------------------------------------------------------


def _quality_lines(case) -> bool:
    return any(line.reason.reason_class == ReasonClass.QUALITY for line in case.lines.all())


def gm_required(case, settings: CaseSettings) -> bool:
    """General-manager approval gate (seed S2/S3): every distributor return when configured,
    and any case whose amount at stake is above the configured amount — the refund it would pay
    for return-and-refund and refund-only cases (cases.services.refund_basis.refund_at_stake),
    the value of the claimed goods for exchanges and repairs."""
    from returndesk.catalog.models import CustomerType

    from .services.refund_basis import refund_at_stake

    if settings.gm_for_distributor_returns and case.customer.type == CustomerType.DISTRIBUTOR:
        return True
    return refund_at_stake(case) > settings.gm_approval_amount


def cause_required(case, settings: CaseSettings) -> bool:
    """Production/QC must confirm the cause for quality reasons (seed S2) on goods cases."""
    return settings.cause_required_for_quality and case.type in GOODS_TYPES and _quality_lines(case)


def _cause_done_if_required(case, settings) -> GuardResult:
    if cause_required(case, settings) and not hasattr_cause(case):
        return GuardResult(
            False, "质量原因须先由生产/质量部确认原因", "Production/QC must confirm the cause first"
        )
    return OK


def _gm_done_if_required(case, settings) -> GuardResult:
    if gm_required(case, settings) and case.gm_approved_at is None:
        return GuardResult(False, "须先经总经理审批", "The general manager must approve first")
    return OK


def _gm_needed(case, settings) -> GuardResult:
    if not gm_required(case, settings):
        return GuardResult(False, "本工单无需总经理审批", "This case does not need general-manager approval")
    return _cause_done_if_required(case, settings)


def _distributor_quality_only(case, settings) -> GuardResult:
    """Seed S2, decided by the policy engine at creation (rule distributor.quality_only) and read
    from the decision stored on the case, unless staff overrode it (cases.policy)."""
    from .policy import open_refusals

    if any(line["rule"] == "distributor.quality_only" for line in open_refusals(case, "review")):
        return GuardResult(
            False,
            "非质量原因的经销商退货不予受理,请由销售通知经销商",
            "Distributor returns for non-quality reasons are refused; sales informs the distributor",
        )
    return OK


def _evidence_present(case, settings) -> GuardResult:
    """Quality claims need photos or video before approval unless staff waived them (seed S7;
    policy rule evidence.required, stored in the case's decision)."""
    from .policy import evidence_outstanding

    if evidence_outstanding(case):
        return GuardResult(
            False,
            "质量问题须先上传照片或视频,或由客服注明理由后免除",
            "Quality claims need a photo or video first, or staff must waive it with a reason",
        )
    return OK


def _goods_received(case, settings) -> GuardResult:
    """A return is refunded for goods that arrived and passed inspection (seed S9 step 6 → 7)."""
    if case.type != T.RETURN_REFUND:
        return OK
    lines = list(case.lines.all())
    if not any((line.quantity_received or 0) > 0 for line in lines):
        return GuardResult(
            False, "仓库未收到任何退货,不能退款", "No returned goods were received; nothing to refund"
        )
    if all(line.quantity_accepted == 0 for line in lines):
        return GuardResult(
            False,
            "验收未接收任何退货(全部拒收),不能退款",
            "Inspection accepted none of the returned goods; nothing to refund",
        )
    return OK


def _refund_paid(case, settings) -> GuardResult:
    from returndesk.refunds.selectors import case_refund_state

    state = case_refund_state(case.pk)
    if state.calculations == 0 or state.pending or state.outstanding != 0:
        return GuardResult(False, "退款尚未全部完成", "The refund has not been paid in full")
    return OK


def _refund_failed(case, settings) -> GuardResult:
    from returndesk.refunds.selectors import case_refund_state

    state = case_refund_state(case.pk)
    if state.pending or not state.failed or state.outstanding <= 0:
        return GuardResult(False, "没有失败且已结束的退款", "No refund has failed with nothing pending")
    return OK


def _not_refunded(case, settings) -> GuardResult:
    if case.refunded_at is not None:
        return GuardResult(
            False,
            "已退款的工单不能重新打开,请新建工单",
            "A refunded case cannot be reopened; open a new case",
        )
    return OK


def _difference_due(case, settings) -> GuardResult:
    from returndesk.exchanges.selectors import exchange_amount_due

    if exchange_amount_due(case=case) is None:
        return GuardResult(False, "没有待支付的差价", "No price difference is due")
    return OK


def _difference_settled(case, settings) -> GuardResult:
    """Issue #5: a dearer replacement ships only once the customer has paid the difference
    (a payment request finance marks paid; never an automatic charge)."""
    from returndesk.exchanges.selectors import exchange_amount_due

    request = exchange_amount_due(case=case)
    if request is not None:
        return GuardResult(
            False,
            f"客户须先支付差价 ¥{request.amount}(付款单 {request.number})",
            f"The customer must first pay the price difference CNY {request.amount} ({request.number})",
        )
    return OK


def hasattr_cause(case) -> bool:
    from .models import CaseCause

    try:
        return case.cause is not None
    except CaseCause.DoesNotExist:
        return False


CAUSE_DONE = Guard(
    "cause_confirmed_if_required",
    _cause_done_if_required,
    "质量原因须经生产/质量部确认原因 / Quality reasons need the cause confirmed by production/QC",
    reads_lines=True,
)
GM_DONE = Guard(
    "gm_approved_if_required",
    _gm_done_if_required,
    "经销商退货及超额工单须总经理审批 / Distributor returns and large amounts need GM approval",
    reads_lines=True,
)
GM_NEEDED = Guard(
    "gm_approval_required",
    _gm_needed,
    "仅限须总经理审批的工单 / Only cases that need GM approval",
    reads_lines=True,
)
DISTRIBUTOR_QUALITY_ONLY = Guard(
    "distributor_quality_only",
    _distributor_quality_only,
    "经销商仅可因质量原因退货 / Distributors may return for quality reasons only",
)
EVIDENCE_PRESENT = Guard(
    "evidence_present",
    _evidence_present,
    "质量问题须有照片或视频(可由客服免除) / Quality claims need photos or video (staff may waive)",
)
GOODS_RECEIVED = Guard(
    "goods_received",
    _goods_received,
    "仓库须已收到并验收接收退货 / The warehouse must have received and accepted goods",
    reads_lines=True,
)
NOT_REFUNDED = Guard("not_refunded", _not_refunded, "未退款 / Not yet refunded")
REFUND_PAID = Guard("refund_paid", _refund_paid, "各笔退款均已成功 / Every refund of the case has succeeded")
REFUND_FAILED = Guard(
    "refund_failed", _refund_failed, "有退款失败且无处理中的退款 / A refund failed and none is pending"
)
DIFFERENCE_DUE = Guard("difference_due", _difference_due, "有待支付的换货差价 / A price difference is due")
DIFFERENCE_SETTLED = Guard(
    "difference_settled",
    _difference_settled,
    "换货差价已付清 / The exchange's price difference is paid",
)

# --- inputs ---------------------------------------------------------------------------------

SOLUTION = Input("solution", "解决方案", "solution")
NOTE = Input("note", "备注", "note", required=False)
REASON = Input("reason", "原因", "reason")
ALTERNATIVE = Input("alternative", "替代方案", "alternative offered")
OPINION = Input("opinion", "审批意见", "opinion")
CARRIER = Input("carrier", "承运商", "carrier")
TRACKING = Input("tracking_number", "运单号", "tracking number")
RECEIVED_QTY = Input("received", "实收数量", "quantities received")
# Return logistics (logistics app), chosen by the customer when confirming the solution.
RETURN_INPUTS = (
    Input("return_method", "退货方式", "return method", required=False),
    Input("pickup_window_start", "取件开始时间", "pickup from", required=False),
    Input("pickup_window_end", "取件结束时间", "pickup until", required=False),
    Input("pickup_address", "取件地址", "pickup address", required=False),
    Input("pickup_contact", "联系人", "contact", required=False),
    Input("pickup_phone", "联系电话", "contact phone", required=False),
    Input("carrier", "承运商", "carrier", required=False),
)
# Receipt and inspection (inspection app).
RECEIPT_INPUTS = (
    Input("serial_numbers", "实收序列号", "serial numbers received", required=False),
    Input("extras", "多收/非申请货品", "extra items received", required=False),
    Input("warehouse", "收货仓库", "receiving warehouse", required=False),
)
UNITS = Input("units", "逐件验收结果", "inspection of each unit")
ROUTE = Input(
    "route",
    "退款方式(原路退回/银行转账/账户余额)",
    "route (original, bank_transfer, store_credit)",
    required=False,
)
ACCOUNT_NAME = Input("account_name", "收款户名", "payee account name", required=False)
BANK = Input("bank", "开户行", "payee bank", required=False)
ACCOUNT_NUMBER = Input("account_number", "收款账号", "payee account number", required=False)
REFERENCE = Input("reference", "财务凭证号", "finance voucher number", required=False)
REFUND_TYPES = frozenset({T.RETURN_REFUND, T.REFUND_ONLY})
# Exchanges, repairs and acceptance findings (issue #5, docs/exchanges-repairs.md).
REPLACEMENTS = Input(
    "replacements", "换货商品(默认同款)", "replacement products (default: the same)", required=False
)
SHIP_FROM = Input("warehouse", "发货仓库", "shipping warehouse", required=False)
PAYMENT_REFERENCE = Input("payment_reference", "收款凭证号", "payment reference")
PAYMENT_METHOD = Input("payment_method", "收款方式", "payment method", required=False)
REPLACEMENT_SERIALS = Input("replacement_serials", "换货序列号", "replacement serial numbers", required=False)
DIAGNOSIS = Input("diagnosis", "检测结论", "diagnosis")
FAULT = Input(
    "fault", "故障原因代码(默认为申请原因)", "fault reason code (default: the claimed one)", required=False
)
EXCLUSION = Input("exclusion", "保修除外情形", "warranty exclusion", required=False)
PARTS = Input("parts", "配件报价", "parts quoted", required=False)
LABOUR = Input("labour", "工时费", "labour", required=False)
OUTCOME = Input("outcome", "维修结论", "repair outcome")
ISSUES = Input("issues", "问题明细(按订单行)", "issues by order line", required=False)

# --- the table ------------------------------------------------------------------------------

TRANSITIONS: tuple[Transition, ...] = (
    Transition(
        "approve", frozenset({S.SUBMITTED}), S.AWAITING_CUSTOMER, REVIEWERS | {R.SYSTEM}, GOODS_TYPES,
        "同意并提供方案", "Approve and offer a solution", (SOLUTION, NOTE),
        (DISTRIBUTOR_QUALITY_ONLY, EVIDENCE_PRESENT),
    ),
    Transition(
        "approve", frozenset({S.SUBMITTED}), S.APPROVED, REVIEWERS | {R.SYSTEM}, frozenset({T.REFUND_ONLY}),
        "同意退款", "Approve the refund", (NOTE,), (DISTRIBUTOR_QUALITY_ONLY, EVIDENCE_PRESENT),
    ),
    Transition(
        "confirm_solution", frozenset({S.AWAITING_CUSTOMER}), S.AWAITING_RETURN, CUSTOMER_SIDE, GOODS_TYPES,
        "确认方案", "Confirm the solution", (*RETURN_INPUTS, NOTE),
    ),
    Transition(
        "decline_solution", frozenset({S.AWAITING_CUSTOMER}), S.SUBMITTED, CUSTOMER_SIDE, GOODS_TYPES,
        "不接受方案,继续协商", "Decline the solution and negotiate", (REASON,),
    ),
    Transition(
        "ship_back", frozenset({S.AWAITING_RETURN}), S.IN_TRANSIT, CUSTOMER_SIDE | {R.WAREHOUSE}, GOODS_TYPES,
        "填写退货物流", "Enter the return shipment", (CARRIER, TRACKING),
    ),
    Transition(
        "receive", frozenset({S.AWAITING_RETURN, S.IN_TRANSIT}), S.RECEIVED, frozenset({R.WAREHOUSE}), GOODS_TYPES,
        "确认实际入库数量", "Confirm quantities received", (RECEIVED_QTY, *RECEIPT_INPUTS, NOTE),
        customer_facing=False,
    ),
    Transition(
        "inspect", frozenset({S.RECEIVED}), S.GOODS_INSPECTED, frozenset({R.WAREHOUSE, R.QC}), GOODS_TYPES,
        "验收退货", "Inspect the returned goods", (UNITS, NOTE), customer_facing=False,
    ),
    Transition(
        "confirm_cause", frozenset({S.GOODS_INSPECTED}), S.CAUSE_CONFIRMED, frozenset({R.QC}), GOODS_TYPES,
        "确认原因与责任", "Confirm cause and responsibility",
        (
            Input("is_our_product", "是否本厂产品", "our product"),
            Input("stage", "问题环节", "stage"),
            Input("responsible_department", "责任部门", "responsible department"),
            Input("handling", "处理意见", "handling"),
            Input("responsible_person", "责任人", "responsible person", required=False),
            Input("batch_lot", "批次/批号", "batch / lot", required=False),
            Input("description", "原因分析", "analysis", required=False),
        ),
        customer_facing=False,
    ),
    Transition(
        "gm_approve", frozenset({S.GOODS_INSPECTED, S.CAUSE_CONFIRMED, S.APPROVED}), S.GM_APPROVED, frozenset({R.GM}),
        frozenset({T.RETURN_REFUND, T.REFUND_ONLY, T.EXCHANGE, T.REPAIR}),
        "总经理审批通过", "General manager approves", (OPINION,), (GM_NEEDED,), customer_facing=False,
    ),
    Transition(
        "gm_reject", frozenset({S.GOODS_INSPECTED, S.CAUSE_CONFIRMED, S.APPROVED}), S.REJECTED,
        frozenset({R.GM, R.SUPERVISOR}), frozenset({T.RETURN_REFUND, T.REFUND_ONLY, T.EXCHANGE, T.REPAIR}),
        "审批驳回", "Reject after review", (REASON, ALTERNATIVE),
    ),
    # Refunds (refunds app): finance starts it; the providers' outcome moves it on (system).
    Transition(
        "refund", frozenset({S.GOODS_INSPECTED, S.CAUSE_CONFIRMED, S.GM_APPROVED, S.APPROVED, S.REFUND_FAILED}),
        S.REFUND_PENDING, frozenset({R.FINANCE}), REFUND_TYPES,
        "发起退款", "Refund", (ROUTE, ACCOUNT_NAME, BANK, ACCOUNT_NUMBER, REFERENCE, NOTE),
        (CAUSE_DONE, GM_DONE, GOODS_RECEIVED), customer_facing=False,
    ),
    Transition(
        "refund_complete", frozenset({S.REFUND_PENDING}), S.REFUNDED, frozenset({R.SYSTEM}), REFUND_TYPES,
        "退款到账并冲账", "Refund paid; sale reversed", (), (REFUND_PAID,),
    ),
    Transition(
        "refund_fail", frozenset({S.REFUND_PENDING}), S.REFUND_FAILED, frozenset({R.SYSTEM}), REFUND_TYPES,
        "退款失败", "Refund failed", (), (REFUND_FAILED,), customer_facing=False,
    ),
    Transition(
        "ship_replacement", frozenset({S.REPLACEMENT_RESERVED, S.DIFFERENCE_PAID}), S.REPLACEMENT_SHIPPED,
        frozenset({R.WAREHOUSE}), frozenset({T.EXCHANGE}),
        "发出换货", "Ship the replacement", (CARRIER, TRACKING, REPLACEMENT_SERIALS),
        (CAUSE_DONE, GM_DONE, DIFFERENCE_SETTLED),
    ),
    Transition(
        "start_repair", frozenset({S.READY_FOR_REPAIR}), S.REPAIRING,
        frozenset({R.QC}), frozenset({T.REPAIR}),
        "开始维修", "Start the repair", (NOTE,), (CAUSE_DONE, GM_DONE),
    ),
    Transition(
        "finish_repair", frozenset({S.REPAIRING}), S.REPAIRED, frozenset({R.QC, R.WAREHOUSE}), frozenset({T.REPAIR}),
        "维修完成并寄回", "Finish the repair and ship back",
        (Input("result", "维修结果", "repair result"), OUTCOME, CARRIER, TRACKING),
    ),
    # --- exchanges and repairs (issue #5; docs/exchanges-repairs.md) -------------------------
    Transition(
        "arrange_exchange",
        frozenset({S.GOODS_INSPECTED, S.CAUSE_CONFIRMED, S.GM_APPROVED, S.REPLACEMENT_RESERVED}), S.REPLACEMENT_RESERVED,
        frozenset({R.AGENT, R.SUPERVISOR, R.SALES, R.WAREHOUSE}), frozenset({T.EXCHANGE}),
        "安排换货并锁定库存", "Arrange the replacement and reserve stock", (REPLACEMENTS, SHIP_FROM, NOTE),
        (CAUSE_DONE, GM_DONE),
    ),
    Transition(
        "confirm_payment", frozenset({S.REPLACEMENT_RESERVED}), S.DIFFERENCE_PAID, frozenset({R.FINANCE}),
        frozenset({T.EXCHANGE}), "确认差价已收款", "Confirm the price difference is paid",
        (PAYMENT_REFERENCE, PAYMENT_METHOD, NOTE), (DIFFERENCE_DUE,),
    ),
    Transition(
        "diagnose", frozenset({S.GOODS_INSPECTED, S.CAUSE_CONFIRMED, S.GM_APPROVED}), S.READY_FOR_REPAIR,
        frozenset({R.QC}), frozenset({T.REPAIR}), "检测确认保修内免费维修", "Diagnose: free repair under warranty",
        (DIAGNOSIS, FAULT), (CAUSE_DONE, GM_DONE), customer_facing=False,
    ),
    Transition(
        "quote_repair", frozenset({S.GOODS_INSPECTED, S.CAUSE_CONFIRMED, S.GM_APPROVED, S.QUOTE_DECLINED}),
        S.QUOTE_PENDING, frozenset({R.QC}), frozenset({T.REPAIR}),
        "检测并出具付费维修报价", "Diagnose and quote a paid repair", (DIAGNOSIS, FAULT, EXCLUSION, PARTS, LABOUR),
        (CAUSE_DONE, GM_DONE),
    ),
    Transition(
        "accept_quote", frozenset({S.QUOTE_PENDING}), S.READY_FOR_REPAIR, CUSTOMER_SIDE, frozenset({T.REPAIR}),
        "接受维修报价", "Accept the repair quote", (NOTE,),
    ),
    Transition(
        "decline_quote", frozenset({S.QUOTE_PENDING}), S.QUOTE_DECLINED, CUSTOMER_SIDE, frozenset({T.REPAIR}),
        "拒绝维修报价", "Decline the repair quote", (REASON,),
    ),
    Transition(
        "return_unrepaired", frozenset({S.QUOTE_DECLINED}), S.RETURNED_UNREPAIRED,
        frozenset({R.WAREHOUSE, R.QC}), frozenset({T.REPAIR}),
        "未维修原样寄回", "Ship back unrepaired", (CARRIER, TRACKING, NOTE),
    ),
    # --- consultation and delivery acceptance ---------------------------------------------------
    Transition(
        "answer", frozenset({S.SUBMITTED}), S.ANSWERED, frozenset({R.AGENT, R.SUPERVISOR}),
        frozenset({T.CONSULTATION}), "答复咨询", "Answer the question", (Input("answer", "答复内容", "answer"),),
    ),
    Transition(
        "schedule_visit", frozenset({S.SUBMITTED}), S.VISIT_SCHEDULED, frozenset({R.AGENT, R.SUPERVISOR}),
        frozenset({T.ACCEPTANCE}), "安排上门验收", "Schedule the acceptance visit",
        (Input("visit_at", "上门时间", "visit time"), Input("technician", "验收人员", "technician")),
    ),
    Transition(
        "record_inspection", frozenset({S.VISIT_SCHEDULED}), S.INSPECTED,
        frozenset({R.AGENT, R.SUPERVISOR, R.WAREHOUSE, R.QC}), frozenset({T.ACCEPTANCE}),
        "记录验收结果", "Record the inspection result",
        (Input("result", "验收结论", "result"), ISSUES, Input("findings", "验收说明", "findings", required=False)),
    ),
    Transition(
        "reject", frozenset({S.SUBMITTED}), S.REJECTED, REVIEWERS,
        frozenset({T.RETURN_REFUND, T.REFUND_ONLY, T.EXCHANGE, T.REPAIR}),
        "拒绝申请", "Reject the request", (REASON, ALTERNATIVE),
    ),
    Transition(
        "appeal", frozenset({S.REJECTED}), S.APPEALED, CUSTOMER_SIDE, ALL_TYPES,
        "申诉(申请仲裁)", "Appeal (arbitration)", (REASON,),
    ),
    Transition(
        "uphold_rejection", frozenset({S.APPEALED}), S.CLOSED, frozenset({R.SUPERVISOR}), ALL_TYPES,
        "维持拒绝", "Uphold the rejection", (OPINION,),
    ),
    Transition(
        "overturn_rejection", frozenset({S.APPEALED}), S.SUBMITTED, frozenset({R.SUPERVISOR}), ALL_TYPES,
        "撤销拒绝,重新审核", "Overturn the rejection and review again", (OPINION,),
    ),
    Transition(
        "cancel",
        frozenset({S.SUBMITTED, S.AWAITING_CUSTOMER, S.AWAITING_RETURN, S.APPROVED, S.VISIT_SCHEDULED}),
        S.CANCELLED, CUSTOMER_SIDE, ALL_TYPES, "取消工单", "Cancel the case", (REASON,),
    ),
    # Two-sided timeouts (sla.rules, fired by cases/tasks.py): the late party loses.
    Transition(
        "expire", frozenset({S.AWAITING_CUSTOMER, S.AWAITING_RETURN}), S.CLOSED, frozenset({R.SYSTEM}), GOODS_TYPES,
        "超时自动关闭", "Close on timeout", (REASON,),
    ),
    Transition(
        "auto_refund", frozenset({S.IN_TRANSIT}), S.REFUND_PENDING, frozenset({R.SYSTEM}),
        frozenset({T.RETURN_REFUND}), "仓库超时未确认收货,自动退款",
        "Refund automatically: receipt not confirmed in time", (REFERENCE,), (CAUSE_DONE, GM_DONE),
    ),
    Transition(
        "close",
        frozenset({
            S.REFUNDED, S.REPLACEMENT_SHIPPED, S.REPAIRED, S.ANSWERED, S.INSPECTED, S.REJECTED,
            S.RETURNED_UNREPAIRED,
        }),
        S.CLOSED, frozenset({R.AGENT, R.SUPERVISOR, R.SALES, R.SYSTEM}), ALL_TYPES,
        "关闭工单", "Close the case", (NOTE,),
    ),
    Transition(
        "reopen", frozenset({S.CLOSED}), S.SUBMITTED, frozenset({R.SUPERVISOR}), ALL_TYPES,
        "重新打开", "Reopen", (REASON,), (NOT_REFUNDED,),
    ),
)  # fmt: skip

ACTIONS = frozenset(t.action for t in TRANSITIONS)


def transition_for(case_type: str, action: str) -> Transition | None:
    for t in TRANSITIONS:
        if t.action == action and case_type in t.types:
            return t
    return None


def role_may(transition: Transition, role: str) -> bool:
    # Administrators configure the system; they do not act on cases (separation of duties).
    return role in transition.roles


def statuses_for(case_type: str) -> list[Status]:
    """Statuses a case of this type can reach from `submitted` by its own transitions, in
    breadth-first order (declared sources that the type can never reach are left out)."""
    reached = [S.SUBMITTED]
    frontier = [S.SUBMITTED]
    while frontier:
        current = frontier.pop(0)
        for t in TRANSITIONS:
            if case_type in t.types and current in t.sources and t.target not in reached:
                reached.append(t.target)
                frontier.append(t.target)
    return reached


def workflow_mermaid(
    case_type: str | None = None, counts: dict[str, int] | None = None, *, english: bool = False
) -> str:
    """The process diagram as Mermaid text, drawn from the table (optionally with case counts).
    For one case type only the statuses that type can reach are drawn. Labels in Chinese, or
    in English with `english`."""
    reachable = set(statuses_for(case_type)) if case_type else set(Status)
    edges: list[str] = []
    used: list[str] = [S.SUBMITTED.value]
    for t in TRANSITIONS:
        if case_type and case_type not in t.types:
            continue
        for src in sorted(t.sources):
            if src not in reachable:
                continue
            edge = f"    {src} --> {t.target.value}: {t.en if english else t.zh}"
            if edge not in edges:
                edges.append(edge)
            for st in (src, t.target.value):
                if st not in used:
                    used.append(st)
    states = []
    for st in used:
        label = Status(st).label.split(" / ")[1 if english else 0]
        if counts is not None:
            label = f"{label} ({counts.get(st, 0)})"
        states.append(f'    state "{label}" as {st}')
    return "\n".join(["stateDiagram-v2", *states, "    [*] --> submitted", *edges])
