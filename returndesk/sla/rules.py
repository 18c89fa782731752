"""What the SLA app knows as code: the statuses that pause clocks, when each target is met, the
timeout rules (which waiting state each watches, what it does when the late party misses it),
and the defaults used when the configuration tables are empty.

Status and case-type values are plain strings here: this satellite does not import the cases
app (STYLE.md); a test checks that every name below exists in cases.models.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time

from django.db import models

# --- clocks -------------------------------------------------------------------------------------

# The case waits for the customer: targets do not run (seed S9 step 4: the customer confirms).
PAUSE_STATUSES = frozenset({"awaiting_customer", "awaiting_return"})
# The solution target runs until the case leaves these (an accepted solution or a decision).
SOLUTION_PENDING_STATUSES = frozenset({"submitted", "awaiting_customer"})
TERMINAL_STATUSES = frozenset({"closed", "cancelled"})
CUSTOMER_SIDE_ROLES = frozenset({"customer", "distributor"})
REVIEW_STATUS = "submitted"


def starts_new_round(from_status: str, to_status: str) -> bool:
    """Back in review after a decision (a closed case reopened, a rejection overturned on
    appeal): a new review round with a fresh first response and solution target from then on.
    A declined solution (awaiting customer → submitted) only resumes the round it belongs to."""
    return to_status == REVIEW_STATUS and from_status not in SOLUTION_PENDING_STATUSES


PRIORITY_CHOICES = [
    ("normal", "普通 / Normal"),
    ("high", "高 / High"),
    ("urgent", "紧急 / Urgent"),
]


class TargetKind(models.TextChoices):
    FIRST_RESPONSE = "first_response", "首次响应 / First response"
    SOLUTION = "solution", "详细解决方案 / Detailed solution"


@dataclass(frozen=True)
class PolicyDefault:
    name: str
    priority: str
    customer_type: str
    first_response_hours: int
    solution_hours: int
    warning_percent: int = 75


# Seed S1 四.1 (24 h first response, 72 h detailed solution) and 四.2 (key accounts and urgent
# issues first). Hours are working hours. Of the rows matching a case, the strictest applies.
DEFAULT_POLICIES = (
    PolicyDefault("默认 / Default", "", "", 24, 72),
    PolicyDefault("高优先级 / High priority", "high", "", 16, 48),
    PolicyDefault("紧急问题 / Urgent issues", "urgent", "", 4, 24),
    PolicyDefault("重要客户 / Key accounts", "", "key_account", 8, 36),
    PolicyDefault("重要客户紧急问题 / Urgent, key account", "urgent", "key_account", 2, 16),
)

DEFAULT_HOURS = ((time(9, 0), time(12, 0)), (time(13, 30), time(18, 0)))


# --- timeout rules ------------------------------------------------------------------------------


class RuleCode(models.TextChoices):
    REVIEW = "review_timeout", "审核超时自动同意 / Review timeout: approve automatically"
    CONFIRM = "confirm_timeout", "客户未确认方案 / Customer did not confirm the solution"
    SHIP = "ship_timeout", "客户未寄回 / Customer did not ship"
    RECEIPT = "receipt_timeout", "仓库未确认收货 / Warehouse did not confirm receipt"
    REFUND_DEADLINE = "refund_deadline", "法定退款期限将至 / Legal refund deadline near"


class Unit(models.TextChoices):
    HOURS = "hours", "小时(自然时间) / Hours (calendar time)"
    CALENDAR_DAYS = "calendar_days", "自然日 / Calendar days"
    WORKING_DAYS = "working_days", "工作日 / Working days"


class ReceiptAction(models.TextChoices):
    FLAG = "flag", "标记并通知仓库与主管 / Flag, tell warehouse and supervisors"
    REFUND = "refund", "视同收货并自动退款 / Deem received and refund"


@dataclass(frozen=True)
class RuleSpec:
    """How a rule attaches to a case. `starts_on`: statuses whose entry starts the deadline
    ("created" = only when the case is opened); `live`: statuses it stays pending in (leaving them
    cancels it); `signal`: started by an event instead of a status (carrier delivery)."""

    code: str
    live: frozenset[str]
    starts_on: frozenset[str] = frozenset()
    case_types: frozenset[str] | None = None
    signal: str = ""


@dataclass(frozen=True)
class RuleDefault:
    amount: int
    unit: str
    lead_hours: int | None = None
    action: str = ""
    solution: str = ""


RULES: dict[str, RuleSpec] = {
    # Taobao/JD: a seller who does not handle a return request in time has agreed to it.
    RuleCode.REVIEW: RuleSpec(
        RuleCode.REVIEW, live=frozenset({"submitted"}), starts_on=frozenset({"created"}),
        case_types=frozenset({"return_refund"}),
    ),
    RuleCode.CONFIRM: RuleSpec(
        RuleCode.CONFIRM, live=frozenset({"awaiting_customer"}), starts_on=frozenset({"awaiting_customer"})
    ),
    RuleCode.SHIP: RuleSpec(
        RuleCode.SHIP, live=frozenset({"awaiting_return"}), starts_on=frozenset({"awaiting_return"})
    ),
    RuleCode.RECEIPT: RuleSpec(
        RuleCode.RECEIPT, live=frozenset({"awaiting_return", "in_transit"}), signal="carrier_delivered"
    ),
    # 消费者权益保护法 第二十五条: the price is returned within 7 days of receiving the goods.
    RuleCode.REFUND_DEADLINE: RuleSpec(
        RuleCode.REFUND_DEADLINE,
        live=frozenset(
            {"received", "goods_inspected", "cause_confirmed", "gm_approved", "refund_pending", "refund_failed"}
        ),
        starts_on=frozenset({"received"}), case_types=frozenset({"return_refund"}),
    ),
}  # fmt: skip

RULE_DEFAULTS: dict[str, RuleDefault] = {
    RuleCode.REVIEW: RuleDefault(48, Unit.HOURS, solution="self_ship"),
    RuleCode.CONFIRM: RuleDefault(3, Unit.CALENDAR_DAYS),
    RuleCode.SHIP: RuleDefault(7, Unit.CALENDAR_DAYS),
    RuleCode.RECEIPT: RuleDefault(3, Unit.WORKING_DAYS, action=ReceiptAction.FLAG),
    RuleCode.REFUND_DEADLINE: RuleDefault(7, Unit.CALENDAR_DAYS, lead_hours=48),
}
